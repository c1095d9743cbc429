/* libFuzzer target: address text (net.h): net_ip4_strict, net_ip6_scan
   and net_ip_scan checked against inet_pton as the model (same verdict,
   same bytes); net_ip_fmt against inet_ntop, which prints RFC 5952 text
   except for the deprecated IPv4-compatible forms ::a.b.c.d (there the
   model is its hex rewrite), and fmt then scan gives the address back.
   The input is used as text and, when 16 bytes long or more, its first
   16 bytes as an address. */
#include <arpa/inet.h>
#include <stdio.h>
#include "fuzz.h"
#include "net.h"

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
  }
  if (size >= 16) check_fmt(data);
  free(s);
  return 0;
}
