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
#include "hostsfile.h"

#define DNS_IP4MAX 64   /* addresses of one name considered */

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

struct found {
  struct net_ip *ip;
  size_t n, max;
};

static int a_collect(const unsigned char *msg, size_t len, size_t pos,
                     size_t rdlen, void *arg)
{
  struct found *f = arg;

  (void) len;
  if (rdlen == 4 && f->n < f->max)
    net_ip4(&f->ip[f->n++], msg[pos], msg[pos + 1], msg[pos + 2], msg[pos + 3]);
  return 0;
}

/* A records of name from DNS (the resolver's search rules), at most max
   into ip[]: how many, 0 for none, -1 temporary failure (errno). */
static int dns_a(const char *name, struct net_ip *ip, size_t max)
{
  struct found f = { ip, 0, max };
  struct __res_state rs;
  int n, h;

  memset(&rs, 0, sizeof rs);
  if (res_ninit(&rs) == -1) return -1;
  errno = 0;
  n = res_nsearch(&rs, name, C_IN, T_A, answer, sizeof answer);
  h = rs.res_h_errno;
  res_nclose(&rs);
  if (n < 0) {
    if (h == HOST_NOT_FOUND || h == NO_DATA) return 0;
    if (h != NETDB_INTERNAL || !errno) errno = EAGAIN;
    return -1;
  }
  if ((size_t) n > sizeof answer) n = sizeof answer;
  if (answers(answer, (size_t) n, 1, a_collect, &f) == -1) return -1;
  return (int) f.n;
}

int dns_ip4(const char *name, struct net_ip *ip)
{
  struct net_ip all[DNS_IP4MAX];
  struct in_addr numeric;
  struct timespec ts;
  int n;

  if (!name_ok(name)) {
    errno = EPROTO;
    return -1;
  }
  if (inet_aton(name, &numeric)) return 0;
  n = hostsfile_ip4("/etc/hosts", name, all, DNS_IP4MAX);
  if (n <= 0) n = dns_a(name, all, DNS_IP4MAX);
  if (n <= 0) return n;
  clock_gettime(CLOCK_REALTIME, &ts);
  *ip = all[((size_t) ts.tv_nsec ^ (size_t) getpid()) % (size_t) n];
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
