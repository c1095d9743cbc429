/* rulekey: what tcprules stores for IPv6 keys, and which can match. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "net.h"
#include "rulekey.h"
#include "tests/unit.h"

struct keycase {
  const char *key; /* '~' stands for a NUL byte */
  int cls;
  const char *stored;
};

static const struct keycase keys[] = {
  { "2001:db8::1", RULEKEY_IP6, "2001:db8::1" },
  { "2001:DB8:0:0::1", RULEKEY_IP6, "2001:db8::1" },
  { "2001:0db8:0000:0000:0000:0000:0000:0001", RULEKEY_IP6, "2001:db8::1" },
  { "2001:db8::1:1:1:1:1", RULEKEY_IP6, "2001:db8:0:1:1:1:1:1" },
  { "2001:db8:0:1:1:1:1:1", RULEKEY_IP6, "2001:db8:0:1:1:1:1:1" },
  { "2001:0:0:1:0:0:0:1", RULEKEY_IP6, "2001:0:0:1::1" },
  { "joe@2001:DB8::1", RULEKEY_IP6, "joe@2001:db8::1" },
  { "a@b:c@0::1", RULEKEY_IP6, "a@b:c@::1" },
  { "@::1", RULEKEY_IP6, "@::1" },
  { "::FFFF:1.2.3.4", RULEKEY_IP6, "::ffff:1.2.3.4" },
  { "::ffff:102:304", RULEKEY_IP6, "::ffff:1.2.3.4" },
  { "2001:db8::", RULEKEY_IP6, "2001:db8::" },
  { "2001:db8:0:0::", RULEKEY_IP6, "2001:db8::" },
  { "::", RULEKEY_IP6, "::" },
  { "2001:db8:", RULEKEY_PREFIX, NULL },
  { "2001:", RULEKEY_PREFIX, NULL },
  { ":", RULEKEY_PREFIX, NULL },
  { "::ffff:", RULEKEY_PREFIX, NULL },
  { "::ffff:1.2.", RULEKEY_PREFIX, NULL },
  { "2001:db8:0:0:", RULEKEY_PREFIX, NULL },
  { "1:0:", RULEKEY_PREFIX, NULL },
  { "1:2:3:4:5:6:7:", RULEKEY_PREFIX, NULL },
  { "1:2:3:4:5:0:", RULEKEY_PREFIX, NULL },
  { "1:2:3:4:0:", RULEKEY_PREFIX, NULL },
  { "::ffff:0:", RULEKEY_PREFIX, NULL },
  { "2001:0db8:", RULEKEY_NOTCOMPACT, NULL },
  { "2001:DB8:", RULEKEY_NOTCOMPACT, NULL },
  { "02001:", RULEKEY_NOTCOMPACT, NULL },
  { "1:0:0:0:1:", RULEKEY_NOTCOMPACT, NULL },
  { "::ffff:01.2.", RULEKEY_NOTCOMPACT, NULL },
  { "::1.2.", RULEKEY_NOTCOMPACT, NULL },
  { ":::", RULEKEY_NOTCOMPACT, NULL },
  { "1:2:3:4:5:6:7:8:", RULEKEY_NOTCOMPACT, NULL },
  { "joe@2001:db8:", RULEKEY_INFOPREFIX, NULL },
  { "joe@:", RULEKEY_INFOPREFIX, NULL },
  { "fe80::1%eth0", RULEKEY_NOTADDR, NULL },
  { "2001:db8::/32", RULEKEY_NOTADDR, NULL },
  { "2001:db8::1 ", RULEKEY_NOTADDR, NULL },
  { " 2001:db8::1", RULEKEY_NOTADDR, NULL },
  { "2001:db8::g", RULEKEY_NOTADDR, NULL },
  { "2001:db8::1~", RULEKEY_NOTADDR, NULL },
  { "2001:db8:~:", RULEKEY_NOTADDR, NULL },
  { "x:y", RULEKEY_NOTADDR, NULL },
  { "joe@2001:db8::1-5", RULEKEY_NOTADDR, NULL },
  { "1.2.3.4", RULEKEY_LITERAL, NULL },
  { "1.2.3.0/24", RULEKEY_LITERAL, NULL },
  { "1.2.3.", RULEKEY_LITERAL, NULL },
  { "joe@1.2.3.4", RULEKEY_LITERAL, NULL },
  { "=h:x", RULEKEY_LITERAL, NULL },
  { "joe@=h:x", RULEKEY_LITERAL, NULL },
  { "a:b@", RULEKEY_LITERAL, NULL },
  { "", RULEKEY_LITERAL, NULL },
  { "=", RULEKEY_LITERAL, NULL },
  { "1.2~.3", RULEKEY_LITERAL, NULL },
};

