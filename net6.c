#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include "fmt.h"
#include "net.h"

/* IPv6 text of the net module (net.h): strict parsing as inet_pton
   takes it, RFC 5952 output. */

static int hexval(char c)
{
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* 1 and four bytes at out if s[0..len) is a dotted quad with parts 0-255
   and no leading zeros (inet_pton's IPv4 form) */
static int quad_scan(const char *s, size_t len, unsigned char *out)
{
  size_t i = 0;
  for (int part = 0; part < 4; ++part) {
    unsigned v = 0, digits = 0;
    if (part) {
      if (i >= len || s[i] != '.') return 0;
      ++i;
    }
    while (i < len && s[i] >= '0' && s[i] <= '9') {
      if (digits == 1 && v == 0) return 0;
      v = v * 10 + (unsigned) (s[i++] - '0');
      if (v > 255) return 0;
      ++digits;
    }
    if (!digits) return 0;
    out[part] = (unsigned char) v;
  }
  return i == len;
}

int net_ip4_strict(const char *s, struct net_ip *ip)
{
  unsigned char q[4];
  if (!quad_scan(s, strlen(s), q)) return 0;
  net_ip4(ip, q[0], q[1], q[2], q[3]);
  return 1;
}

int net_ip6_scan(const char *s, struct net_ip *ip)
{
  unsigned char b[16];
  size_t len = strlen(s), i = 0, n = 0;   /* n: bytes filled */
  long gap = -1;                          /* where "::" stood */

  if (len >= 2 && s[0] == ':' && s[1] == ':') { gap = 0; i = 2; }
  else if (len && s[0] == ':') return 0;
  while (i < len) {
    size_t start = i;
    unsigned v = 0;
    int d;
    if (n == 16) return 0;
    while (i < len && i - start < 5 && (d = hexval(s[i])) >= 0) {
      v = v << 4 | (unsigned) d;
      ++i;
    }
    if (i == start || i - start > 4) return 0;
    if (i < len && s[i] == '.') {
      if (n > 12 || !quad_scan(s + start, len - start, b + n)) return 0;
      n += 4;
      i = len;
      break;
    }
    b[n++] = (unsigned char) (v >> 8);
    b[n++] = (unsigned char) v;
    if (i == len) break;
    if (s[i] != ':') return 0;
    ++i;
    if (i < len && s[i] == ':') {
      if (gap >= 0) return 0;
      gap = (long) n;
      ++i;
    } else if (i == len) return 0;       /* a single trailing ':' */
  }
  if (gap >= 0) {
    size_t tail = n - (size_t) gap;
    if (n == 16) return 0;               /* "::" must stand for a group */
    memmove(b + 16 - tail, b + gap, tail);
    memset(b + gap, 0, 16 - n);
  } else if (n != 16) return 0;
  memset(ip, 0, sizeof *ip);
  ip->family = AF_INET6;
  memcpy(ip->b, b, 16);
  return 1;
}

int net_ip_scan(const char *s, struct net_ip *ip)
{
  return strchr(s, ':') ? net_ip6_scan(s, ip) : net_ip4_strict(s, ip);
}

int net_ip_ismapped(const struct net_ip *ip)
{
  static const unsigned char pre[12] = { 0,0,0,0, 0,0,0,0, 0,0,0xff,0xff };
  return ip->family == AF_INET6 && !memcmp(ip->b, pre, 12);
}

static size_t hex_fmt(char *out, unsigned v)
{
  static const char digit[] = "0123456789abcdef";
  size_t n = 0;
  int shift = 12;
  while (shift > 0 && !(v >> shift & 15)) shift -= 4;
  for (; shift >= 0; shift -= 4) out[n++] = digit[v >> shift & 15];
  return n;
}

size_t net_ip6_fmt(char *out, const struct net_ip *ip)
{
  unsigned g[8];
  int best = -1, bestlen = 1, i, run;
  size_t n = 0;

  if (net_ip_ismapped(ip)) {
    struct net_ip v4;
    memcpy(out, "::ffff:", 7);
    net_ip4(&v4, ip->b[12], ip->b[13], ip->b[14], ip->b[15]);
    return 7 + net_ip_fmt(out + 7, &v4);
  }
  for (i = 0; i < 8; ++i) g[i] = (unsigned) ip->b[2 * i] << 8 | ip->b[2 * i + 1];
  /* the longest run of two or more zero groups, the first on a tie */
  for (i = 0; i < 8; i += run ? run : 1) {
    for (run = 0; i + run < 8 && !g[i + run]; ++run) {}
    if (run > bestlen) { best = i; bestlen = run; }
  }
  for (i = 0; i < 8; ++i) {
    if (i == best) {
      out[n++] = ':';
      out[n++] = ':';
      i += bestlen - 1;
      continue;
    }
    if (i && i != best + bestlen) out[n++] = ':';
    n += hex_fmt(out + n, g[i]);
  }
  out[n] = 0;
  return n;
}

void net_ip_unmap(struct net_ip *ip)
{
  if (net_ip_ismapped(ip))
    net_ip4(ip, ip->b[12], ip->b[13], ip->b[14], ip->b[15]);
}

int net_ip6_isany(const struct net_ip *ip)
{
  static const unsigned char zero[16];
  return ip->family == AF_INET6 && !memcmp(ip->b, zero, 16);
}

size_t net_ip_fmt6(char *out, const struct net_ip *ip)
{
  if (ip->family == AF_INET6) return net_ip6_fmt(out, ip);
  memcpy(out, "::ffff:", 7);
  return 7 + net_ip_fmt(out + 7, ip);
}

/* the ip6.arpa name: 32 nibbles, the last first */
size_t net_ip6_revname(char *out, size_t outmax, const struct net_ip *ip)
{
  static const char digit[] = "0123456789abcdef";
  size_t n = 0;

  if (outmax < 64 + 9) return 0;
  for (int i = 15; i >= 0; --i) {
    out[n++] = digit[ip->b[i] & 15];
    out[n++] = '.';
    out[n++] = digit[ip->b[i] >> 4];
    out[n++] = '.';
  }
  memcpy(out + n, "ip6.arpa", 9);
  return n + 8;
}
