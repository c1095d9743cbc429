#ifndef TCPCHILD_H
#define TCPCHILD_H

#include "connlimit.h"
#include "iplimits.h"
#include "net.h"

/* What the parent decided at startup; read-only in the child. */
struct tcpconf {
  const char *banner;      /* -B; "" = none */
  const char *rules;       /* -x; NULL = none */
  int rules_noent_ok;      /* -X */
  const char *localname;   /* -l; NULL = PTR lookup */
  int remotehost;          /* -h (1) / -H (0) */
  int paranoid;            /* -p */
  int remoteinfo;          /* -r (1) / -R (0) */
  unsigned long timeout;   /* -t */
  int killopts;            /* -O (1) / -o (0) */
  int nodelay;             /* -D */
  int sqlrelay;            /* -S */
  int mapped6;             /* -6: IPv4 clients as ::ffff:a.b.c.d, TCP6 */
  int listenfd;
  char localport[NET_PORTFMT];
  const char *path;        /* the original $PATH, NULL if unset */
  char **argv;             /* program and its arguments */
  /* NULL: no limit can apply (none in the environment, no -x), nothing
     counted; else seen holds the counts the parent took at accept */
  const struct limits *limits;
  const struct connlimit_seen *seen;
};

/* The per-connection sequence of spec 2.2 on connection fd t, in a
   freshly forked child. Ends in exec or exit (100 deny, 111 drop). */
_Noreturn void tcpchild_run(const struct tcpconf *c, int t,
                            const struct net_ip *remote,
                            unsigned int remoteport);

#endif
