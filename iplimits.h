#ifndef IPLIMITS_H
#define IPLIMITS_H

#include <stddef.h>
#include "connlimit.h"

/* MAXCONNIP, MAXCONNC, MAXLOAD and DIEMSG (spec/limits.md Part 2).
   LIMITS_OFF: the variable is unset (MAXLOAD: also 0). */
#define LIMITS_OFF (~0UL)
struct limits {
  unsigned long maxconnip, maxconnc, maxload;
  const char *diemsg;      /* NULL or "": none */
};

/* The names, for the rules' variables: 1 if name is one of the four. */
int limits_isname(const char *name, size_t len);

/* From tcpserver's own environment: 0, or -1 with *bad the name of the
   first variable whose value is empty or not a decimal number. */
int limits_env(struct limits *l, const char **bad);
/* 1 if any limit is on (DIEMSG alone refuses nothing). */
int limits_any(const struct limits *l);

/* In the child, after the rules: env's limits with the rules' values
   (childenv) put over them when fromrule; a bad value from a rule is a
   warning (for ip) and that limit is off. 1 refused, with the log
   suffix (" MAXCONNIP:2", " MAXCONNC:n", " LOAD:n") in suffix
   (LIMITS_SUFFIX bytes) and the message in *diemsg (NULL none); 0 not. */
#define LIMITS_SUFFIX 32
int limits_decide(const struct limits *env, int fromrule,
                  const struct connlimit_seen *seen, const char *ip,
                  char *suffix, const char **diemsg);

#endif
