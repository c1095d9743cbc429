#include <string.h>
#include "net.h"
#include "rulekey.h"

/* No address text is longer (NET_IPFMT), nor any prefix of one. */
#define IPTEXTMAX 64

/* Tails that complete a prefix into the address that best keeps it: a
   "::" right at its end (as long as it can be), one more group then a
   "::" (trailing zeros never make its own groups compress), or only more
   groups, as few as can be (the prefix holds a "::"; more than one when
   fewer would make a mapped address, printed dotted: ::ffff:0:1:1). An
   RFC 5952 text having the prefix as a prefix exists iff one of these
   gives one (the unit test checks the prefixes of many addresses). */
static const char *const colontails[] = {
  ":", "1", "1::", "1:1", "1:1:1", "1:1:1:1", "1:1:1:1:1", "1:1:1:1:1:1",
  "1:1:1:1:1:1:1",
};
static const char *const dottails[] = { "1", "1.1", "1.1.1" };

static int completes(const char *p, size_t len, const char *tail)
{
  char buf[IPTEXTMAX + 16], out[NET_IPFMT];
  size_t tl = strlen(tail);
  struct net_ip ip;

  memcpy(buf, p, len);
  memcpy(buf + len, tail, tl + 1);
  return net_ip6_scan(buf, &ip) && net_ip6_fmt(out, &ip) >= len
         && !memcmp(out, p, len);
}

int rulekey_canmatch(const char *p, size_t len)
{
  const char *const *t;
  size_t i, n;

  if (!len || len > IPTEXTMAX || memchr(p, 0, len)) return 0;
  if (p[len - 1] == ':') {
    t = colontails;
    n = sizeof colontails / sizeof colontails[0];
  } else if (p[len - 1] == '.') {
    t = dottails;
    n = sizeof dottails / sizeof dottails[0];
  } else
    return 0;
  for (i = 0; i < n; ++i)
    if (completes(p, len, t[i])) return 1;
  return 0;
}

/* 1 and the RFC 5952 text in out if p[0..len) is a complete address */
static int complete(const char *p, size_t len, char *out, size_t *outlen)
{
  char buf[IPTEXTMAX + 1];
  struct net_ip ip;

  if (len > IPTEXTMAX || memchr(p, 0, len)) return 0;
  memcpy(buf, p, len);
  buf[len] = 0;
  if (!net_ip6_scan(buf, &ip)) return 0;
  *outlen = net_ip6_fmt(out, &ip);
  return 1;
}

int rulekey_class(const char *key, size_t len, char *out, size_t outsize,
                  size_t *outlen)
{
  size_t start = len, iplen;
  const char *ip;

  while (start > 0 && key[start - 1] != '@') --start;
  ip = key + start;
  iplen = len - start;
  if (!memchr(ip, ':', iplen) || ip[0] == '=') return RULEKEY_LITERAL;
  if (outsize < RULEKEY_MAX(len)) return RULEKEY_NOTADDR;
  if (complete(ip, iplen, out + start, outlen)) {
    memcpy(out, key, start);
    *outlen += start;
    return RULEKEY_IP6;
  }
  if (memchr(ip, 0, iplen) || (ip[iplen - 1] != ':' && ip[iplen - 1] != '.'))
    return RULEKEY_NOTADDR;
  if (!rulekey_canmatch(ip, iplen)) return RULEKEY_NOTCOMPACT;
  return start ? RULEKEY_INFOPREFIX : RULEKEY_PREFIX;
}

const char *rulekey_why(int cls)
{
  switch (cls) {
  case RULEKEY_NOTCOMPACT:
    return "IPv6 prefix not in lowercase compact form, it can never match: ";
  case RULEKEY_INFOPREFIX:
    return "info@ needs a complete IPv6 address, it can never match: ";
  case RULEKEY_NOTADDR:
    return "not an IPv6 address or prefix, it can never match: ";
  }
  return NULL;
}
