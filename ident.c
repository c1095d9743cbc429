#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "ident.h"

void ident_init(struct ident_parser *p)
{
  p->colons = 0;
  p->len = 0;
  p->done = 0;
  p->value[0] = '\0';
}

size_t ident_feed(struct ident_parser *p, const char *buf, size_t len)
{
  size_t i;

  for (i = 0; i < len && !p->done; ++i) {
    char c = buf[i];

    if (c == '\n') {
      p->done = 1;
    } else if (c == ' ' || c == '\t' || c == '\r') {
      continue;
    } else if (p->colons < 3) {
      if (c == ':') ++p->colons;
    } else {
      p->value[p->len++] = c;
      p->value[p->len] = '\0';
      if (p->len == IDENT_MAX) p->done = 1;
    }
  }
  return i;
}

int ident_parse(const char *buf, size_t len, char *out, size_t *outlen)
{
  struct ident_parser p;

  ident_init(&p);
  ident_feed(&p, buf, len);
  if (!p.done) return 0;
  memcpy(out, p.value, p.len + 1);
  *outlen = p.len;
  return 1;
}

int ident_query(const struct net_ip *local, unsigned int localport,
                const struct net_ip *remote, unsigned int remoteport,
                unsigned long timeout, char *out)
{
  struct ident_parser p;
  struct timespec deadline;
  char q[2 * NET_PORTFMT + 8], buf[256];
  size_t n;
  int fd, e;

  net_deadline(&deadline, timeout);
  fd = net_connect_bound(local, remote, 113, &deadline);
  if (fd == -1) return 0;
  n = net_port_fmt(q, remoteport);
  memcpy(q + n, " , ", 3);
  n += 3;
  n += net_port_fmt(q + n, localport);
  memcpy(q + n, "\r\n", 2);
  n += 2;
  ident_init(&p);
  if (net_write_deadline(fd, q, n, &deadline) == 0) {
    while (!p.done) {
      long r = net_read_deadline(fd, buf, sizeof buf, &deadline);
      if (r <= 0) {
        if (r == 0) errno = ECONNRESET;
        break;
      }
      ident_feed(&p, buf, (size_t) r);
    }
  }
  e = errno;
  close(fd);
  errno = e;
  if (!p.done) return 0;
  memcpy(out, p.value, p.len + 1);
  return 1;
}
