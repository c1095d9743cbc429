/* relayip (the address sqlrelayopen writes, the keys a lookup asks),
   net's IPv6 text (net6.c) and deadline (the bounded child). */
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "deadline.h"
#include "net.h"
#include "relayip.h"
#include "tests/unit.h"

static void norm(const char *in, const char *want)
{
  char out[NET_IPFMT] = "", what[160];
  int r = relayip_normalise(in, out);
  snprintf(what, sizeof what, "relayip_normalise(%s) = %s", in, want ? want : "not an address");
  if (want) check(r == 1 && !strcmp(out, want), what, out);
  else check(r == 0, what, out);
}

static void vpop(const char *in, const char *want)
{
  char out[NET_IPFMT] = "x", what[160];
  size_t n = relayip_vpopmail(in, out, sizeof out);
  snprintf(what, sizeof what, "vpopmail stores %s as '%s'", in, want);
  check(n == strlen(want) && !strcmp(out, want), what, out);
}

/* the keys a lookup of in asks: want is "KEY" or "KEY KEY", NULL none */
static void forms(const char *in, const char *want)
{
  char f[RELAYIP_FORMS][NET_IPFMT], got[2 * NET_IPFMT + 8] = "", what[200];
  int n = relayip_forms(in, f);
  if (n >= 1) snprintf(got, sizeof got, "%s%s%s", f[0], n > 1 ? " " : "", n > 1 ? f[1] : "");
  snprintf(what, sizeof what, "a lookup of %s asks %s", in, want ? want : "nothing (not an address)");
  check(want ? n >= 1 && n <= 2 && !strcmp(got, want) : n == 0, what, got);
}

static int quick(void *arg, int fd)
{
  (void) arg;
  dprintf(fd, "try one\nfail one: refused\n");
  return 7;
}

/* a deadline ms milliseconds from now */
static struct timespec in_ms(long ms)
{
  struct timespec d;
  clock_gettime(CLOCK_MONOTONIC, &d);
  d.tv_sec += ms / 1000;
  d.tv_nsec += (ms % 1000) * 1000000L;
  if (d.tv_nsec >= 1000000000L) { d.tv_sec += 1; d.tv_nsec -= 1000000000L; }
  return d;
}

static int hang(void *arg, int fd)
{
  (void) arg;
  dprintf(fd, "try slow\n");
  for (;;) pause();
  return 0;
}

int main(void)
{
  char out[256];
  struct timespec a, b, d;
  long ms;
  int r;

  norm("127.0.0.1", "127.0.0.1");
  norm("::ffff:192.0.2.7", "192.0.2.7");
  norm("::FFFF:192.0.2.7", "192.0.2.7");
  norm("2001:DB8:0:0::1", "2001:db8::1");
  norm("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1");
  norm("2001:0:0:1:0:0:0:1", "2001:0:0:1::1");        /* longest run */
  norm("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1");  /* first on a tie */
  norm("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"); /* one zero group stays */
  norm("::", "::");
  norm("::1", "::1");
  norm("1::", "1::");
  norm("::2", "::2");
  norm("::1.2.3.4", "::102:304");
  norm("fe80::1%lo", NULL);
  norm("1.2.3", NULL);
  norm("01.2.3.4", NULL);
  norm("256.1.1.1", NULL);
  norm("1.2.3.4.", NULL);
  norm("", NULL);
  norm("1:2:3:4:5:6:7:8:9", NULL);
  norm("1:2:3:4:5:6:7::8", NULL);
  norm("12345::", NULL);
  norm(":1::", NULL);

  vpop("2001:db8::1", "2001_db8__1");
  vpop("fe80::1%eth0", "fe80__1_eth0");
  vpop("::ffff:1.2.3.4", "1.2.3.4");
  vpop("::1", "");
  vpop("::2:3", "3");
  vpop("192.0.2.7", "192.0.2.7");
  vpop("2001:db8:1111:2222:3333:4444:5555:6666", "2001:db8:1111:2222:3333:4444:5555:6666"); /* 39: raw */
  vpop("2001:db8:1111:2222:3333:444:5:6", "2001:db8:1111:2222:3333:444:5:6");   /* 31: raw */
  vpop("2001:db8:1111:2222:3333:44:5:6", "2001_db8_1111_2222_3333_44_5_6");     /* 30 */
  check(relayip_vpopmail("2001:db8::1", out, 11) == 0 && !out[0],
        "relayip_vpopmail: no room, empty result", out);
  forms("192.0.2.7", "192.0.2.7");
  forms("::ffff:192.0.2.7", "192.0.2.7");
  forms("2001:db8::1", "2001:db8::1 2001_db8__1");
  forms("2001:DB8:0:0::1", "2001:db8::1 2001_db8__1");
  forms("fe80::1", "fe80::1 fe80__1");
  forms("::1", "::1");                  /* vpopmail: the empty string */
  forms("::2:3", "::2:3");              /* vpopmail: "3" */
  forms("2001:db8:1111:2222:3333:44:5:6", "2001:db8:1111:2222:3333:44:5:6 2001_db8_1111_2222_3333_44_5_6");
  forms("2001:db8:1111:2222:3333:444:5:6", "2001:db8:1111:2222:3333:444:5:6");
  forms("2001:db8:1111:2222:3333:4444:5555:6666", "2001:db8:1111:2222:3333:4444:5555:6666");
  forms("1::2::3", NULL);
  forms("::1%lo", NULL);
  forms("fe80::1/64", NULL);
  forms("1.2.3", NULL);
  forms("2001_db8__1", NULL);
  forms("", NULL);
  check(relayip_courier_failed("u", "x", NULL) == 1, "Courier: no AUTHENTICATED, failed", "");
  check(relayip_courier_failed("u", "x", "") == 1, "Courier: empty AUTHENTICATED, failed", "");
  check(relayip_courier_failed("u", "x", "u") == 0, "Courier: AUTHENTICATED set, logged in", "");
  check(relayip_courier_failed(NULL, "x", NULL) == 0, "not Courier (no AUTHUSER): logged in", "");
  check(relayip_courier_failed("u", NULL, NULL) == 0, "not Courier (no AUTHARGV0): logged in", "");

  d = in_ms(5000);
  r = deadline_run(&d, quick, NULL, out, sizeof out);
  check(r == 7 && !strcmp(out, "try one\nfail one: refused\n"),
        "deadline_run: the child's exit code and report", out);
  clock_gettime(CLOCK_MONOTONIC, &a);
  d = in_ms(300);
  r = deadline_run(&d, hang, NULL, out, sizeof out);
  clock_gettime(CLOCK_MONOTONIC, &b);
  ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
  check(r == DEADLINE_LATE && !strcmp(out, "try slow\n") && ms >= 290,
        "deadline_run: a hung child is killed at the deadline, its report kept", out);
  signal(SIGCHLD, SIG_IGN);
  d = in_ms(5000);
  r = deadline_run(&d, quick, NULL, out, sizeof out);
  check(r == 7 && signal(SIGCHLD, SIG_IGN) == SIG_IGN,
        "deadline_run: SIGCHLD ignored by the caller: exit code seen, disposition kept", "");
  d = in_ms(5000);
  r = deadline_run(&d, quick, NULL, out, 8);
  check(r == 7 && !strcmp(out, "try one"), "deadline_run: a report cut to the buffer", out);
  return failures ? 1 : 0;
}
