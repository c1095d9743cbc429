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

/* A (4 bytes) and AAAA (16 bytes) records: the address of the family
   their length says */
static int rdata_ip(const unsigned char *rd, size_t rdlen, struct net_ip *a)
{
  memset(a, 0, sizeof *a);
  if (rdlen == 4) a->family = AF_INET;
  else if (rdlen == 16) a->family = AF_INET6;
  else return 0;
  memcpy(a->b, rd, rdlen);
  return 1;
}

static int a_record(const unsigned char *msg, size_t len, size_t pos,
                    size_t rdlen, void *ip)
{
  struct net_ip a;

  (void) len;
  return rdata_ip(msg + pos, rdlen, &a) && net_ip_equal(&a, ip);
}

static unsigned rrtype(const struct net_ip *ip)
{
  return ip->family == AF_INET6 ? 28 : 1;
}

int dns_a_answer_has(const unsigned char *msg, size_t len,
                     const struct net_ip *ip)
{
  return answers(msg, len, rrtype(ip), a_record, (void *) (uintptr_t) ip);
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
  size_t n, max, rdlen;
};

static int a_collect(const unsigned char *msg, size_t len, size_t pos,
                     size_t rdlen, void *arg)
{
  struct found *f = arg;

  (void) len;
  if (rdlen == f->rdlen && f->n < f->max)
    f->n += (size_t) rdata_ip(msg + pos, rdlen, &f->ip[f->n]);
  return 0;
}

/* A (type 1) or AAAA (type 28) records of name from DNS (the resolver's
   search rules), at most max into ip[]: how many, 0 for none, -1
   temporary failure (errno). */
static int dns_a(const char *name, unsigned type, struct net_ip *ip,
                 size_t max)
{
  struct found f = { ip, 0, max, type == 28 ? 16 : 4 };
  struct __res_state rs;
  int n, h;

  memset(&rs, 0, sizeof rs);
  if (res_ninit(&rs) == -1) return -1;
  errno = 0;
  n = res_nsearch(&rs, name, C_IN, (int) type, answer, sizeof answer);
  h = rs.res_h_errno;
  res_nclose(&rs);
  if (n < 0) {
    if (h == HOST_NOT_FOUND || h == NO_DATA) return 0;
    if (h != NETDB_INTERNAL || !errno) errno = EAGAIN;
    return -1;
  }
  if ((size_t) n > sizeof answer) n = sizeof answer;
  if (answers(answer, (size_t) n, type, a_collect, &f) == -1) return -1;
  return (int) f.n;
}

/* One of n addresses, chosen at random. */
static void pick(const struct net_ip *all, int n, struct net_ip *ip)
{
  struct timespec ts;

  clock_gettime(CLOCK_REALTIME, &ts);
  *ip = all[((size_t) ts.tv_nsec ^ (size_t) getpid()) % (size_t) n];
}

/* /etc/hosts lines of family, else its A or AAAA records; one of them */
static int host_ip(const char *name, int family, struct net_ip *ip)
{
  struct net_ip all[DNS_IP4MAX];
  struct in_addr numeric;
  int n;

  if (!name_ok(name)) {
    errno = EPROTO;
    return -1;
  }
  if (inet_aton(name, &numeric)) return 0;
  if (family == AF_INET6) {
    n = hostsfile_ip6("/etc/hosts", name, all, DNS_IP4MAX);
    if (n <= 0) n = dns_a(name, 28, all, DNS_IP4MAX);
  } else {
    n = hostsfile_ip4("/etc/hosts", name, all, DNS_IP4MAX);
    if (n <= 0) n = dns_a(name, 1, all, DNS_IP4MAX);
  }
  if (n <= 0) return n;
  pick(all, n, ip);
  return 1;
}

int dns_ip4(const char *name, struct net_ip *ip)
{
  return host_ip(name, AF_INET, ip);
}

int dns_ip6(const char *name, struct net_ip *ip)
{
  return host_ip(name, AF_INET6, ip);
}

int dns_ip_match(const char *name, const struct net_ip *ip)
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
  q[12 + wl] = 0;
  q[12 + wl + 1] = (unsigned char) rrtype(ip);   /* A or AAAA */
  q[12 + wl + 2] = 0;
  q[12 + wl + 3] = 1;                            /* class IN */
  memset(&rs, 0, sizeof rs);
  if (res_ninit(&rs) == -1) return 0;
  n = res_nsend(&rs, q, (int) (12 + wl + 4), answer, sizeof answer);
  res_nclose(&rs);
  if (n < 0) return 0;
  if ((size_t) n > sizeof answer) n = sizeof answer;
  return dns_a_answer_has(answer, (size_t) n, ip) == 1;
}
