/* cidr: rule text, ucspi-tcp6's cdb keys (spec/cidr.md, Part 1 "Storage
   in the cdb"), and lookups through the CIDR stage of a real cdb. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cdb/cdb_make.h"
#include "cidr.h"
#include "rules.h"
#include "tests/unit.h"

struct keycase { const char *rule, *key; };

/* 10.0.0.0/8 is the spec's worked example; the others follow its rules:
   IPv4 set bit i is "abc...z123456"[i], IPv6 set bits are 0x60, 'a', ... */
static const struct keycase keys[] = {
  { "10.0.0.0/8", "_0000e0g0" },
  { "10.3.0.0/8", "_0000e0g0" },                     /* host bits masked */
  { "10.2.3.0/24", "_0000e0g0{6}o{7}wx" },
  { "192.0.2.64/26", "_ab{20}w00z" },
  { "128.0.0.0/1", "_a" },
  { "255.255.255.255/1", "_a" },
  { "127.0.0.1/32", "_0bcdefgh{23}6" },
  { "192.0.2.6/31", "_ab{20}w{6}45" },
  { "192.0.2.7/31", "_ab{20}w{6}45" },
  { "255.255.255.255/32", "_abcdefghijklmnopqrstuvwxyz123456" },
  { "2001:db8::/32", "^00`{12}a0000bc0de0fgh000" },
  { "2001:DB8:ffff::/32", "^00`{12}a0000bc0de0fgh000" },
  { "8000::/1", "^`" },
  { "ffff::/4", "^`abc" },
  { "ffff:ffff::/32", "^`abcdefghijklmnopqrstuvwxyz\x7b|}~\x7f" },
  { "::1/128", "^{127}`" },
  { "2001:db8::/64", "^00`{12}a0000bc0de0fgh{35}" },
  { "2001:db8::1/127", "^00`{12}a0000bc0de0fgh{98}" },
  { "2001:db8::1/128", "^00`{12}a0000bc0de0fgh{98}i" },
};

/* k with each {N} (N < 1000) as N '0's */
static void expand(const char *k, char *out, size_t outsize)
{
  size_t n = 0, z;

  while (*k && n + 1 < outsize) {
    if (*k == '{' && k[1] >= '0' && k[1] <= '9') {
      for (z = 0, ++k; *k >= '0' && *k <= '9'; ++k) z = z * 10 + (size_t) (*k - '0');
      if (*k == '}') ++k;
      while (z-- && n + 1 < outsize) out[n++] = '0';
    } else
      out[n++] = *k++;
  }
  out[n] = 0;
}

/* "ADDR/N" for a rule, decoded back from its key */
static void keycheck(const struct keycase *k)
{
  char key[CIDR_KEYMAX + 1], want[CIDR_KEYMAX + 1], back[CIDR_FMTMAX];
  char what[300], why[600];
  struct net_ip net, net2;
  unsigned bits, bits2;
  size_t n;
  int r = cidr_parse(k->rule, strlen(k->rule), &net, &bits);

  snprintf(what, sizeof what, "key of %s", k->rule);
  if (r != CIDR_OK) {
    check(0, what, "not parsed");
    return;
  }
  n = cidr_key(&net, bits, key);
  key[n] = 0;
  expand(k->key, want, sizeof want);
  snprintf(why, sizeof why, "got %s, want %s", key, want);
  check(n == strlen(want) && !memcmp(key, want, n), what, why);
  snprintf(what, sizeof what, "key of %s decodes", k->rule);
  check(cidr_unkey(key, n, &net2, &bits2) && bits2 == bits
        && net_ip_equal(&net, &net2), what, "another network");
  cidr_fmt(back, &net2, bits2);
  snprintf(what, sizeof what, "%s shown as %s", k->rule, back);
  check(cidr_parse(back, strlen(back), &net2, &bits2) == CIDR_OK
        && net_ip_equal(&net, &net2) && bits == bits2, what, "differs");
}

struct bad { const char *rule; int r; };
static const struct bad bads[] = {
  { "10.0.0.0/0", CIDR_BADLEN }, { "10.0.0.0/33", CIDR_BADLEN },
  { "::/0", CIDR_BADLEN }, { "2001:db8::/129", CIDR_BADLEN },
  { "10.0.0.0/", CIDR_BADLEN }, { "10.0.0.0/8x", CIDR_BADLEN },
  { "10.0.0.0/0008", CIDR_BADLEN }, { "10.0.0.0/-8", CIDR_BADLEN },
  { "10.0.0/8", CIDR_BADADDR }, { "10./8", CIDR_BADADDR },
  { "010.0.0.0/8", CIDR_BADADDR }, { "10.0.0.256/8", CIDR_BADADDR },
  { "2001:db8:/32", CIDR_BADADDR }, { "fe80::1%lo/64", CIDR_BADADDR },
  { "/8", CIDR_BADADDR }, { "10.0.0.0/8/8", CIDR_BADLEN },
  { "10.0.0.1-5/8", CIDR_BADADDR }, { "joe@10.0.0.0/8", CIDR_INFO },
  { "10.0.0.0", CIDR_NO }, { "=a/b", CIDR_NO }, { "joe@=a/b", CIDR_NO },
  { "10.", CIDR_NO },
};

