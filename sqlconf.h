#ifndef SQLCONF_H
#define SQLCONF_H

#include <stddef.h>

/* The -S control file (spec sql-relay.md, "v1 file format" plus
   extensions). Pure parsing: no database code here. */

#define SQLCONF_MAXSERVERS 8
#define SQLCONF_MAXFILE 65536
#define SQLCONF_MAXLINE 1024

/* helper connections by default: few, so that lookups waiting while a
   statement runs share the next one; two, so that one slow statement
   does not hold up every lookup (measured: 1 level with 2 or up to 2.6%
   ahead with the database on the same host; 2 > 1 > 8 with it 1 ms
   away; bench/RESULTS.md, "helper connections", 2026-11-29) */
#define SQLCONF_CONNECTIONS 2

struct sqlconf {
  char *server[SQLCONF_MAXSERVERS];   /* tried in order; default localhost */
  size_t nservers;
  unsigned port;                      /* default 3306 */
  char *socket;                       /* NULL: TCP */
  char *database, *table, *user, *pass, *column, *timecolumn;
  char *netblocks;      /* NULL: no netblocks table (spec/cidr.md) */
  unsigned long time;                 /* seconds; 0 = no age limit */
  unsigned long skew;   /* seconds a row may be dated ahead; default 300 */
  unsigned retry, connect_timeout, read_timeout, connections;
  char *sets;    /* NAME=VALUE\0 ... ; default "RELAYCLIENT=\0" */
  size_t setslen;
  char *ssl_ca;                       /* NULL: no TLS */
  int ssl_verify;                     /* default 1 */
};

/* One problem per call, one line of sanitised text such as
   "line 7: unknown key: colour". Never contains the password value. */
typedef void sqlconf_report(void *arg, const char *problem);

/* 1 usable, 0 unusable. c is always filled (free with sqlconf_free).
   rep may be NULL. */
int sqlconf_parse(struct sqlconf *c, const char *buf, size_t len,
                  sqlconf_report *rep, void *arg);

/* 1 usable, 0 unusable (problems reported), -1 read error (errno).
   Files over SQLCONF_MAXFILE bytes: "too large", unusable; anything but
   a regular file: "not a regular file", unusable.
   Mode & 004: "readable by other users" reported, still usable.
   After -1 or 0, c is still safe to sqlconf_free. */
int sqlconf_load(struct sqlconf *c, const char *path,
                 sqlconf_report *rep, void *arg);

/* $TCPSERVER_SQL_CONTROL if set (and non-empty), else /var/qmail/control/sql */
const char *sqlconf_path(void);
/* the writers' file (sqlrelayopen, sqlrelayexpire): same format, its own
   credentials; $SQLRELAY_WRITE_CONTROL if set (and non-empty), else
   /var/qmail/control/sqlwrite */
const char *sqlconf_writepath(void);

/* A sqlconf_report for the programs run by hand (arg: a const char **,
   the file's path):
   "prog: warning: PATH line 7: ..." or "prog: warning: PATH: problem". */
void sqlconf_warn(void *path, const char *problem);

void sqlconf_free(struct sqlconf *c);

#endif
