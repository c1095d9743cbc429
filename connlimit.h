#ifndef CONNLIMIT_H
#define CONNLIMIT_H

#include <stddef.h>
#include <sys/types.h>
#include "net.h"

/* The parent's count of open connections per address and per network
   (IPv4 /24, IPv6 /64; an IPv4-mapped address counts as IPv4), for
   MAXCONNIP and MAXCONNC (spec/limits.md Part 2). Two open-addressing
   tables sized once by connlimit_init: one keyed by address or network,
   one by child pid (so an exit is uncounted without a scan). No
   allocation after init; connlimit_close is async-signal-safe. The
   tables are private to the parent and to each child's copy. */

struct connlimit_seen {
  unsigned long ip;    /* connections open from the address, this one excluded */
  unsigned long net;   /* from its network, this one excluded */
};

/* Room for maxconn connections at once (capped at CONNLIMIT_CAP: past
   it, connections that do not fit are not counted). 0, or -1 ENOMEM. */
#define CONNLIMIT_CAP 65536UL
int connlimit_init(unsigned long maxconn);

/* Counts a new connection from ip; *seen gets the counts before it.
   Then, once its child exists, connlimit_bind(pid) ties it to the
   child; connlimit_cancel() instead (fork failed) takes it back. */
void connlimit_open(const struct net_ip *ip, struct connlimit_seen *seen);
void connlimit_bind(pid_t pid);
void connlimit_cancel(void);
/* The connection of child pid ended: 1 uncounted, 0 pid unknown. */
int connlimit_close(pid_t pid);

/* For tests: live address/network entries, and bound children. */
size_t connlimit_entries(void);
size_t connlimit_children(void);

/* A refused child gives its count back at once, before it answers the
   client: connlimit_refused (in the child) queues its pid in memory
   shared with the parent; connlimit_drain (in the parent, before each
   count and in the reaper) uncounts every queued pid. */
int connlimit_share(void);
void connlimit_refused(pid_t pid);
void connlimit_drain(void);

/* A limit's value: 1 a decimal number (saturating), 0 anything else
   (empty, a sign, spaces, other bytes). */
int connlimit_scan(const char *s, unsigned long *u);

#endif