static const char *const notkeys[] = {
  "_", "^", "_1", "_b", "_0a", "_abcdefghijklmnopqrstuvwxyz1234567",
  "^a", "^0a", "^``", "x0000", "=_a", "",
};

/* lookups: a cdb compiled from rules, asked for several clients */
struct ask { const char *ip, *key; unsigned cidr; };

static void lookups(void)
{
  static const char *const rules[] = {
    "10.0.0.0/8", "10.2.0.0/16", "10.2.3.0/24", "10.1.", "10.1.2.0/24",
    "2001:db8::/32", "2001:db8::/64", "128.0.0.0/1",
  };
  static const struct ask asks[] = {
    { "10.9.9.9", "10.0.0.0/8", 8 }, { "10.2.9.9", "10.2.0.0/16", 16 },
    { "10.2.3.4", "10.2.3.0/24", 24 }, { "10.1.2.3", "10.1.", 0 },
    { "2001:db8::1", "2001:db8::/64", 64 },
    { "2001:db8:1::1", "2001:db8::/32", 32 },
    { "200.1.1.1", "128.0.0.0/1", 1 }, { "11.0.0.1", NULL, 0 },
    { "::ffff:10.2.3.4", NULL, 0 }, { "2001:db9::", NULL, 0 },
  };
  char path[] = "/tmp/unit_cidr.XXXXXX", key[CIDR_KEYMAX], what[200];
  char mark4[5] = "/", mark6[17] = "/", text[CIDR_FMTMAX];
  struct cdb_make m;
  struct rules_result r;
  struct net_ip net;
  unsigned bits;
  size_t i, n;
  int fd = mkstemp(path), f;

  if (fd == -1 || cdb_make_start(&m, fd) == -1) {
    check(0, "cdb made", "mkstemp");
    return;
  }
  unlink(path);
  for (i = 0; i < sizeof rules / sizeof rules[0]; ++i) {
    if (cidr_parse(rules[i], strlen(rules[i]), &net, &bits) != CIDR_OK) {
      cdb_make_add(&m, rules[i], strlen(rules[i]), "", 0);
      continue;
    }
    n = cidr_key(&net, bits, key);
    cidr_lens_add((unsigned char *) (key[0] == '_' ? mark4 : mark6) + 1, bits);
    cdb_make_add(&m, key, n, "", 0);
  }
  cdb_make_add(&m, "_", 1, mark4, sizeof mark4);
  cdb_make_add(&m, "^", 1, mark6, sizeof mark6);
  cdb_make_finish(&m);
  for (i = 0; i < sizeof asks / sizeof asks[0]; ++i) {
    f = rules_lookup(fd, asks[i].ip, NULL, NULL, &r);
    snprintf(what, sizeof what, "%s matches %s", asks[i].ip,
             asks[i].key ? asks[i].key : "nothing");
    if (f == 1 && r.cidr && cidr_unkey(r.key, r.keylen, &net, &bits))
      cidr_fmt(text, &net, bits);
    else if (f == 1)
      snprintf(text, sizeof text, "%s", r.key);
    check(asks[i].key ? f == 1 && r.cidr == asks[i].cidr
                          && !strcmp(text, asks[i].key)
                      : f == 0, what, f == 1 ? text : "no match");
    if (f == 1) rules_free(&r);
  }
  close(fd);
}

int main(void)
{
  struct net_ip net;
  unsigned bits;
  size_t i;
  char what[200];

  for (i = 0; i < sizeof keys / sizeof keys[0]; ++i) keycheck(&keys[i]);
  for (i = 0; i < sizeof bads / sizeof bads[0]; ++i) {
    snprintf(what, sizeof what, "%s parses as %d", bads[i].rule, bads[i].r);
    check(cidr_parse(bads[i].rule, strlen(bads[i].rule), &net, &bits)
          == bads[i].r, what, "another result");
  }
  for (i = 0; i < sizeof notkeys / sizeof notkeys[0]; ++i) {
    snprintf(what, sizeof what, "[%s] is no CIDR key", notkeys[i]);
    check(!cidr_unkey(notkeys[i], strlen(notkeys[i]), &net, &bits), what,
          "decoded");
  }
  lookups();
  return failures != 0;
}
