/* tcpserver's pure modules: numeric hosts, ports, DNS names and answers,
   ident replies, log fields, the child environment, option parsing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "childenv.h"
#include "dns.h"
#include "dnsname.h"
#include "ident.h"
#include "logfield.h"
#include "net.h"
#include "hostsfile.h"
#include "services.h"
#include "sgetopt.h"
#include "tests/unit.h"

static void same(const char *what, const char *want, const char *got)
{
  char why[2048];

  snprintf(why, sizeof why, "expected [%s] got [%s]", want, got);
  check(strcmp(want, got) == 0, what, why);
}

/* Host forms seen with the Debian binary ("" = no IP address). */
static void test_host(void)
{
  static const char *const cases[][2] = {
    { "127.0.0.1", "127.0.0.1" }, { "127.000.000.001", "127.0.0.1" },
    { "[127.0.0.1]", "127.0.0.1" }, { "1[2]7.0.0.1", "127.0.0.1" },
    { "127.0.0.257", "127.0.0.1" }, { "127.0.0.4294967297", "127.0.0.1" },
    { "127.0.0.1.9", "127.0.0.1" }, { "127..0.1", "127.0.0.1" },
    { ".127.0.0.1", "0.127.0.0" }, { "1.2.3..", "1.2.3.0" },
    { "1....", "1.0.0.0" }, { "....", "0.0.0.0" }, { "1.2.3.[", "1.2.3.0" },
    { "[1.2.3.4]5", "1.2.3.45" }, { "1.2.3.45[6", "1.2.3.200" },
    { "1.2.3.4.", "1.2.3.4" }, { "127.0.0.", "" }, { "...", "" },
    { "1...", "" }, { "127.1", "" }, { "1.2.3", "" }, { "1.2.3]", "" },
    { "00", "" }, { "[", "" },
  };
  char got[NET_IPFMT], what[128];
  struct net_ip ip;

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
    got[0] = 0;
    if (net_ip4_scan(cases[i][0], &ip) == 1) net_ip_fmt(got, &ip);
    snprintf(what, sizeof what, "numeric host [%s]", cases[i][0]);
    same(what, cases[i][1], got);
  }
  check(net_isnumeric("[1.2.3.4]") && !net_isnumeric("1.2.3.4x")
        && !net_isnumeric("-"), "numeric host form detection", "wrong");
}

/* text written to a fresh file named after what, its path in path */
static void write_file(char *path, size_t size, const char *what,
                       const char *text)
{
  const char *t = getenv("T");
  char name[128];
  FILE *f;

  snprintf(path, size, "%s/unit_%s.%ld", t && *t ? t : "/tmp", what,
           (long) getpid());
  f = fopen(path, "w");
  snprintf(name, sizeof name, "%s file written", what);
  check(f && fputs(text, f) >= 0 && fclose(f) == 0, name, path);
}

