#ifndef RULES_H
#define RULES_H

#include <stddef.h>

/* key and data point into small when they fit (the common case: no
   heap in a forked child), else at malloc'd copies. Do not copy. */
#define RULES_SMALL 256
struct rules_result {
  char *key;
  size_t keylen;
  char *data;
  size_t datalen;
  unsigned cidr;  /* the hit was a CIDR key of this prefix length, or 0 */
  char small[RULES_SMALL];
};

/* Walk the key ladder (spec 3.2; the ip prefixes end at '.' or ':', as
   ipv6.md's Rules section says; then the CIDR keys the cdb's markers
   name, spec/cidr.md; r->cidr is the length of a CIDR hit) in the cdb open on fd. host, info: NULL
   means unknown; "" is known but empty. 1 found (r holds copies,
   release with rules_free), 0 nothing matched, -1 error with errno
   (EPROTO bad cdb, EISDIR directory, ENOMEM). */
int rules_lookup(int fd, const char *ip, const char *host, const char *info,
                 struct rules_result *r);
void rules_free(struct rules_result *r);

/* The ladder alone, without the CIDR stage (rules_walk): calls try(arg, key, len) for each key in order until
   try returns nonzero, and returns that value (0 if every key was tried).
   Memory used is bounded by the lengths of ip, host and info. */
int rules_ladder(const char *ip, const char *host, const char *info,
                 int (*try)(void *arg, const char *key, size_t len),
                 void *arg);

/* The ladder with its CIDR stage (spec/cidr.md): after the ip prefixes,
   when ip is an address and lens(arg, v6, set) returns 1 with a length
   set (cidr.h, zeroed before the call), the CIDR keys of those lengths,
   longest first; lens returns 0 (no CIDR keys) or -1 (error) to skip or
   stop. lens NULL: no CIDR stage (rules_ladder). */
struct rules_probe {
  int (*try)(void *arg, const char *key, size_t len);
  int (*lens)(void *arg, int v6, unsigned char *set);
  void *arg;
};
int rules_walk(const char *ip, const char *host, const char *info,
               const struct rules_probe *p);

/* 1 if an entry starting with 'D' occurs (spec 3.3), else 0. */
int rules_denied(const char *data, size_t len);

/* fn for each NUL-terminated "+NAME=VALUE" entry, in order; entries without
   '=' and bytes after the last NUL are ignored. */
void rules_vars(const char *data, size_t len,
                void (*fn)(void *arg, const char *name, size_t namelen,
                           const char *value, size_t valuelen),
                void *arg);

/* fn for each NUL-terminated entry (without its NUL), in order. */
void rules_entries(const char *data, size_t len,
                   void (*fn)(void *arg, const char *entry, size_t len),
                   void *arg);

#endif
