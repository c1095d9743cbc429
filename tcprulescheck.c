#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cidr.h"
#include "errstr.h"
#include "msg.h"
#include "net.h"
#include "rules.h"

#define USAGE "tcprulescheck rules.cdb"

struct out {
  char buf[4096];
  size_t len;
  int denied; /* a D entry was printed: everything after it is skipped */
};

static void out_flush(struct out *o)
{
  size_t done = 0;
  ssize_t w;

  while (done < o->len) {
    w = write(1, o->buf + done, o->len - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) break;
    done += (size_t) w;
  }
  o->len = 0;
}

static void out_put(struct out *o, const char *s, size_t len)
{
  size_t n;

  while (len > 0) {
    if (o->len == sizeof o->buf) out_flush(o);
    n = sizeof o->buf - o->len;
    if (n > len) n = len;
    memcpy(o->buf + o->len, s, n);
    o->len += n;
    s += n;
    len -= n;
  }
}

static void out_puts(struct out *o, const char *s)
{
  out_put(o, s, strlen(s));
}

static void entry(void *arg, const char *e, size_t len)
{
  struct out *o = arg;

  if (o->denied || !len) return;
  if (e[0] == '+') {
    out_puts(o, "set environment variable ");
    out_put(o, e + 1, len - 1);
    out_puts(o, "\n");
  } else if (e[0] == 'D') {
    out_puts(o, "deny connection\n");
    o->denied = 1;
  }
}

/* A complete IPv6 address in any spelling becomes the RFC 5952 text
   tcpserver would give (into buf); everything else is used as it is. */
static const char *remoteip(char *buf)
{
  const char *ip = getenv("TCPREMOTEIP");
  struct net_ip a;

  if (!ip) return "0.0.0.0";
  if (!strchr(ip, ':') || !net_ip6_scan(ip, &a)) return ip;
  net_ip6_fmt(buf, &a);
  return buf;
}

/* a CIDR hit as the rule it came from (10.2.3.0/24), else the key */
static void rulename(struct out *o, const struct rules_result *r)
{
  char text[CIDR_FMTMAX];
  struct net_ip net;
  unsigned bits;

  if (r->cidr && cidr_unkey(r->key, r->keylen, &net, &bits))
    out_put(o, text, cidr_fmt(text, &net, bits));
  else
    out_put(o, r->key, r->keylen);
}

int main(int argc, char **argv)
{
  struct rules_result r;
  struct out o;
  char ipbuf[NET_IPFMT];
  const char *ip;
  int fd, found;

  msg_init("tcprulescheck");
  if (argc < 2) msg_usage(USAGE);
  ip = remoteip(ipbuf);
  fd = open(argv[1], O_RDONLY | O_CLOEXEC);
  found = fd == -1 ? -1
          : rules_lookup(fd, ip, getenv("TCPREMOTEHOST"),
                         getenv("TCPREMOTEINFO"), &r);
  if (found == -1)
    msg_fatal(111, "unable to read ", argv[1], ": ", errstr(errno), NULL);
  o.len = 0;
  o.denied = 0;
  if (found) {
    out_puts(&o, "rule ");
    rulename(&o, &r);
    out_puts(&o, ":\n");
    rules_entries(r.data, r.datalen, entry, &o);
    rules_free(&r);
  } else
    out_puts(&o, "default:\n");
  if (!o.denied) out_puts(&o, "allow connection\n");
  out_flush(&o);
  return 0;
}
