#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <stdint.h>
#include <resolv.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "dns.h"

/* one answer at a time: a child does its lookups in turn */
static unsigned char answer[65536];

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

/* Calls fn for each answer record of class IN and the given type, with
   the message and the record's data position, until fn returns non-zero;
   returns that value, 0 at the end, -1 EPROTO if msg is malformed. */
static int answers(const unsigned char *msg, size_t len, unsigned type,
                   int (*fn)(const unsigned char *, size_t, size_t, size_t,
                             void *),
                   void *arg)
{
  size_t pos = 12;
  unsigned qd, an;
  int r;

  if (len < 12) goto bad;
  if ((msg[3] & 15) != 0) return 0;
  qd = get16(msg + 4);
  an = get16(msg + 6);
  while (qd--) {
    if (skip_name(msg, len, &pos) == -1 || len - pos < 4) goto bad;
    pos += 4;
  }
  while (an--) {
    unsigned rtype, class, rdlen;

    if (skip_name(msg, len, &pos) == -1 || len - pos < 10) goto bad;
    rtype = get16(msg + pos);
    class = get16(msg + pos + 2);
    rdlen = get16(msg + pos + 8);
    pos += 10;
    if (len - pos < rdlen) goto bad;
    if (rtype == type && class == 1 && (r = fn(msg, len, pos, rdlen, arg)))
      return r;
    pos += rdlen;
  }
  return 0;
bad:
  errno = EPROTO;
  return -1;
}

static int ptr_record(const unsigned char *msg, size_t len, size_t pos,
                      size_t rdlen, void *out)
{
  unsigned char wire[DNSNAME_WIREMAX];
  size_t wl;

  (void) rdlen;
  if (dnsname_unpack(msg, len, &pos, wire, &wl) == -1) return -1;
  return dnsname_text(wire, wl, out) == 1 ? 1 : -1;
}

int dns_ptr_answer(const unsigned char *msg, size_t len, char *out)
{
  return answers(msg, len, 12, ptr_record, out);
}

static int a_record(const unsigned char *msg, size_t len, size_t pos,
                    size_t rdlen, void *ip)
{
  struct net_ip a;

  (void) len;
  if (rdlen != 4) return 0;
  net_ip4(&a, msg[pos], msg[pos + 1], msg[pos + 2], msg[pos + 3]);
  return net_ip_equal(&a, ip);
}

int dns_a_answer_has(const unsigned char *msg, size_t len,
                     const struct net_ip *ip)
{
  return answers(msg, len, 1, a_record, (void *) (uintptr_t) ip);
}

int dns_ptr(const struct net_ip *ip, char *out)
{
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
  struct in_addr numeric;
  struct addrinfo hints;
  int e;

  if (!name_ok(name)) {
    errno = EPROTO;
    return -1;
  }
  if (inet_aton(name, &numeric)) return 0;
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
  unsigned char q[12 + DNSNAME_WIREMAX + 4];
  struct __res_state rs;
  size_t wl;
  int n;

  memset(q, 0, 12);
  if (dnsname_fromtext(name, q + 12, &wl) != 1) return 0;
  q[0] = (unsigned char) (getpid() >> 8);
  q[1] = (unsigned char) time(NULL);
  q[2] = 1;             /* recursion desired */
  q[5] = 1;             /* one question */
  memcpy(q + 12 + wl, "\0\1\0\1", 4);   /* type A, class IN */
  memset(&rs, 0, sizeof rs);
  if (res_ninit(&rs) == -1) return 0;
  n = res_nsend(&rs, q, (int) (12 + wl + 4), answer, sizeof answer);
  res_nclose(&rs);
  if (n < 0) return 0;
  if ((size_t) n > sizeof answer) n = sizeof answer;
  return dns_a_answer_has(answer, (size_t) n, ip) == 1;
}