/* services(5) read directly: names, aliases, protocols, comments */
static void test_services(void)
{
  static const char text[] =
    "# comment line smtp 99/tcp\n"
    "tcpmux\t1/tcp\t\t# TCP port service multiplexer\n"
    "echo 7/udp\n"
    "echo 7/tcp\n"
    "smtp\t\t25/tcp\t\tmail\n"
    "smtp 2525/tcp\n"
    "  domain   53/tcp  nameserver dns # comment: www 1/tcp\r\n"
    "bad x7/tcp badalias\n"
    "noslash 77 noslashalias\n"
    "big 65616/tcp\n"
    "udponly 9/udp\n"
    "last 4242/tcp lastalias";   /* no newline at the end */
  static const struct { const char *name; int want; unsigned port; } cases[] = {
    { "smtp", 1, 25 }, { "mail", 1, 25 }, { "echo", 1, 7 }, { "tcpmux", 1, 1 },
    { "domain", 1, 53 }, { "nameserver", 1, 53 }, { "dns", 1, 53 },
    { "www", 0, 0 }, { "comment", 0, 0 }, { "SMTP", 0, 0 }, { "bad", 0, 0 },
    { "badalias", 0, 0 }, { "noslash", 0, 0 }, { "noslashalias", 0, 0 },
    { "big", 1, 80 }, { "udponly", 0, 0 }, { "lastalias", 1, 4242 },
    { "25/tcp", 0, 0 }, { "", 0, 0 },
  };
  char path[256], what[128];
  unsigned int p;
  int r;

  write_file(path, sizeof path, "services", text);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
    p = 12345;
    r = services_port(path, cases[i].name, "tcp", &p);
    snprintf(what, sizeof what, "services: [%s] over tcp", cases[i].name);
    check(r == cases[i].want && (!r || p == cases[i].port), what, "wrong");
  }
  check(services_port(path, "udponly", "udp", &p) == 1 && p == 9,
        "services: the protocol is matched", "wrong");
  unlink(path);
  check(services_port(path, "smtp", "tcp", &p) == -1,
        "services: a missing file is an error, not a port", "no error");
  check(net_port_scan("smtp", &p) == 1 && p == 25 && net_port_scan("http", &p) == 1
        && p == 80 && net_port_scan("no-such-service-x", &p) == 0,
        "port names from /etc/services", "wrong");
}

/* hosts(5) read directly: IPv4 lines only, names and aliases, any case */
static void test_hostsfile(void)
{
  static const char text[] =
    "127.0.0.1\tlocalhost\n"
    "::1 localhost ip6-localhost # IPv6: not for an IPv4 lookup\n"
    "# 10.9.9.9 mx1\n"
    "10.0.0.1 mx1.example.org mx1 MAIL\r\n"
    "10.0.0.2   mx1   # a second line for mx1\n"
    "10.0.0.256 broken\n"
    "127.1 short\n"
    "noaddress\n"
    "10.0.0.3 last";   /* no newline at the end */
  static const struct { const char *name; int n; const char *first; } cases[] = {
    { "localhost", 1, "127.0.0.1" }, { "LOCALHOST", 1, "127.0.0.1" },
    { "ip6-localhost", 0, "" }, { "mx1", 2, "10.0.0.1" },
    { "mx1.example.org", 1, "10.0.0.1" }, { "mail", 1, "10.0.0.1" },
    { "broken", 0, "" }, { "short", 0, "" }, { "noaddress", 0, "" },
    { "last", 1, "10.0.0.3" }, { "10.0.0.1", 0, "" }, { "mx", 0, "" },
  };
  char path[256], what[128], got[NET_IPFMT];
  struct net_ip ip[4];
  int n;

  write_file(path, sizeof path, "hosts", text);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
    n = hostsfile_ip4(path, cases[i].name, ip, 4);
    got[0] = 0;
    if (n > 0) net_ip_fmt(got, &ip[0]);
    snprintf(what, sizeof what, "hosts file: [%s] has %d address(es) from [%s]",
             cases[i].name, cases[i].n, cases[i].first);
    check(n == cases[i].n && !strcmp(got, cases[i].first), what, got);
  }
  n = hostsfile_ip4(path, "mx1", ip, 1);
  check(n == 1, "hosts file: at most max addresses", "more");
  n = hostsfile_ip4(path, "mx1", ip, 4);
  got[0] = 0;
  if (n == 2) net_ip_fmt(got, &ip[1]);
  same("hosts file: mx1's second address, in file order", "10.0.0.2", got);
  unlink(path);
  check(hostsfile_ip4(path, "localhost", ip, 4) == -1,
        "hosts file: a missing file is an error", "no error");
}

static void test_port(void)
{
  unsigned int p = 1;

  check(net_port_scan("65616", &p) == 1 && p == 80, "port mod 65536", "no");
  check(net_port_scan("", &p) == 1 && p == 0, "empty port is 0", "no");
  check(net_port_scan("22x", &p) == 0, "22x is an unknown name", "found");
  check(net_port_scan("99999999999999999999999", &p) == 1,
        "huge port wraps without error", "error");
}

