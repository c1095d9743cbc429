/* unit_relayshare: which requests may take another statement's answer
   (relayshare.c). A request's connection is accepted at q.arrived; a
   statement is sent at relayshare_takeoff. */
#include <stdio.h>
#include <string.h>
#include "relayshare.h"
#include "tests/unit.h"

#define SEC 1000000000ull

static struct relaymsg_request req(const char *ip, uint64_t arrived)
{
  struct relaymsg_request q;

  memset(&q, 0, sizeof q);
  snprintf(q.ip, sizeof q.ip, "%.64s", ip);
  q.arrived = arrived;
  q.slot = 7;
  return q;
}

/* flight f (gen) about ip[], landed ok with res[] from server "db1" */
static void asked(struct relayshare_flight *f, unsigned long gen,
                  const char *const *ip, size_t n, const int *res)
{
  relayshare_takeoff(f, gen, ip, n);
  relayshare_land(f, 1, res, "db1");
}

static void kept(struct relayshare_flight *w)
{
  static const char *const ip[] = { "192.0.2.1", "192.0.2.2" };
  static const int res[] = { 1, 0 };
  char server[RELAYMSG_TEXTMAX + 1] = "";
  struct relaymsg_request q;
  uint64_t before = relaymsg_now();
  int r = -1;

  asked(w, 1, ip, 2, res);
  q = req("192.0.2.1", before);
  check(relayshare_find(&q, 1, NULL, &r, server) == 1 && r == 1 && !strcmp(server, "db1"),
        "relayshare: a connection accepted before the statement was sent takes its answer (relay)", "no");
  q = req("192.0.2.2", before);
  r = -1;
  check(relayshare_find(&q, 1, NULL, &r, server) == 1 && r == 0,
        "relayshare: the same for an address not in the table", "no");
  q = req("192.0.2.1", relaymsg_now() + SEC);
  check(relayshare_find(&q, 1, NULL, &r, server) == 0,
        "relayshare: a connection accepted after the statement was sent asks anew", "took it");
  q = req("192.0.2.1", before);
  check(relayshare_find(&q, 2, NULL, &r, server) == 0,
        "relayshare: an answer under another control file version is not taken", "took it");
  q = req("192.0.2.3", before);
  check(relayshare_find(&q, 1, NULL, &r, server) == 0,
        "relayshare: an address the statement did not ask about asks anew", "took one");
}

static void failed(struct relayshare_flight *w)
{
  static const char *const ip[] = { "198.51.100.1" };
  static const int res[] = { 1 };
  char server[RELAYMSG_TEXTMAX + 1];
  struct relaymsg_request q = req("198.51.100.1", relaymsg_now());
  int r;

  relayshare_takeoff(w, 1, ip, 1);
  relayshare_land(w, 0, res, "db1");
  check(relayshare_find(&q, 1, NULL, &r, server) == 0,
        "relayshare: a failed statement's answer is not kept", "it was");
}

static void newest(struct relayshare_flight *a, struct relayshare_flight *b)
{
  static const char *const ip[] = { "203.0.113.9" };
  static const int yes[] = { 1 }, no[] = { 0 };
  char server[RELAYMSG_TEXTMAX + 1];
  struct relaymsg_request q;
  uint64_t between;
  int r = -1;

  /* a sent first, b later; a lands last: b's answer stays */
  relayshare_takeoff(a, 1, ip, 1);
  between = relaymsg_now();
  relayshare_takeoff(b, 1, ip, 1);
  relayshare_land(b, 1, yes, "db2");
  relayshare_land(a, 1, no, "db1");
  q = req("203.0.113.9", between);
  check(relayshare_find(&q, 1, NULL, &r, server) == 1 && r == 1 && !strcmp(server, "db2"),
        "relayshare: an older statement landing last does not replace a newer answer",
        r == 0 ? "the older answer was kept" : "no answer kept");
}

static void joins(struct relayshare_flight *a, struct relayshare_flight *b)
{
  static const char *const ip[] = { "192.0.2.50", "192.0.2.51" };
  static const int res[] = { 0, 1 };
  char server[RELAYMSG_TEXTMAX + 1];
  struct relaymsg_request q;
  uint64_t before = relaymsg_now();
  int r, x, n = 0, i;

  relayshare_takeoff(a, 7, ip, 2);
  q = req("192.0.2.51", before);
  check(relayshare_find(&q, 7, b, &r, server) == 2 && a->njoin == 1 && a->jwhich[0] == 1 &&
        !strcmp(a->join[0].ip, "192.0.2.51") && a->join[0].slot == 7,
        "relayshare: a request accepted before a statement in flight joins it", "no");
  q = req("192.0.2.51", relaymsg_now() + SEC);
  check(relayshare_find(&q, 7, b, &r, server) == 0 && a->njoin == 1,
        "relayshare: one accepted after it was sent does not join", "joined");
  q = req("192.0.2.50", before);
  check(relayshare_find(&q, 8, b, &r, server) == 0,
        "relayshare: nor one under another control file version", "joined");
  check(relayshare_find(&q, 7, a, &r, server) == 0,
        "relayshare: a worker does not join its own flight", "joined");
  for (i = 0; i < RELAYSHARE_JOINMAX + 5; ++i) {
    x = relayshare_find(&q, 7, b, &r, server);
    if (x == 2) ++n;
  }
  check(n == RELAYSHARE_JOINMAX - 1 && a->njoin == RELAYSHARE_JOINMAX,
        "relayshare: a flight takes at most RELAYSHARE_JOINMAX joiners", "more or fewer");
  check(relayshare_land(a, 1, res, "db1") == RELAYSHARE_JOINMAX &&
        a->njoin == RELAYSHARE_JOINMAX && a->jwhich[1] == 0,
        "relayshare: the joiners stay with the owner after landing", "lost");
  q = req("192.0.2.52", before);
  check(relayshare_find(&q, 7, b, &r, server) == 0,
        "relayshare: nothing joins a flight that landed", "joined");
}

/* many addresses through the 64 kept slots: each request gets its own
   address's answer or none, never another's */
static void crowded(struct relayshare_flight *w)
{
  char ips[300][20], server[RELAYMSG_TEXTMAX + 1];
  const char *ip[1];
  struct relaymsg_request q;
  uint64_t before = relaymsg_now();
  int i, r, res[1], wrong = 0, hits = 0;

  for (i = 0; i < 300; ++i) {
    snprintf(ips[i], sizeof ips[i], "10.0.%d.%d", i / 256, i % 256);
    ip[0] = ips[i];
    res[0] = i % 2;
    asked(w, 3, ip, 1, res);
  }
  for (i = 0; i < 300; ++i) {
    q = req(ips[i], before);
    r = -1;
    if (relayshare_find(&q, 3, NULL, &r, server) == 1) {
      ++hits;
      if (r != i % 2) ++wrong;
    }
  }
  check(!wrong && hits > 0 && hits <= RELAYSHARE_KEPT,
        "relayshare: 300 addresses: kept answers are each their own address's", "mixed up");
}

int main(void)
{
  static struct relayshare_flight f[3];

  check(relayshare_enlist(&f[0]) == 0 && relayshare_enlist(&f[1]) == 0 &&
        relayshare_enlist(&f[2]) == 0, "relayshare: workers enlist", "refused");
  kept(&f[0]);
  failed(&f[0]);
  newest(&f[0], &f[1]);
  joins(&f[1], &f[2]);
  crowded(&f[0]);
  return failures != 0;
}
