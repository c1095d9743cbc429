/* tcpserver's IPv6 pieces that need no network: the ip6.arpa name, the
   -6 text form, unmapping, AAAA answers, /etc/hosts IPv6 lines, address
   log fields. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "dns.h"
#include "hostsfile.h"
#include "logfield.h"
#include "net.h"
#include "tests/unit.h"

static void same(const char *what, const char *want, const char *got)
{
  char why[512];

  snprintf(why, sizeof why, "expected [%s] got [%s]", want, got);
  check(strcmp(want, got) == 0, what, why);
}

static struct net_ip ip6(const char *s)
{
  struct net_ip ip;

  memset(&ip, 0, sizeof ip);
  if (!net_ip6_scan(s, &ip)) printf("# cannot parse %s\n", s);
  return ip;
}

static void test_revname(void)
{
  struct net_ip ip = ip6("2001:db8::567:89ab");
  char out[128];

  net_ip_revname(out, sizeof out, &ip);
  same("ip6.arpa name of 2001:db8::567:89ab",
       "b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa", out);
  check(net_ip_revname(out, 60, &ip) == 0, "ip6.arpa name: too small a buffer",
        "written");
  net_ip4(&ip, 192, 0, 2, 7);
  net_ip_revname(out, sizeof out, &ip);
  same("in-addr.arpa name of 192.0.2.7 unchanged", "7.2.0.192.in-addr.arpa", out);
}

static void test_forms(void)
{
  struct net_ip ip;
  char out[NET_IPFMT];

  net_ip4(&ip, 127, 0, 0, 1);
  net_ip_fmt6(out, &ip);
  same("-6 form of an IPv4 client", "::ffff:127.0.0.1", out);
  ip = ip6("2001:DB8:0:0:1:0:0:1");
  net_ip_fmt6(out, &ip);
  same("-6 form of an IPv6 client: RFC 5952", "2001:db8::1:0:0:1", out);
  ip = ip6("::ffff:192.0.2.9");
  net_ip_unmap(&ip);
  net_ip_fmt(out, &ip);
  check(ip.family == AF_INET, "a mapped client is IPv4", "still IPv6");
  same("a mapped client's text", "192.0.2.9", out);
  ip = ip6("::1");
  net_ip_unmap(&ip);
  check(ip.family == AF_INET6, "::1 stays IPv6", "unmapped");
  ip = ip6("0:0:0:0:0:0:0:0");
  check(net_ip6_isany(&ip), ":: spelled out is the unspecified address", "no");
  ip = ip6("::1");
  check(!net_ip6_isany(&ip), "::1 is not the unspecified address", "it is");
}

static void test_aaaa(void)
{
  static const unsigned char m[] =
    "\0\1\201\200\0\1\0\2\0\0\0\0"
    "\0\0\034\0\1"                           /* question: root AAAA IN */
    "\0\0\001\0\1\0\0\0\0\0\004\177\0\0\1"   /* an A record: not AAAA */
    "\0\0\034\0\1\0\0\0\0\0\020"             /* AAAA 2001:db8::5 */
    "\040\001\015\270\0\0\0\0\0\0\0\0\0\0\0\005";
  struct net_ip five = ip6("2001:db8::5"), six = ip6("2001:db8::6"), v4;

  net_ip4(&v4, 127, 0, 0, 1);
  check(dns_a_answer_has(m, sizeof m - 1, &five) == 1, "AAAA answer has 2001:db8::5",
        "not found");
  check(dns_a_answer_has(m, sizeof m - 1, &six) == 0, "AAAA answer lacks 2001:db8::6",
        "found");
  check(dns_a_answer_has(m, sizeof m - 1, &v4) == 1,
        "an IPv4 address is matched against the A records", "not found");
  five.b[15] = 0;
  memcpy(five.b, "\177\0\0\1", 4);
  check(dns_a_answer_has(m, sizeof m - 1, &five) == 0,
        "an IPv6 address is never matched against A records", "found");
  check(dns_a_answer_has(m, sizeof m - 5, &five) == -1, "truncated AAAA answer",
        "accepted");
}

static void test_hosts6(void)
{
  static const char text[] =
    "127.0.0.1 localhost\n"
    "::1 localhost ip6-localhost\n"
    "2001:DB8::25 mx6 # upper case is fine\n"
    "fe80::1%eth0 scoped\n"
    "1::2::3 broken\n";
  const char *t = getenv("T");
  char path[256], got[NET_IPFMT];
  struct net_ip ip[4];
  FILE *f;
  int n;

  snprintf(path, sizeof path, "%s/unit_hosts6.%ld", t && *t ? t : "/tmp", (long) getpid());
  f = fopen(path, "w");
  if (!f || fputs(text, f) < 0 || fclose(f)) {
    check(0, "hosts file written", path);
    return;
  }
  n = hostsfile_ip6(path, "mx6", ip, 4);
  got[0] = 0;
  if (n == 1) net_ip_fmt(got, &ip[0]);
  same("hosts file: IPv6 line of mx6", "2001:db8::25", got);
  check(hostsfile_ip6(path, "localhost", ip, 4) == 1, "hosts file: localhost has one IPv6 line",
        "wrong count");
  check(hostsfile_ip6(path, "scoped", ip, 4) == 0 && hostsfile_ip6(path, "broken", ip, 4) == 0,
        "hosts file: scope ids and malformed lines are skipped", "taken");
  check(hostsfile_ip4(path, "mx6", ip, 4) == 0, "hosts file: no IPv4 address for mx6", "found");
  unlink(path);
}

static void test_logfield_ip(void)
{
  char out[LOGFIELD_SIZE];

  logfield_ip(out, "2001:db8::1");
  same("log address field keeps colons", "2001:db8::1", out);
  logfield_ip(out, "fe80::1%eth0\n");
  same("log address field: % and control bytes still become ?", "fe80::1?eth0?", out);
  logfield(out, "2001:db8::1");
  same("other log fields still hide colons", "2001?db8??1", out);
}

int main(void)
{
  test_revname();
  test_forms();
  test_aaaa();
  test_hosts6();
  test_logfield_ip();
  return failures ? 1 : 0;
}
