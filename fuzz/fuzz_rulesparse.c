/* libFuzzer target: the tcprules line parser (rulesparse.h) on input split
   into lines at '\n', as tcprules reads it. Each line is parsed from an
   exact-size heap copy into an exact-size data buffer, and compared with an
   independent model of spec 4.2-4.4 (split at the first ':' followed by
   allow or deny, ipv6.md); rule addresses go through the range expansion
   of spec 4.3, also compared with a model, and every key through
   rulekey_class (IPv6 keys: checked against inet_pton), and through
   cidr_parse (CIDR rules, spec/cidr.md: a model built on inet_pton, the
   masked network, its ucspi-tcp6 key decoded back). The first 16
   bytes of each line are also an IPv6 address whose text and every
   ladder prefix of it must be storable keys that can match. */
#include <arpa/inet.h>
#include <stdio.h>
#include "fuzz.h"
#include "cidr.h"
#include "net.h"
#include "rulekey.h"
#include "rulesparse.h"

struct model { int ret, deny; size_t addrlen, datalen; char *data; };

static int isdig(const char *s, size_t len, unsigned long *u)
{
  size_t i;
  *u = 0;
  for (i = 0; i < len; ++i) {
    if (s[i] < '0' || s[i] > '9') return 0;
    *u = *u * 10 + (unsigned long) (s[i] - '0');
  }
  return 1;
}

static size_t find(const char *s, size_t from, size_t len, char c)
{
  while (from < len && s[from] != c) ++from;
  return from;
}

/* spec 4.2 rules 2-8, on a line already trimmed */
static void model_line(const char *s, size_t len, struct model *m)
{
  size_t colon, i, eq, close;
  char *d = m->data;

  m->ret = RULESPARSE_IGNORE;
  m->datalen = 0;
  if (!len || s[0] == '#') return;
  colon = find(s, 0, len, ':');
  if (colon == len) return;
  for (i = colon; i < len; i = find(s, i + 1, len, ':'))
    if ((len - i > 5 && !memcmp(s + i + 1, "allow", 5))
        || (len - i > 4 && !memcmp(s + i + 1, "deny", 4))) {
      colon = i;
      break;
    }
  m->ret = RULESPARSE_ERROR;
  m->addrlen = colon;
  i = colon + 1;
  if (len - i >= 5 && !memcmp(s + i, "allow", 5) && (len - i == 5 || s[i + 5] == ',')) {
    m->deny = 0;
    i += 5;
  } else if (len - i >= 4 && !memcmp(s + i, "deny", 4) && (len - i == 4 || s[i + 4] == ',')) {
    m->deny = 1;
    i += 4;
    d[m->datalen++] = 'D';
    d[m->datalen++] = 0;
  } else
    return;
  while (i < len) {
    if (s[i] != ',') return;
    eq = find(s, i + 1, len, '=');
    if (eq + 1 >= len) return;
    close = find(s, eq + 2, len, s[eq + 1]);
    if (close == len) return;
    d[m->datalen++] = '+';
    memcpy(d + m->datalen, s + i + 1, eq - i - 1);
    m->datalen += eq - i - 1;
    d[m->datalen++] = '=';
    memcpy(d + m->datalen, s + eq + 2, close - eq - 2);
    m->datalen += close - eq - 2;
    d[m->datalen++] = 0;
    i = close + 1;
  }
  m->ret = RULESPARSE_RULE;
}

/* rulekey_class on an exact-size copy, against a model */
static void key(const char *k0, size_t len)
{
  char *k = malloc(len ? len : 1), *out = malloc(RULEKEY_MAX(len)), *ipz;
  size_t start = len, iplen, outlen = 0;
  unsigned char a[16], b[16];
  int cls, v6, full;

  if (!k || !out) abort();
  memcpy(k, k0, len);
  cls = rulekey_class(k, len, out, RULEKEY_MAX(len), &outlen);
  while (start > 0 && k[start - 1] != '@') --start;
  iplen = len - start;
  v6 = find(k, start, len, ':') < len && k[start] != '=';
  ipz = malloc(iplen + 1);
  if (!ipz) abort();
  memcpy(ipz, k + start, iplen);
  ipz[iplen] = 0;
  full = v6 && !memchr(ipz, 0, iplen) && inet_pton(AF_INET6, ipz, a) == 1;
  FUZZ_ASSERT(v6 == (cls != RULEKEY_LITERAL) && full == (cls == RULEKEY_IP6));
  FUZZ_ASSERT((rulekey_why(cls) != NULL) == (cls >= RULEKEY_NOTCOMPACT));
  if (v6) FUZZ_ASSERT(rulekey_class(k, len, out, RULEKEY_MAX(len) - 1, &outlen) == RULEKEY_NOTADDR);
  if (cls == RULEKEY_IP6) {
    cls = rulekey_class(k, len, out, RULEKEY_MAX(len), &outlen);
    FUZZ_ASSERT(outlen >= start && outlen - start < NET_IPFMT);
    FUZZ_ASSERT(!memcmp(out, k, start));
    free(ipz);
    ipz = malloc(outlen - start + 1);
    if (!ipz) abort();
    memcpy(ipz, out + start, outlen - start);
    ipz[outlen - start] = 0;
    FUZZ_ASSERT(inet_pton(AF_INET6, ipz, b) == 1 && !memcmp(a, b, 16));
  } else if (cls == RULEKEY_PREFIX || cls == RULEKEY_INFOPREFIX) {
    FUZZ_ASSERT((cls == RULEKEY_INFOPREFIX) == (start > 0));
    FUZZ_ASSERT(rulekey_canmatch(k + start, iplen));
  } else if (cls == RULEKEY_NOTCOMPACT)
    FUZZ_ASSERT(!rulekey_canmatch(k + start, iplen) && !memchr(ipz, 0, iplen));
  free(ipz);
  free(out);
  free(k);
}