static void test_dnsname(void)
{
  static const unsigned char w1[] = "\005Local\007EXAMPLE\003com";
  static const unsigned char w2[] = "\003a.b\002c:\002%\377";
  static const unsigned char bad[] = "\077abc";
  unsigned char msg[64] = "\003abc\000\001x\300\000\300\011";
  unsigned char wire[DNSNAME_WIREMAX];
  char out[DNSNAME_TEXTMAX];
  size_t pos = 5, wl;

  check(dnsname_text(w1, sizeof w1, out) == 1, "dnsname: plain", "error");
  same("dnsname: lowercased", "local.example.com", out);
  dnsname_text(w2, sizeof w2, out);
  same("dnsname: escapes", "a\\056b.c\\072.\\045\\377", out);
  dnsname_text((const unsigned char *) "", 1, out);
  same("dnsname: root", ".", out);
  check(dnsname_text(bad, sizeof bad, out) == -1, "dnsname: overrun", "ok");
  check(dnsname_unpack(msg, 11, &pos, wire, &wl) == 1 && pos == 9,
        "dnsname: pointer", "failed");
  dnsname_text(wire, wl, out);
  same("dnsname: pointer text", "x.abc", out);
  pos = 9;
  check(dnsname_unpack(msg, 11, &pos, wire, &wl) == -1, "dnsname: loop",
        "accepted");
}

static void test_ptr_answer(void)
{
  static const unsigned char m[] =
    "\0\1\201\200\0\1\0\2\0\0\0\0"
    "\0\0\014\0\1"                         /* question: root PTR IN */
    "\0\0\005\0\1\0\0\0\0\0\003\001a\0"   /* CNAME, skipped */
    "\0\0\014\0\1\0\0\0\0\0\005\003Www\0"; /* PTR */
  char out[DNSNAME_TEXTMAX];

  check(dns_ptr_answer(m, sizeof m - 1, out) == 1, "ptr answer", "none");
  same("ptr answer: first PTR", "www", out);
  check(dns_ptr_answer(m, sizeof m - 3, out) == -1, "ptr answer: truncated",
        "accepted");
}

static void test_ident(void)
{
  char out[IDENT_MAX + 1], *big;
  size_t len, n = 1 << 20;

  ident_parse("1 , 2 : USERID : UNIX : testuser\r\n", 34, out, &len);
  same("ident: normal", "testuser", out);
  ident_parse("a:b:c: jo hn: x\tz\r\nrest", 23, out, &len);
  same("ident: blanks dropped, colons kept", "john:xz", out);
  check(ident_parse("x:ERROR:NO-USER\r\n", 17, out, &len) == 1 && len == 0,
        "ident: fewer than 3 colons is empty", "wrong");
  check(ident_parse("a:b:c:abc", 9, out, &len) == 0, "ident: no newline",
        "complete");
  big = malloc(n);
  if (!big) return;
  memset(big, 'q', n);
  memcpy(big, "a:b:c:", 6);
  check(ident_parse(big, n, out, &len) == 1 && len == IDENT_MAX,
        "ident: 1 MB reply stops at 257 bytes", "wrong");
  memset(big, ' ', n);
  check(ident_parse(big, n, out, &len) == 0, "ident: 1 MB of blanks",
        "complete");
  free(big);
}

static void test_logfield(void)
{
  char out[LOGFIELD_SIZE], in[200];

  logfield(out, "50%off:a b\001");
  same("logfield: sanitised", "50?off?a?b?", out);
  logfield(out, NULL);
  same("logfield: unknown is empty", "", out);
  memset(in, 'x', 100);
  in[100] = 0;
  logfield(out, in);
  check(strlen(out) == 103 && !strcmp(out + 100, "..."),
        "logfield: 100 bytes get ...", out);
  in[99] = 0;
  logfield(out, in);
  check(strlen(out) == 99, "logfield: 99 bytes kept whole", out);
}

