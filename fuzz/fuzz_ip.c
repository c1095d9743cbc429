/* libFuzzer target: address text (net.h): net_ip4_strict, net_ip6_scan
   and net_ip_scan checked against inet_pton as the model (same verdict,
   same bytes); net_ip_fmt against inet_ntop, which prints RFC 5952 text
   except for the deprecated IPv4-compatible forms ::a.b.c.d (there the
   model is its hex rewrite), and fmt then scan gives the address back.
   The ip6.arpa name (net_ip_revname) against a model built with
   snprintf, net_ip_unmap and -6's form (net_ip_fmt6) against inet_ntop
   of the IPv4 bytes.
   relayip_forms (the keys a relay lookup asks) takes exactly what
   net_ip_scan takes; its first key is the formatted address (mapped:
   the dotted part), a second is that text with every ':' as '_', at
   most 30 characters, for an address not starting with ':'.
   The input is used as text and, when 16 bytes long or more, its first
   16 bytes as an address. */
#include <arpa/inet.h>
#include <stdio.h>
#include "fuzz.h"
#include "net.h"
#include "relayip.h"

static void check_forms(const char *text, const struct net_ip *ip)
{
  char f[RELAYIP_FORMS][NET_IPFMT], out[NET_IPFMT];
  size_t i, n;
  int k = relayip_forms(text, f);

  net_ip_fmt(out, ip);
  FUZZ_ASSERT(k == 1 || k == 2);
  if (net_ip_ismapped(ip)) FUZZ_ASSERT(k == 1 && !strcmp(f[0], out + 7));
  else FUZZ_ASSERT(!strcmp(f[0], out));
  if (k == 1) {
    FUZZ_ASSERT(ip->family == AF_INET || net_ip_ismapped(ip) ||
                strlen(out) > 30 || out[0] == ':');
    return;
  }
  n = strlen(f[0]);
  FUZZ_ASSERT(ip->family == AF_INET6 && n <= 30 && f[0][0] != ':' && strlen(f[1]) == n);
  for (i = 0; i < n; ++i)
    FUZZ_ASSERT(f[1][i] == (f[0][i] == ':' ? '_' : f[0][i]));
}

static void check_rev(const struct net_ip *ip)
{
  char out[128], model[128];
  size_t n = 0;

  for (int i = 15; i >= 0; --i)
    n += (size_t) snprintf(model + n, sizeof model - n, "%x.%x.",
                           ip->b[i] & 15, ip->b[i] >> 4);
  snprintf(model + n, sizeof model - n, "ip6.arpa");
  FUZZ_ASSERT(net_ip_revname(out, sizeof out, ip) == strlen(model));
  FUZZ_ASSERT(!strcmp(out, model));
  FUZZ_ASSERT(net_ip_revname(out, strlen(model), ip) == 0);
}

static void check_unmap(const struct net_ip *ip)
{
  struct net_ip v = *ip;
  char out[NET_IPFMT], model[INET6_ADDRSTRLEN + 8] = "::ffff:";

  net_ip_unmap(&v);
  if (!net_ip_ismapped(ip)) {
    FUZZ_ASSERT(net_ip_equal(&v, ip));
    return;
  }
  FUZZ_ASSERT(v.family == AF_INET && !memcmp(v.b, ip->b + 12, 4));
  FUZZ_ASSERT(inet_ntop(AF_INET, v.b, model + 7, INET6_ADDRSTRLEN));
  net_ip_fmt6(out, &v);
  FUZZ_ASSERT(!strcmp(out, model));
}

static void check_fmt(const unsigned char *b)
{
  struct net_ip ip, back;
  char out[NET_IPFMT], model[INET6_ADDRSTRLEN];
  size_t n;

  memset(&ip, 0, sizeof ip);
  ip.family = AF_INET6;
  memcpy(ip.b, b, 16);
  n = net_ip_fmt(out, &ip);
  FUZZ_ASSERT(n < NET_IPFMT && out[n] == 0 && strlen(out) == n);
  FUZZ_ASSERT(inet_ntop(AF_INET6, b, model, sizeof model));
  if (strchr(model, '.') && !net_ip_ismapped(&ip)) {
    FUZZ_ASSERT(!strchr(out, '.'));     /* glibc's ::a.b.c.d forms */
  } else {
    FUZZ_ASSERT(!strcmp(out, model));
  }
  FUZZ_ASSERT(net_ip6_scan(out, &back) == 1 && net_ip_equal(&ip, &back));
  check_rev(&ip);
  check_unmap(&ip);
  check_forms(out, &ip);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *s = malloc(size + 1);
  unsigned char m6[16], m4[4];
  struct net_ip ip;
  int r, want;

  if (!s) abort();
  memcpy(s, data, size);
  s[size] = 0;
  if (strlen(s) == size) {
    want = inet_pton(AF_INET6, s, m6) == 1;
    r = net_ip6_scan(s, &ip);
    FUZZ_ASSERT(r == want);
    if (r) FUZZ_ASSERT(ip.family == AF_INET6 && !memcmp(ip.b, m6, 16));
    want = inet_pton(AF_INET, s, m4) == 1;
    r = net_ip4_strict(s, &ip);
    FUZZ_ASSERT(r == want);
    if (r) FUZZ_ASSERT(ip.family == AF_INET && !memcmp(ip.b, m4, 4));
    r = net_ip_scan(s, &ip);
    FUZZ_ASSERT(r == (strchr(s, ':') ? inet_pton(AF_INET6, s, m6) == 1
                                     : inet_pton(AF_INET, s, m4) == 1));
    if (r) check_forms(s, &ip);
    else {
      char f[RELAYIP_FORMS][NET_IPFMT];
      FUZZ_ASSERT(relayip_forms(s, f) == 0);
    }
  }
  if (size >= 16) check_fmt(data);
  free(s);
  return 0;
}