/* an address's text and its ladder prefixes are keys that can match */
static void address(const char *s, size_t len)
{
  struct net_ip ip;
  char txt[NET_IPFMT], out[RULEKEY_MAX(NET_IPFMT)];
  size_t n, j, outlen;

  memset(&ip, 0, sizeof ip);
  ip.family = AF_INET6;
  memcpy(ip.b, s, len < 16 ? len : 16);
  n = net_ip6_fmt(txt, &ip);
  FUZZ_ASSERT(rulekey_class(txt, n, out, sizeof out, &outlen) == RULEKEY_IP6);
  FUZZ_ASSERT(outlen == n && !memcmp(out, txt, n));
  for (j = n - 1; j > 0; --j)
    if (txt[j - 1] == ':' || txt[j - 1] == '.')
      FUZZ_ASSERT(rulekey_canmatch(txt, j));
}

/* cidr_parse on an exact-size copy, against a model */
static void cidrtext(const char *a0, size_t len)
{
  char *a = malloc(len ? len : 1), text[64], key[CIDR_KEYMAX], fmt[CIDR_FMTMAX];
  size_t slash, at = len, i, kl;
  unsigned char b[16];
  unsigned long bits = 0;
  unsigned got = 0, gb;
  struct net_ip net, back;
  int want, ret, v6;

  if (!a) abort();
  memcpy(a, a0, len);
  ret = cidr_parse(a, len, &net, &got);
  slash = find(a, 0, len, '/');
  for (i = 0; i < len; ++i)
    if (a[i] == '@') at = i;
  if (slash == len || !len || a[0] == '=' || (at < len && at + 1 < len && a[at + 1] == '='))
    want = CIDR_NO;
  else if (at < len)
    want = CIDR_INFO;
  else if (slash >= sizeof text || memchr(a, 0, slash))
    want = CIDR_BADADDR;
  else {
    memcpy(text, a, slash);
    text[slash] = 0;
    v6 = memchr(text, ':', slash) != NULL;
    if (inet_pton(v6 ? AF_INET6 : AF_INET, text, b) != 1)
      want = CIDR_BADADDR;
    else if (len - slash - 1 < 1 || len - slash - 1 > 3
             || !isdig(a + slash + 1, len - slash - 1, &bits) || bits < 1
             || bits > (v6 ? 128u : 32u))
      want = CIDR_BADLEN;
    else
      want = CIDR_OK;
  }
  FUZZ_ASSERT(ret == want);
  if (ret == CIDR_OK) {
    FUZZ_ASSERT(got == bits && net.family == (v6 ? AF_INET6 : AF_INET));
    for (i = 0; i < (v6 ? 128u : 32u); ++i) {
      int bit = (net.b[i / 8] >> (7 - i % 8)) & 1, orig = (b[i / 8] >> (7 - i % 8)) & 1;
      FUZZ_ASSERT(bit == (i < bits ? orig : 0));
    }
    kl = cidr_key(&net, got, key);
    FUZZ_ASSERT(kl == 1 + got && key[0] == (v6 ? '^' : '_'));
    FUZZ_ASSERT(cidr_unkey(key, kl, &back, &gb) && gb == got && net_ip_equal(&net, &back));
    FUZZ_ASSERT(!cidr_unkey(key, kl - 1, &back, &gb) || (kl > 2 && gb == got - 1));
    kl = cidr_fmt(fmt, &net, got);
    FUZZ_ASSERT(cidr_parse(fmt, kl, &back, &gb) == CIDR_OK && gb == got && net_ip_equal(&net, &back));
  }
  free(a);
}