static void test_childenv(void)
{
  char *inh[] = { "A=1", "TCPREMOTEHOST=stale", "B", "A=2", NULL };
  char **e;
  size_t n = 0;

  check(childenv_init(inh) == 0, "childenv: init", "failed");
  childenv_unset("TCPREMOTEHOST");
  childenv_sets("X", "1");
  childenv_setrule("X", 1, "2", 1);
  childenv_setrule("", 0, "v", 1);
  same("childenv: inherited value, the last one", "2", childenv_value("A"));
  childenv_sets("A", "3");
  same("childenv: last wins", "2", childenv_value("X"));
  same("childenv: empty name", "v", childenv_value(""));
  check(childenv_fromrule("X") && !childenv_fromrule("A"),
        "childenv: rule marks", "wrong");
  check(childenv_value("TCPREMOTEHOST") == NULL, "childenv: removed",
        "still set");
  for (e = childenv_get(); *e; ++e)
    if (!strncmp(*e, "A=", 2)) ++n;
  check(n == 1, "childenv: one A left", "duplicates");
}

/* more entries than the static table holds and more strings than the
   static arena: nothing set before the move to the heap is lost */
static void test_childenv_big(void)
{
  static char *inh[301], names[300][16];
  char name[16], value[64];
  size_t i;
  int good;

  for (i = 0; i < 300; ++i) {
    snprintf(names[i], sizeof names[i], "I%zu=%zu", i, i);
    inh[i] = names[i];
  }
  inh[300] = NULL;
  good = childenv_init(inh + 200) == 0 && childenv_setrule("R", 1, "x", 1) == 0;
  for (i = 0; good && i < 200; ++i) {
    snprintf(name, sizeof name, "S%zu", i);
    memset(value, 'a' + (int) (i % 26), 40);
    value[40] = 0;
    good = childenv_sets(name, value) == 0;
  }
  for (i = 200; good && i < 300; ++i) {
    snprintf(name, sizeof name, "I%zu", i);
    snprintf(value, sizeof value, "%zu", i);
    good = childenv_value(name) && !strcmp(childenv_value(name), value);
  }
  for (i = 0; good && i < 200; ++i) {
    snprintf(name, sizeof name, "S%zu", i);
    good = childenv_value(name) && strlen(childenv_value(name)) == 40 &&
           childenv_value(name)[39] == 'a' + (int) (i % 26);
  }
  check(good, "childenv: 100 inherited and 200 set, all kept", "lost one");
  check(childenv_fromrule("R") && !childenv_fromrule("S0"),
        "childenv: a rule mark survives the move to the heap", "lost");
  good = childenv_init(inh) == 0;
  for (i = 0; good && i < 300; ++i) {
    snprintf(name, sizeof name, "I%zu", i);
    snprintf(value, sizeof value, "%zu", i);
    good = childenv_value(name) && !strcmp(childenv_value(name), value);
  }
  check(good && !childenv_value("R"), "childenv: 300 inherited, all kept",
        "lost one");
}

static void test_sgetopt(void)
{
  char *argv[] = { "x/prog", "-vc5", "-x", "r.cdb", "--y", "host", NULL };
  char seen[32] = "";
  struct sgetopt g;
  int o;

  sgetopt_init(&g);
  while ((o = sgetopt(&g, 6, argv, "vc:x:")) != SGETOPT_END) {
    size_t l = strlen(seen);
    snprintf(seen + l, sizeof seen - l, "%c%s", o, g.arg ? g.arg : "");
  }
  same("sgetopt: bundles, arguments, --word ends", "vc5xr.cdb", seen);
  check(g.ind == 5, "sgetopt: index after --word", "wrong");
}

int main(void)
{
  test_host();
  test_port();
  test_services();
  test_hostsfile();
  test_dnsname();
  test_ptr_answer();
  test_ident();
  test_logfield();
  test_childenv();
  test_childenv_big();
  test_sgetopt();
  return failures ? 1 : 0;
}
