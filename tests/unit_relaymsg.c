/* unit_relaymsg: the tcpserver <-> sqlrelayd wire format (relaymsg.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "relaymsg.h"

static int failed;

static void check(int ok, const char *what)
{
  if (ok) printf("ok - relaymsg: %s\n", what);
  else { failed = 1; printf("FAIL - relaymsg: %s: check failed\n", what); }
}

static void requests(void)
{
  struct relaymsg_request q, r;
  char buf[RELAYMSG_MAX];
  size_t n, k;
  int bad = 0;

  memset(&q, 0, sizeof q);
  q.deadline = 0x0102030405060708ull;
  q.arrived = 0x1112131415161718ull;
  q.slot = 0x11223344u;
  q.ticket = 0x3fffffffu;
  memcpy(q.ip, "192.0.2.1", 10);
  n = relaymsg_request_pack(buf, sizeof buf, &q);
  check(n == 2 + 8 + 8 + 4 + 4 + 1 + 9, "request packs to its exact size");
  check(relaymsg_request_unpack(&r, buf, n) == 1 && r.deadline == q.deadline &&
        r.arrived == q.arrived &&
        r.slot == q.slot && r.ticket == q.ticket &&
        !strcmp(r.ip, "192.0.2.1"), "request round trip");
  for (k = 0; k < n; ++k) bad |= relaymsg_request_unpack(&r, buf, k);
  check(!bad, "every truncated request is rejected");
  check(!relaymsg_request_unpack(&r, buf, n + 1), "trailing byte rejected");
  check(relaymsg_request_pack(buf, n - 1, &q) == 0, "pack into a short buffer fails");
  memset(q.ip, '1', RELAYMSG_IPMAX);
  q.ip[RELAYMSG_IPMAX] = 0;
  check(relaymsg_request_pack(buf, sizeof buf, &q) != 0, "longest address packs");
  check(relaymsg_request_pack(buf, sizeof buf, &q) <= RELAYMSG_REQMAX,
        "the longest request fits RELAYMSG_REQMAX");
  q.ip[0] = 0;
  check(relaymsg_request_pack(buf, sizeof buf, &q) == 0, "empty address refused");
  buf[0] = 'q';
  buf[1] = RELAYMSG_VERSION;
  memset(buf + 2, 0, 24);
  buf[26] = RELAYMSG_IPMAX + 1;
  memset(buf + 27, '1', RELAYMSG_IPMAX + 1);
  check(!relaymsg_request_unpack(&r, buf, 27 + RELAYMSG_IPMAX + 1),
        "overlong address rejected");
  buf[26] = 3;
  memcpy(buf + 27, "1\0002", 3);
  check(!relaymsg_request_unpack(&r, buf, 30), "NUL inside the address rejected");
  memcpy(buf + 27, "1.2", 3);
  check(relaymsg_request_unpack(&r, buf, 30) == 1, "a hand-made request is read");
  buf[1] = RELAYMSG_VERSION - 1;
  check(!relaymsg_request_unpack(&r, buf, 30), "a request of the version before is rejected");
}

static void fill(struct relaymsg_reply *a)
{
  memset(a, 0, sizeof *a);
  a->result = RELAYMSG_RELAY;
  a->usec = 123456;
  memcpy(a->server, "db1.example", 12);
  memcpy(a->vars, "RELAYCLIENT=\0X=y=z\0", 19);
  a->varslen = 19;
}

static void replies(void)
{
  static struct relaymsg_reply a, b;
  char buf[RELAYMSG_MAX];
  size_t n, k;
  int bad = 0;

  fill(&a);
  n = relaymsg_reply_pack(buf, sizeof buf, &a);
  check(n > 0 && relaymsg_reply_unpack(&b, buf, n) == 1, "reply round trip");
  check(b.result == RELAYMSG_RELAY && b.usec == 123456 && !b.reported &&
        !strcmp(b.server, "db1.example") && !b.why[0] && b.varslen == 19 &&
        !memcmp(b.vars, a.vars, 19), "reply fields survive");
  for (k = 0; k < n; ++k) bad |= relaymsg_reply_unpack(&b, buf, k);
  check(!bad, "every truncated reply is rejected");
  buf[2] = 'X';
  check(!relaymsg_reply_unpack(&b, buf, n), "unknown result rejected");
  a.result = RELAYMSG_ERROR;
  a.reported = 1;
  a.varslen = 0;
  memcpy(a.why, "Access denied", 14);
  n = relaymsg_reply_pack(buf, sizeof buf, &a);
  check(n > 0 && relaymsg_reply_unpack(&b, buf, n) == 1 &&
        b.result == RELAYMSG_ERROR && b.reported == 1 &&
        !strcmp(b.why, "Access denied"), "error reply round trip");
  fill(&a);
  memcpy(a.vars, "=x\0", 3);
  a.varslen = 3;
  check(relaymsg_reply_pack(buf, sizeof buf, &a) == 0, "empty variable name refused");
  memcpy(a.vars, "NOEQUAL\0", 8);
  a.varslen = 8;
  check(relaymsg_reply_pack(buf, sizeof buf, &a) == 0, "entry without = refused");
  memcpy(a.vars, "A=b", 3);
  a.varslen = 3;
  check(relaymsg_reply_pack(buf, sizeof buf, &a) == 0, "unterminated entry refused");
  fill(&a);
  memset(a.vars, 'A', RELAYMSG_VARSMAX);
  a.vars[1] = '=';
  a.vars[RELAYMSG_VARSMAX - 1] = 0;
  a.varslen = RELAYMSG_VARSMAX;
  memset(a.server, 's', RELAYMSG_TEXTMAX);
  memset(a.why, 'w', RELAYMSG_TEXTMAX);
  n = relaymsg_reply_pack(buf, sizeof buf, &a);
  check(n > 0 && n <= RELAYMSG_MAX && relaymsg_reply_unpack(&b, buf, n) == 1 &&
        strlen(b.server) == RELAYMSG_TEXTMAX, "largest reply fits RELAYMSG_MAX");
}

/* random bytes and random corruptions of a valid message never crash and
   never yield an unterminated string */
