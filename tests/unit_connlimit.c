/* connlimit: the parent's per-address and per-network counts (MAXCONNIP,
   MAXCONNC), checked against a plain model over many opens and closes;
   the limit value parser. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "connlimit.h"
#include "net.h"
#include "tests/unit.h"

static struct net_ip ip6(const char *s)
{
  struct net_ip ip;

  if (!net_ip6_scan(s, &ip)) abort();
  return ip;
}

static void test_scan(void)
{
  static const char *const bad[] = { "", "abc", "3 ", " 3", "-1", "+1", "1e3", "0x10", "3a" };
  unsigned long u = 7;
  size_t i;
  int allbad = 1;

  for (i = 0; i < sizeof bad / sizeof bad[0]; ++i)
    if (connlimit_scan(bad[i], &u)) allbad = 0;
  check(allbad && u == 7, "scan: empty, signs, spaces, letters are not a value", "accepted");
  check(connlimit_scan("0", &u) && u == 0, "scan: 0", "not 0");
  check(connlimit_scan("003", &u) && u == 3, "scan: 003 is 3", "not 3");
  check(connlimit_scan("99999999999999999999999", &u) && u == ~0UL,
        "scan: a huge number saturates", "wrapped");
  check(!connlimit_scan(NULL, &u), "scan: unset is not a value", "accepted");
}

static void test_basic(void)
{
  struct net_ip a, b, c, m, x, y;
  struct connlimit_seen s;
  int good = 1;

  check(connlimit_init(40) == 0, "init -c 40", "failed");
  net_ip4(&a, 127, 0, 0, 1);
  net_ip4(&b, 127, 0, 0, 2);
  net_ip4(&c, 127, 0, 1, 1);
  m = ip6("::ffff:127.0.0.1");
  x = ip6("2001:db8::1");
  y = ip6("2001:db8::ffff:2");
  connlimit_open(&a, &s); good &= s.ip == 0 && s.net == 0; connlimit_bind(101);
  connlimit_open(&a, &s); good &= s.ip == 1 && s.net == 1; connlimit_bind(102);
  check(good, "same address: the second sees one open", "wrong counts");
  connlimit_open(&b, &s);
  check(s.ip == 0 && s.net == 2, "same /24, other address: ip 0, net 2", "wrong counts");
  connlimit_bind(103);
  connlimit_open(&c, &s);
  check(s.ip == 0 && s.net == 0, "other /24: nothing open", "wrong counts");
  connlimit_bind(104);
  connlimit_open(&m, &s);
  check(s.ip == 2 && s.net == 3, "IPv4-mapped counts as its IPv4 address", "wrong counts");
  connlimit_bind(105);
  connlimit_open(&x, &s); connlimit_bind(106);
  connlimit_open(&y, &s);
  check(s.ip == 0 && s.net == 1, "IPv6: other address in the same /64", "wrong counts");
  connlimit_bind(107);
  y.b[7] ^= 1;
  connlimit_open(&y, &s);
  check(s.ip == 0 && s.net == 0, "IPv6: another /64 is another network", "wrong counts");
  connlimit_cancel();
  connlimit_open(&y, &s);
  check(s.ip == 0 && s.net == 0, "cancel (fork failed) takes the count back", "still counted");
  connlimit_bind(-1);
  check(connlimit_close(999) == 0, "an unknown pid changes nothing", "closed");
  check(connlimit_children() == 7, "7 children bound", "wrong");
  good = 1;
  for (int p = 101; p <= 107; ++p) good &= connlimit_close(p) == 1;
  check(good && connlimit_entries() == 0 && connlimit_children() == 0,
        "all closed: the tables are empty", "left over");
}

/* random opens and closes over 300 addresses in 30 networks (odd: IPv4,
   even: IPv6, so a % 30 names the network), against
   arrays; at most 40 open at once */
static void test_model(void)
{
  static unsigned long ipn[300], netn[30];
  struct { pid_t pid; int a; } open[40];
  struct connlimit_seen s;
  size_t nopen = 0, step, bad = 0, maxentries = 0;
  pid_t next = 1000;
  struct net_ip ip;
  int a, k;

  connlimit_init(40);
  srand(12345);
  for (step = 0; step < 100000; ++step) {
    if (nopen < 40 && (nopen == 0 || rand() % 2)) {
      a = rand() % 300;
      if (a % 2) net_ip4(&ip, 10, 1, (unsigned char) (a % 30), (unsigned char) (a / 30));
      else {
        memset(&ip, 0, sizeof ip);
        ip.family = AF_INET6;
        ip.b[0] = 0x20; ip.b[1] = 0x01; ip.b[7] = (unsigned char) (a % 30);
        ip.b[15] = (unsigned char) (a / 30);
      }
      connlimit_open(&ip, &s);
      if (s.ip != ipn[a] || s.net != netn[a % 30]) ++bad;
      ++ipn[a]; ++netn[a % 30];
      connlimit_bind(next);
      open[nopen].pid = next++; open[nopen].a = a; ++nopen;
    } else {
      k = rand() % (int) nopen;
      if (connlimit_close(open[k].pid) != 1) ++bad;
      --ipn[open[k].a]; --netn[open[k].a % 30];
      open[k] = open[--nopen];
    }
    if (connlimit_entries() > maxentries) maxentries = connlimit_entries();
  }
  while (nopen) connlimit_close(open[--nopen].pid);
  check(bad == 0, "100000 random opens/closes agree with the model", "disagreed");
  check(connlimit_entries() == 0 && connlimit_children() == 0,
        "after them every count is back to zero", "entries left");
  check(maxentries <= 80, "entries never exceed 2 per open connection", "too many");
}

static void test_full(void)
{
  struct connlimit_seen s;
  struct net_ip a;
  int i;

  connlimit_init(2);   /* room for 2 children */
  for (i = 0; i < 5; ++i) {
    net_ip4(&a, 10, (unsigned char) i, 0, 1);
    connlimit_open(&a, &s);
    connlimit_bind(200 + i);
  }
  check(connlimit_children() == 2, "a full table counts no more (-c caps it)", "overflowed");
  for (i = 0; i < 5; ++i) connlimit_close(200 + i);
  check(connlimit_entries() == 0, "and empties again", "left over");
}

static void test_refused(void)
{
  struct connlimit_seen s;
  struct net_ip a;

  connlimit_init(4);
  check(connlimit_share() == 0, "shared refusal queue", "mmap failed");
  net_ip4(&a, 127, 0, 0, 9);
  connlimit_open(&a, &s); connlimit_bind(300);
  connlimit_open(&a, &s); connlimit_bind(301);
  connlimit_refused(301);
  connlimit_drain();
  connlimit_open(&a, &s);
  check(s.ip == 1, "a refused child stops counting at the drain", "still counted");
  connlimit_bind(302);
  check(connlimit_close(301) == 0, "its later reap changes nothing", "counted twice");
  connlimit_close(300); connlimit_close(302);
  check(connlimit_entries() == 0, "queue path: back to zero", "left over");
}

int main(void)
{
  test_scan();
  test_basic();
  test_model();
  test_full();
  test_refused();
  return failures != 0;
}