static void range(const char *addr, size_t len)
{
  struct rulesparse_range rg;
  size_t dash, left = 0, topend, i;
  unsigned long bot = 0, top = 0, n;
  int want, ret;
  char *a = malloc(len ? len : 1);

  if (!a) abort();
  memcpy(a, addr, len);
  ret = rulesparse_range(a, len, &rg);
  dash = find(a, 0, len, '-');
  if (find(a, 0, len, '=') < len || find(a, 0, len, '@') < len || dash == len)
    want = 0;
  else {
    for (i = 0; i < dash; ++i)
      if (a[i] == '.') left = i + 1;
    topend = find(a, dash + 1, len, '.');
    want = isdig(a + left, dash - left, &bot) && isdig(a + dash + 1, topend - dash - 1, &top) ? 1 : -1;
    if (top > 255) top = 255;
    if (want == 1 && !memchr(a, 0, len)) {
      FUZZ_ASSERT(rg.left == a && rg.leftlen == left);
      FUZZ_ASSERT(rg.suffix == a + topend && rg.suffixlen == len - topend);
      FUZZ_ASSERT(rg.bot == bot && rg.top == top);
    }
  }
  /* NUL bytes: how they count is the module's choice (the oracle treats
     the line as a C string in places); only memory safety is checked */
  if (!memchr(a, 0, len)) FUZZ_ASSERT(ret == want);
  FUZZ_ASSERT(ret == 1 || ret == 0 || ret == -1);
  if (ret == 0) key(a, len);
  cidrtext(a, len);
  if (ret == 1) {
    size_t max = RULESPARSE_KEYMAX(&rg);
    char *k = malloc(max), w[8];
    if (!k) abort();
    FUZZ_ASSERT(max < 1 || rulesparse_rangekey(&rg, rg.bot, k, max - 1) == 0);
    for (n = rg.bot; n <= rg.top; ++n) {
      size_t kl = rulesparse_rangekey(&rg, n, k, max), wl;
      wl = (size_t) snprintf(w, sizeof w, "%lu", n);
      FUZZ_ASSERT(kl == rg.leftlen + wl + rg.suffixlen && kl <= max);
      FUZZ_ASSERT(!memcmp(k, rg.left, rg.leftlen) && !memcmp(k + rg.leftlen, w, wl));
      FUZZ_ASSERT(!memcmp(k + rg.leftlen + wl, rg.suffix, rg.suffixlen));
      if (n < rg.bot + 3) key(k, kl);
    }
    FUZZ_ASSERT(rulesparse_rangekey(&rg, 256, k, max) == 0);
    free(k);
  }
  free(a);
}

static void line(const char *s0, size_t len0)
{
  char *s = malloc(len0 ? len0 : 1), *data;
  size_t len, size;
  struct rulesparse_rule r;
  struct model m;
  int ret;

  if (!s) abort();
  memcpy(s, s0, len0);
  address(s, len0);
  len = rulesparse_trim(s, len0);
  FUZZ_ASSERT(len <= len0);
  FUZZ_ASSERT(!len || (s[len - 1] != ' ' && s[len - 1] != '\t' && s[len - 1] != '\n'));
  size = RULESPARSE_DATAMAX(len);
  data = malloc(size);
  m.data = malloc(2 * len + 8);          /* the model does not trust DATAMAX */
  if (!data || !m.data) abort();
  model_line(s, len, &m);
  ret = rulesparse_line(s, len, &r, data, size);
  if (memchr(s, 0, len)) {              /* see range(): safety only */
    FUZZ_ASSERT(ret == RULESPARSE_RULE || ret == RULESPARSE_IGNORE || ret == RULESPARSE_ERROR);
    if (ret == RULESPARSE_RULE) {
      FUZZ_ASSERT(r.datalen <= size && r.addr >= s && r.addr + r.addrlen <= s + len);
      range(r.addr, r.addrlen);
    }
    m.ret = ret = RULESPARSE_IGNORE;
  }
  FUZZ_ASSERT(ret == m.ret);
  if (ret == RULESPARSE_RULE) {
    FUZZ_ASSERT(m.datalen <= size);
    FUZZ_ASSERT(r.addr == s && r.addrlen == m.addrlen && r.deny == m.deny);
    FUZZ_ASSERT(r.datalen == m.datalen && !memcmp(data, m.data, m.datalen));
    range(r.addr, r.addrlen);
    FUZZ_ASSERT(rulesparse_line(s, len, &r, data, size - 1) == RULESPARSE_ERROR);
  }
  free(m.data);
  free(data);
  free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
  const char *s = (const char *) d;
  size_t i = 0;

  while (i < n) {
    const char *nl = memchr(s + i, '\n', n - i);
    size_t end = nl ? (size_t) (nl - s) + 1 : n;   /* keeps the '\n' */
    line(s + i, end - i);
    i = end;
  }
  return 0;
}
