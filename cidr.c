#include <string.h>
#include <sys/socket.h>
#include "cidr.h"

static const char bits4[] = "abcdefghijklmnopqrstuvwxyz123456";

static int bit(const struct net_ip *ip, unsigned i)
{
  return (ip->b[i / 8] >> (7 - i % 8)) & 1;
}

static unsigned maxbits(const struct net_ip *ip)
{
  return ip->family == AF_INET6 ? 128 : 32;
}

static void mask(struct net_ip *ip, unsigned bits)
{
  unsigned i;

  for (i = bits; i < maxbits(ip); ++i)
    ip->b[i / 8] &= (unsigned char) ~(0x80u >> (i % 8));
}

/* 1 and *u if s[0..len) is 1 to 3 decimal digits */
static int length(const char *s, size_t len, unsigned *u)
{
  size_t i;

  if (len < 1 || len > 3) return 0;
  for (*u = 0, i = 0; i < len; ++i) {
    if (s[i] < '0' || s[i] > '9') return 0;
    *u = *u * 10 + (unsigned) (s[i] - '0');
  }
  return 1;
}

int cidr_parse(const char *s, size_t len, struct net_ip *net, unsigned *bits)
{
  const char *slash = memchr(s, '/', len), *at;
  char buf[NET_IPFMT];
  size_t alen;

  if (!slash || !len || s[0] == '=') return CIDR_NO;
  at = memchr(s, '@', len);
  if (at) {
    while (memchr(at + 1, '@', len - (size_t) (at + 1 - s)))
      at = memchr(at + 1, '@', len - (size_t) (at + 1 - s));
    if (at + 1 < s + len && at[1] == '=') return CIDR_NO; /* info@=host */
    return CIDR_INFO;
  }
  alen = (size_t) (slash - s);
  if (alen >= sizeof buf || memchr(s, 0, alen)) return CIDR_BADADDR;
  memcpy(buf, s, alen);
  buf[alen] = 0;
  memset(net, 0, sizeof *net);
  if (!(memchr(buf, ':', alen) ? net_ip6_scan(buf, net)
                               : net_ip4_strict(buf, net)))
    return CIDR_BADADDR;
  if (!length(slash + 1, len - alen - 1, bits) || *bits < 1
      || *bits > maxbits(net))
    return CIDR_BADLEN;
  net->scope = 0;
  mask(net, *bits);
  return CIDR_OK;
}

size_t cidr_key(const struct net_ip *net, unsigned bits, char *out)
{
  int v6 = net->family == AF_INET6;
  unsigned i, set = 0;

  out[0] = v6 ? '^' : '_';
  for (i = 0; i < bits; ++i) {
    if (!bit(net, i))
      out[1 + i] = '0';
    else if (v6)
      out[1 + i] = (char) (unsigned char) (0x60 + set++);
    else
      out[1 + i] = bits4[i];
  }
  return 1 + bits;
}

int cidr_unkey(const char *key, size_t len, struct net_ip *net,
               unsigned *bits)
{
  unsigned i, set = 0;
  int v6;

  if (len < 2 || (key[0] != '_' && key[0] != '^')) return 0;
  v6 = key[0] == '^';
  memset(net, 0, sizeof *net);
  net->family = v6 ? AF_INET6 : AF_INET;
  *bits = (unsigned) len - 1;
  if (*bits > maxbits(net)) return 0;
  for (i = 0; i < *bits; ++i) {
    unsigned char c = (unsigned char) key[1 + i];
    if (c == '0') continue;
    if (c != (v6 ? 0x60 + set++ : (unsigned char) bits4[i])) return 0;
    net->b[i / 8] |= (unsigned char) (0x80u >> (i % 8));
  }
  return 1;
}

size_t cidr_fmt(char *out, const struct net_ip *net, unsigned bits)
{
  size_t n = net_ip_fmt(out, net);

  out[n++] = '/';
  if (bits >= 100) out[n++] = (char) ('0' + bits / 100);
  if (bits >= 10) out[n++] = (char) ('0' + bits / 10 % 10);
  out[n++] = (char) ('0' + bits % 10);
  out[n] = 0;
  return n;
}

size_t cidr_bits(const struct net_ip *ip, char *out)
{
  unsigned i, n = maxbits(ip);

  out[0] = ip->family == AF_INET6 ? '^' : '_';
  for (i = 0; i < n; ++i) out[1 + i] = (char) ('0' + bit(ip, i));
  out[1 + n] = 0;
  return 1 + n;
}

void cidr_lens_add(unsigned char *lens, unsigned bits)
{
  if (bits >= 1 && bits <= 128)
    lens[(bits - 1) / 8] |= (unsigned char) (1u << ((bits - 1) % 8));
}

int cidr_lens_has(const unsigned char *lens, unsigned bits)
{
  return bits >= 1 && bits <= 128
         && (lens[(bits - 1) / 8] >> ((bits - 1) % 8)) & 1;
}