static void garbage(void)
{
  static struct relaymsg_reply a, b;
  struct relaymsg_request r;
  char buf[RELAYMSG_MAX], good[RELAYMSG_MAX];
  size_t n, len, k;
  int i, bad = 0;

  srand(42);
  fill(&a);
  n = relaymsg_reply_pack(good, sizeof good, &a);
  for (i = 0; i < 200000; ++i) {
    if (i & 1) {
      len = n;
      memcpy(buf, good, n);
      for (k = 0; k < 3; ++k) buf[(size_t) rand() % n] = (char) rand();
    } else {
      len = (size_t) rand() % 64;
      for (k = 0; k < len; ++k) buf[k] = (char) rand();
      if (len > 2) { buf[0] = (i & 2) ? 'a' : 'q'; buf[1] = (i & 2) ? 1 : 2; }
    }
    if (relaymsg_reply_unpack(&b, buf, len) == 1 &&
        (strlen(b.server) > RELAYMSG_TEXTMAX || !relaymsg_vars_ok(b.vars, b.varslen)))
      bad = 1;
    if (relaymsg_request_unpack(&r, buf, len) == 1 && strlen(r.ip) > RELAYMSG_IPMAX)
      bad = 1;
  }
  check(!bad, "200000 corrupted messages decoded safely");
}

int main(void)
{
  requests();
  replies();
  garbage();
  check(relaymsg_now() > 0, "monotonic clock readable");
  {
    uint64_t t0 = relaymsg_now(), t1 = relaymsg_now_child(), t2 = relaymsg_now();
    check(t0 && t0 <= t1 && t1 <= t2, "the child's clock (a system call) is the same clock");
  }
  return failed;
}
