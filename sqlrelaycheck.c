#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "errstr.h"
#include "msg.h"
#include "net.h"
#include "relayip.h"
#include "sqlconf.h"
#include "sqlrelay.h"

/* sqlrelaycheck [ip ... | -]: check the -S control file; with addresses,
   ask the database as tcpserver -S would. */

#define USAGE "sqlrelaycheck [ ip ... | - ]"

static const char *path;

static void show(const struct sqlconf *c)
{
  size_t i;
  const char *s;
  for (i = 0; i < c->nservers; ++i) printf("server %s\n", c->server[i]);
  printf("port %u\n", c->port);
  if (c->socket) printf("socket %s\n", c->socket);
  printf("database %s\ntable %s\ncolumn %s\ntimecolumn %s\n",
         c->database, c->table, c->column, c->timecolumn);
  printf("user %s\npass %s\n", c->user, c->pass ? "(hidden)" : "(none)");
  printf("time %lu\nskew %lu\nretry %u\nconnect_timeout %u\nread_timeout %u\n",
         c->time, c->skew, c->retry, c->connect_timeout, c->read_timeout);
  printf("connections %u\n", c->connections);
  if (c->netblocks) printf("netblocks %s\n", c->netblocks);
  for (s = c->sets; s < c->sets + c->setslen; s += strlen(s) + 1)
    printf("set %s\n", s);
  if (c->ssl_ca)
    printf("ssl_ca %s\nssl_verify %s\n", c->ssl_ca, c->ssl_verify ? "yes" : "no");
}

/* s as tcpserver would present it (RFC 5952 for IPv6) into ip
   (NET_IPFMT bytes): 1, or 0 if s is not an address */
static int goodip(const char *s, char *ip)
{
  struct net_ip a;

  if (!net_ip_scan(s, &a)) return 0;
  net_ip_fmt(ip, &a);
  return 1;
}

/* IPv6 text: " (as KEY)" when a row answered, else " (asked KEY, ...)";
   IPv4: nothing (the line stays as it always was) */
static void keys(char *out, size_t max, const char *ip, const struct sqlrelay_answer *a)
{
  char forms[RELAYIP_FORMS][NET_IPFMT];
  int n;

  out[0] = 0;
  if (!strchr(ip, ':')) return;
  if (a->matched[0]) { snprintf(out, max, " (as %s)", a->matched); return; }
  n = relayip_forms(ip, forms);
  snprintf(out, max, " (asked %s%s%s)", forms[0], n > 1 ? ", " : "", n > 1 ? forms[1] : "");
}

/* the first netblock that relays (the longest), sanitised, into arg */
static void firstnet(void *arg, const char *net, int state)
{
  char *out = arg;
  size_t i;

  if (state != SQLRELAY_NB_OK || out[0]) return;
  for (i = 0; net[i] && i < NET_IPFMT + 8; ++i)
    out[i] = net[i] > 0x20 && net[i] < 0x7f ? net[i] : '?';
  out[i] = 0;
}

/* " (netblock NET)" when a netblock relayed */
static void netblock(struct sqlrelay *r, char *out, size_t max, const char *ip,
                     struct sqlrelay_answer *a)
{
  char net[NET_IPFMT + 16];
  struct sqlrelay_answer b;

  out[0] = net[0] = 0;
  if (!a->netblock) return;
  if (sqlrelay_netblocks(r, ip, firstnet, net, &b) < 0)
    snprintf(out, max, " (netblock unknown: %s)", b.why);
  else
    snprintf(out, max, " (netblock %s)", net);
}

/* relay IP server NAME 0.41 ms | no relay ... | error ...: cause
   | no relay ...: dated in the future: row T, now N; IPv6: IP (as KEY) */
