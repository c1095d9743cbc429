#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "errstr.h"
#include "msg.h"
#include "scan.h"
#include "sgetopt.h"
#include "sqlconf.h"
#include "sqlrelay.h"

/* sqlrelayexpire [-v] [-t seconds] [-b rows]: for cron. Deletes the relay
   rows dated time seconds ago or earlier, or more than skew seconds
   ahead of the database's clock, walking the primary key a window of
   rows at a time (each statement holds the table briefly, so lookups
   never wait long). */

#define USAGE "sqlrelayexpire [ -v ] [ -t seconds ] [ -b rows ]"
#define BATCH 1000

static unsigned long number(const char *s, unsigned long min, unsigned long max)
{
  unsigned long u;
  size_t n = scan_ulong(s, &u);
  if (!n || s[n] || n > 10 || u < min || u > max) msg_usage(USAGE);
  return u;
}

int main(int argc, char **argv)
{
  struct sgetopt g;
  struct sqlconf c;
  const char *path;
  struct sqlrelay *r;
  struct sqlrelay_answer a;
  unsigned long age = 0, batch = BATCH, statements = 0;
  long long n, total = 0;
  int opt, verbose = 0, haveage = 0, rc, more = 0;
  size_t i;
  char num[64], key[SQLRELAY_KEYMAX] = "";

  msg_init("sqlrelayexpire");
  sgetopt_init(&g);
  while ((opt = sgetopt(&g, argc, argv, "vt:b:")) != SGETOPT_END) {
    switch (opt) {
    case 'v': verbose = 1; break;
    case 't': age = number(g.arg, 1, 1000000000); haveage = 1; break;
    case 'b': batch = number(g.arg, 1, 1000000); break;
    default: msg_usage(USAGE);
    }
  }
  if (g.ind < argc) msg_usage(USAGE);
  path = sqlconf_writepath();
  rc = sqlconf_load(&c, path, sqlconf_warn, &path);
  if (rc < 0) msg_fatal(111, "unable to read ", path, ": ", errstr(errno), NULL);
  if (rc == 0) msg_fatal(111, "unusable control file ", path, NULL);
  if (!haveage) age = c.time;
  if (!age) msg_fatal(111, path, ": time is 0 (no age limit): give -t seconds", NULL);
  if (sqlrelay_init() < 0 || !(r = sqlrelay_new(&c)))
    msg_fatal(111, "cannot start the database client: ", errstr(errno), NULL);
  /* the first server that takes a statement takes every window */
  for (i = 0; i < c.nservers; ++i) {
    n = sqlrelay_expire(r, i, age, batch, key, sizeof key, &more, &a);
    if (n >= 0) break;
    msg_warn("server ", a.server, ": ", a.why, NULL);
  }
  if (i == c.nservers) msg_fatal(111, "no server took the delete", NULL);
  for (;;) {
    ++statements;
    total += n;
    if (!more) break;
    n = sqlrelay_expire(r, i, age, batch, key, sizeof key, &more, &a);
    if (n < 0) {
      snprintf(num, sizeof num, "%lld", total);
      msg_fatal(111, "server ", a.server, ": ", a.why, " (", num,
                " rows deleted before)", NULL);
    }
  }
  if (verbose) {
    printf("deleted %lld rows from %s on %s in %lu windows\n", total,
           c.table, c.server[i], statements);
    fflush(stdout);
  }
  sqlrelay_free(r);
  sqlconf_free(&c);
  return 0;
}