static void test_keys(void)
{
  char key[128], out[RULEKEY_MAX(128)], why[400];
  size_t i, j, len, outlen;
  int cls, good;

  for (i = 0; i < sizeof keys / sizeof keys[0]; ++i) {
    const struct keycase *c = &keys[i];
    len = strlen(c->key);
    for (j = 0; j < len; ++j) key[j] = c->key[j] == '~' ? 0 : c->key[j];
    outlen = 0;
    cls = rulekey_class(key, len, out, RULEKEY_MAX(len), &outlen);
    good = cls == c->cls;
    if (good && c->stored)
      good = outlen == strlen(c->stored) && !memcmp(out, c->stored, outlen);
    good = good && (rulekey_why(cls) != NULL) == (cls >= RULEKEY_NOTCOMPACT);
    snprintf(why, sizeof why, "class %d, stored [%.*s]", cls,
             cls == RULEKEY_IP6 ? (int) outlen : 0, out);
    check(good, c->key, why);
  }
  check(rulekey_class("::1", 3, out, RULEKEY_MAX(3) - 1, &outlen)
        == RULEKEY_NOTADDR, "too small a buffer is never overrun", "no");
}

static unsigned group(void)
{
  static const unsigned g[] = { 0, 0, 0, 1, 0xffff, 0xdb8, 0x2001, 0xa };
  return g[rand() % 8];
}

/* every key a formatted address's ladder tries can be stored as it is
   and matched: the prefixes are PREFIX, the whole address is IP6 */
static void test_ladderkeys(void)
{
  struct net_ip ip;
  char txt[NET_IPFMT], out[RULEKEY_MAX(NET_IPFMT)], bad[NET_IPFMT + 40] = "";
  size_t len, j, outlen;
  int round, i, g, n = 0;

  srand(5952);
  for (round = 0; round < 30000 && !bad[0]; ++round) {
    memset(&ip, 0, sizeof ip);
    ip.family = AF_INET6;
    for (i = 0; i < 8; ++i) {
      g = (int) group();
      ip.b[2 * i] = (unsigned char) (g >> 8);
      ip.b[2 * i + 1] = (unsigned char) g;
    }
    if (round % 10 == 0) memcpy(ip.b, "\0\0\0\0\0\0\0\0\0\0\377\377", 12);
    len = net_ip6_fmt(txt, &ip);
    if (rulekey_class(txt, len, out, sizeof out, &outlen) != RULEKEY_IP6
        || outlen != len || memcmp(out, txt, len))
      snprintf(bad, sizeof bad, "address %s", txt);
    for (j = len; j > 0 && !bad[0]; --j)
      if (txt[j - 1] == ':' || txt[j - 1] == '.') {
        ++n;
        if (j < len && !rulekey_canmatch(txt, j))
          snprintf(bad, sizeof bad, "prefix %.*s of %s", (int) j, txt, txt);
      }
  }
  check(!bad[0] && n > 100000, "30000 addresses: every ladder key can match",
        bad);
}

int main(void)
{
  test_keys();
  test_ladderkeys();
  return failures ? 1 : 0;
}