static void answer(struct sqlrelay *r, const char *ip, struct sqlrelay_answer *a)
{
  char nb[2 * NET_IPFMT + sizeof a->why];
  const char *what = a->result == SQLRELAY_RELAY ? "relay"
                     : a->result < 0 ? "error" : "no relay";
  char why[sizeof a->why + 80], as[2 * NET_IPFMT + 16];

  if (a->result == SQLRELAY_FUTURE)
    snprintf(why, sizeof why, "dated in the future: row %lld, now %lld",
             a->future, (long long) time(NULL));
  else
    snprintf(why, sizeof why, "%s", a->result < 0 ? a->why : "");
  keys(as, sizeof as, ip, a);
  netblock(r, nb, sizeof nb, ip, a);
  if (nb[0]) snprintf(as, sizeof as, "%s", nb);
  printf("%s %s%s server %s %lu.%02lu ms%s%s\n", what, ip, as, a->server,
         a->usec / 1000, (a->usec % 1000) / 10, why[0] ? ": " : "", why);
  fflush(stdout);
}

static int fromargs(struct sqlrelay *r, char **argv)
{
  struct sqlrelay_answer a;
  char ip[NET_IPFMT];
  for (; *argv; ++argv) {
    if (!goodip(*argv, ip)) msg_fatal(100, "bad address", NULL);
    if (sqlrelay_lookup(r, ip, &a) < 0)
      msg_fatal(111, "server ", a.server, ": ", a.why, NULL);
    answer(r, ip, &a);
  }
  return 0;
}

/* One address a line; an error is printed and remembered, not fatal. */
static int fromstdin(struct sqlrelay *r)
{
  struct sqlrelay_answer a;
  char line[256], ip[NET_IPFMT];
  int code = 0;
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\r\n")] = 0;
    if (!line[0]) continue;
    if (!goodip(line, ip)) { printf("bad address\n"); fflush(stdout); code = 100; continue; }
    if (sqlrelay_lookup(r, ip, &a) < 0 && !code) code = 111;
    answer(r, ip, &a);
  }
  return code;
}

/* arg: the netblocks table's name */
static void badrow(void *arg, const char *net, int state)
{
  char t[80];
  size_t i;

  for (i = 0; net[i] && i + 4 < sizeof t; ++i)
    t[i] = net[i] >= 0x20 && net[i] < 0x7f ? net[i] : '?';
  if (net[i]) memcpy(t + i, "...", 3), i += 3;
  t[i] = 0;
  if (state == SQLRELAY_NB_NOLEN)
    msg_warn("netblocks of length ", t, " never match: ", (const char *) arg,
             "_len lacks the length (control-sql.example: rebuild it)", NULL);
  else
    msg_warn("netblocks row is not a network, it never matches: ", t, NULL);
}

int main(int argc, char **argv)
{
  struct sqlconf c;
  struct sqlrelay *r;
  int res, code;
  msg_init("sqlrelaycheck");
  path = sqlconf_path();
  if (argc > 1 && argv[1][0] == '-' && strcmp(argv[1], "-")) msg_usage(USAGE);
  res = sqlconf_load(&c, path, sqlconf_warn, &path);
  if (res < 0) msg_fatal(111, "unable to read ", path, ": ", errstr(errno), NULL);
  if (res == 0) msg_fatal(100, path, ": unusable", NULL);
  if (argc < 2) {
    show(&c);
    sqlconf_free(&c);
    return 0;
  }
  if (sqlrelay_init() < 0) msg_fatal(111, "unable to initialise the MySQL library", NULL);
  r = sqlrelay_new(&c);
  if (!r) msg_fatal(111, "out of memory", NULL);
  if (!strcmp(argv[1], "-")) code = fromstdin(r);
  else code = fromargs(r, argv + 1);
  if (c.netblocks) {
    struct sqlrelay_answer a;
    if (sqlrelay_netblocks(r, NULL, badrow, c.netblocks, &a) < 0)
      msg_warn("unable to list bad netblocks rows: ", a.why, NULL);
  }
  sqlrelay_free(r);
  sqlconf_free(&c);
  return code;
}
