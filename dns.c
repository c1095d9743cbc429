#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <arpa/nameser.h>
#include <resolv.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "dns.h"

static unsigned get16(const unsigned char *p)
{
  return ((unsigned) p[0] << 8) | p[1];
}

static int skip_name(const unsigned char *msg, size_t len, size_t *pos)
{
  unsigned char wire[DNSNAME_WIREMAX];
  size_t wl;

  return dnsname_unpack(msg, len, pos, wire, &wl);
}

int dns_ptr_answer(const unsigned char *msg, size_t len, char *out)
{
  unsigned char wire[DNSNAME_WIREMAX];
  size_t pos = 12, wl;
  unsigned qd, an;

  if (len < 12) goto bad;
  if ((msg[3] & 15) != 0) return 0;
  qd = get16(msg + 4);
  an = get16(msg + 6);
  while (qd--) {
    if (skip_name(msg, len, &pos) == -1 || len - pos < 4) goto bad;
    pos += 4;
  }
  while (an--) {
    unsigned type, class, rdlen;

    if (skip_name(msg, len, &pos) == -1 || len - pos < 10) goto bad;
    type = get16(msg + pos);
    class = get16(msg + pos + 2);
    rdlen = get16(msg + pos + 8);
    pos += 10;
    if (len - pos < rdlen) goto bad;
    if (type == 12 && class == 1) {
      if (dnsname_unpack(msg, len, &pos, wire, &wl) == -1) goto bad;
      return dnsname_text(wire, wl, out) == 1 ? 1 : -1;
    }
    pos += rdlen;
  }
  return 0;
bad:
  errno = EPROTO;
  return -1;
}

int dns_ptr(const struct net_ip *ip, char *out)
{
  static unsigned char answer[65536];
  char qname[NET_IPFMT * 2 + 16];
  struct __res_state rs;
  int n;

  if (!net_ip_revname(qname, sizeof qname, ip)) return 0;
  memset(&rs, 0, sizeof rs);
  if (res_ninit(&rs) == -1) return -1;
  n = res_nquery(&rs, qname, C_IN, T_PTR, answer, sizeof answer);
  res_nclose(&rs);
  if (n < 0) return 0;
  if ((size_t) n > sizeof answer) n = sizeof answer;
  return dns_ptr_answer(answer, (size_t) n, out);
}

/* djb's resolver refuses these before asking anything. */
static int name_ok(const char *name)
{
  size_t label = 0, total = 1;

  for (; *name; ++name) {
    if (*name == '.') {
      if (label) total += label + 1;
      label = 0;
    } else if (++label > 63) {
      return 0;
    }
  }
  if (label) total += label + 1;
  return total <= 255;
}

static int gai_errno(int e)
{
  switch (e) {
    case EAI_NONAME:
#ifdef EAI_NODATA
    case EAI_NODATA:
#endif
#ifdef EAI_ADDRFAMILY
    case EAI_ADDRFAMILY:
#endif
      return 0;
    case EAI_MEMORY: errno = ENOMEM; return -1;
    case EAI_SYSTEM: if (!errno) errno = EIO; return -1;
    default: errno = EAGAIN; return -1;
  }
}

static int lookup(const char *name, struct addrinfo **res)
{
  struct addrinfo hints;
  int e;

  if (!name_ok(name)) {
    errno = EPROTO;
    return -1;
  }
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  errno = 0;
  e = getaddrinfo(name, NULL, &hints, res);
  if (e) return gai_errno(e);
  return 1;
}

static void take(struct net_ip *ip, const struct addrinfo *ai)
{
  const struct sockaddr_in *sin = (const struct sockaddr_in *) ai->ai_addr;
  const unsigned char *b = (const unsigned char *) &sin->sin_addr;

  net_ip4(ip, b[0], b[1], b[2], b[3]);
}

int dns_ip4(const char *name, struct net_ip *ip)
{
  struct addrinfo *res, *ai;
  size_t n = 0, pick;
  struct timespec ts;
  int r = lookup(name, &res);

  if (r != 1) return r;
  for (ai = res; ai; ai = ai->ai_next)
    if (ai->ai_family == AF_INET) ++n;
  if (!n) {
    freeaddrinfo(res);
    return 0;
  }
  clock_gettime(CLOCK_REALTIME, &ts);
  pick = ((size_t) ts.tv_nsec ^ (size_t) getpid()) % n;
  for (ai = res; ai; ai = ai->ai_next)
    if (ai->ai_family == AF_INET && pick-- == 0) break;
  take(ip, ai);
  freeaddrinfo(res);
  return 1;
}

int dns_ip4_match(const char *name, const struct net_ip *ip)
{
  struct addrinfo *res, *ai;
  struct net_ip a;
  int found = 0;

  if (lookup(name, &res) != 1) return 0;
  for (ai = res; ai && !found; ai = ai->ai_next) {
    if (ai->ai_family != AF_INET) continue;
    take(&a, ai);
    found = net_ip_equal(&a, ip);
  }
  freeaddrinfo(res);
  return found;
}
