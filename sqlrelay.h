#ifndef SQLRELAY_H
#define SQLRELAY_H

#include "sqlconf.h"

/* The MySQL/MariaDB backend of -S. sqlrelay.c is the only file that
   includes <mysql.h>. One struct sqlrelay per thread; the memory of
   failed servers is shared by the whole process. */

struct sqlrelay;

struct sqlrelay_answer {
  int result;              /* same as the return value of sqlrelay_lookup */
  char server[256];        /* the server that answered (or failed last) */
  char why[256];           /* the cause of an error; never the password */
  unsigned long usec;      /* time taken by the lookup */
  int tried;               /* 1 if a server was contacted, 0 if all skipped */
  long long future;        /* the time of the last row dated in the future */
  char matched[64];        /* sqlrelay_lookup: the key of the row that
                              answered (relay or future), else empty */
  int netblock;            /* sqlrelay_lookup: 1 if a netblock relayed
                              (sqlrelay_netblocks names it) */
};

/* Once, before any thread starts. 0 ok, -1 error. */
int sqlrelay_init(void);

/* No I/O. Keeps a pointer to c, which must stay valid until
   sqlrelay_free. NULL on out of memory (errno). */
struct sqlrelay *sqlrelay_new(const struct sqlconf *c);

/* Most addresses one statement asks about. */
#define SQLRELAY_BATCH 32

/* 1 if ip can be looked up (sqlrelay_lookup_many would take it): an
   address as net_ip_scan takes it. An IPv4 address (also IPv4-mapped)
   is asked as its dotted text, IPv6 as its RFC 5952 text and vpopmail's
   transform of it (relayip_forms), in the same statement. */
int sqlrelay_ip_ok(const char *ip);

/* What res[i] says of an address. A row dated more than skew seconds
   ahead of the database's clock (SQLRELAY_FUTURE) does not relay. */
#define SQLRELAY_NORELAY 0
#define SQLRELAY_RELAY 1
#define SQLRELAY_FUTURE 2
/* n (1..SQLRELAY_BATCH) addresses in one round trip: res[i] one of the
   three above (a->future: the time of the last future row). Returns 0, or -1 on error for all of them (a->why); a->result
   is the same. */
int sqlrelay_lookup_many(struct sqlrelay *r, const char *const *ips, size_t n,
                         int *res, struct sqlrelay_answer *a);

/* SQLRELAY_RELAY, _NORELAY or _FUTURE, -1 error (a->why says why). ip is
   the client address's text (as sqlrelay_ip_ok takes it); a->matched
   the key that answered. */
int sqlrelay_lookup(struct sqlrelay *r, const char *ip,
                    struct sqlrelay_answer *a);

/* The writing side (sqlrelayopen, sqlrelayexpire): server is an index
   into the control file's servers; the caller tries them in order. A
   writer's connection is kept between calls to the same server and is
   never used for lookups. */

/* REPLACE the row of ip (the table's text of the address) dated by the
   database's clock. 1 written; 0 not written and no other server would
   take it (the address does not fit the column); -1 this server failed
   (refused, read-only, no table, ...). a->why says why. */
int sqlrelay_write(struct sqlrelay *r, size_t server, const char *ip,
                   struct sqlrelay_answer *a);

/* Expiry walks the table in windows of limit keys in index order (each
   statement touches at most limit rows through the primary key, so it
   holds the table only briefly). One window after key (from the start
   when *more is 0; key has keymax bytes, SQLRELAY_KEYMAX is enough for
   any key; a longer key is an error): deletes the rows in it dated age
   seconds ago or earlier, more than the file's skew ahead of the
   database's clock, or with no time, and moves key to the window's last
   key; *more is 1 while windows are left, 0 after the last. The rows
   deleted, or -1 (a->why). The session is not in strict mode: a char
   time column holding a non-number compares as its numeric value. */
#define SQLRELAY_KEYMAX 256
long long sqlrelay_expire(struct sqlrelay *r, size_t server, unsigned long age,
                          unsigned long limit, char *key, size_t keymax,
                          int *more, struct sqlrelay_answer *a);

/* The netblocks table (control file key netblocks; spec/cidr.md), for
   sqlrelaycheck: with ip, fn(arg, net, state) for each row whose network
   holds ip, longest first; with ip NULL, for each row that is not a
   network (state _BAD), then for each length whose rows cannot match
   because NAME_len lacks it (state _NOLEN, net "/24 (IPv4)"). state:
   SQLRELAY_NB_OK (relays), _EXPIRED, _BAD, _NOLEN. Over the
   connection of the last lookup, else the first server that answers.
   The rows listed, or -1 (a->why). */
#define SQLRELAY_NETBLOCK 2      /* internal: the form of a netblock hit */
#define SQLRELAY_NB_OK 0
#define SQLRELAY_NB_EXPIRED 1
#define SQLRELAY_NB_BAD 2
#define SQLRELAY_NB_NOLEN 3
long sqlrelay_netblocks(struct sqlrelay *r, const char *ip,
                        void (*fn)(void *arg, const char *net, int state),
                        void *arg, struct sqlrelay_answer *a);

void sqlrelay_free(struct sqlrelay *r);

/* Forget every remembered failed server (after a control-file change). */
void sqlrelay_forget_failures(void);

#endif
