#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "fmt.h"
#include "net.h"
#include "services.h"

void net_ip4(struct net_ip *ip, unsigned char a, unsigned char b,
             unsigned char c, unsigned char d)
{
  memset(ip, 0, sizeof *ip);
  ip->family = AF_INET;
  ip->b[0] = a;
  ip->b[1] = b;
  ip->b[2] = c;
  ip->b[3] = d;
}

int net_ip_equal(const struct net_ip *a, const struct net_ip *b)
{
  if (a->family != b->family) return 0;
  return memcmp(a->b, b->b, a->family == AF_INET ? 4 : 16) == 0;
}

int net_isnumeric(const char *s)
{
  for (; *s; ++s)
    if (!((*s >= '0' && *s <= '9') || *s == '.' || *s == '[' || *s == ']'))
      return 0;
  return 1;
}

int net_ip4_scan(const char *s, struct net_ip *ip)
{
  unsigned char part[4] = { 0, 0, 0, 0 };
  size_t n = 0, len = strlen(s);

  if (len && s[len - 1] == '.') --len;
  for (size_t i = 0; ; ++i) {
    if (i == len || s[i] == '.') {
      if (++n == 4 || i == len) break;
    } else if (s[i] >= '0' && s[i] <= '9') {
      part[n] = (unsigned char) (part[n] * 10 + (s[i] - '0'));
    }
  }
  if (n < 4) return 0;
  net_ip4(ip, part[0], part[1], part[2], part[3]);
  return 1;
}

size_t net_ip_fmt(char *out, const struct net_ip *ip)
{
  size_t n = 0;

  if (ip->family == AF_INET6) return net_ip6_fmt(out, ip);
  for (int i = 0; i < 4; ++i) {
    if (i) out[n++] = '.';
    n += fmt_ulong(out + n, ip->b[i]);
  }
  out[n] = 0;
  return n;
}

size_t net_port_fmt(char *out, unsigned int port)
{
  return fmt_ulong(out, port & 65535);
}

int net_port_scan(const char *s, unsigned int *port)
{
  unsigned int p = 0;
  const char *t;

  for (t = s; *t >= '0' && *t <= '9'; ++t) p = (p * 10 + (unsigned) (*t - '0')) & 65535;
  if (!*t) {
    *port = p;
    return 1;
  }
  return services_port("/etc/services", s, "tcp", port) == 1;
}

size_t net_ip_revname(char *out, size_t outmax, const struct net_ip *ip)
{
  char tmp[NET_IPFMT * 2];
  size_t n = 0;

  if (ip->family == AF_INET6) return net_ip6_revname(out, outmax, ip);
  for (int i = 3; i >= 0; --i) {
    n += fmt_ulong(tmp + n, ip->b[i]);
    tmp[n++] = '.';
  }
  memcpy(tmp + n, "in-addr.arpa", 13);
  n += 12;
  if (n >= outmax) return 0;
  memcpy(out, tmp, n + 1);
  return n;
}

static socklen_t sa_make(struct sockaddr_storage *ss, const struct net_ip *ip,
                         unsigned int port)
{
  struct sockaddr_in *sin = (struct sockaddr_in *) ss;
  struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) ss;

  memset(ss, 0, sizeof *ss);
  if (ip->family == AF_INET6) {
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons((unsigned short) port);
    memcpy(&sin6->sin6_addr, ip->b, 16);
    sin6->sin6_scope_id = ip->scope;
    return sizeof *sin6;
  }
  sin->sin_family = AF_INET;
  sin->sin_port = htons((unsigned short) port);
  memcpy(&sin->sin_addr, ip->b, 4);
  return sizeof *sin;
}

static int sa_take(const struct sockaddr_storage *ss, struct net_ip *ip,
                   unsigned int *port)
{
  const struct sockaddr_in *sin = (const struct sockaddr_in *) ss;
  const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *) ss;

  memset(ip, 0, sizeof *ip);
  if (ss->ss_family == AF_INET6) {
    ip->family = AF_INET6;
    memcpy(ip->b, &sin6->sin6_addr, 16);
    ip->scope = sin6->sin6_scope_id;
    if (port) *port = ntohs(sin6->sin6_port);
    return 0;
  }
  if (ss->ss_family != AF_INET) {
    errno = EAFNOSUPPORT;
    return -1;
  }
  ip->family = AF_INET;
  memcpy(ip->b, &sin->sin_addr, 4);
  if (port) *port = ntohs(sin->sin_port);
  return 0;
}

int net_socket(const struct net_ip *ip, int dual)
{
  int fd, v6only = !dual, e;

  fd = socket(ip->family == AF_INET6 ? AF_INET6 : AF_INET,
              SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd == -1 || ip->family != AF_INET6) return fd;
  if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only) == 0)
    return fd;
  e = errno;
  close(fd);
  errno = e;
  return -1;
}

int net_bind(int fd, const struct net_ip *ip, unsigned int port)
{
  struct sockaddr_storage ss;
  socklen_t len = sa_make(&ss, ip, port);
  int one = 1;

  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == -1)
    return -1;
  return bind(fd, (struct sockaddr *) &ss, len);
}

int net_local(int fd, struct net_ip *ip, unsigned int *port)
{
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;

  if (getsockname(fd, (struct sockaddr *) &ss, &len) == -1) return -1;
  return sa_take(&ss, ip, port);
}

int net_listen(int fd, int backlog)
{
  int fl;

  if (listen(fd, backlog) == -1) return -1;
  fl = fcntl(fd, F_GETFL);
  if (fl == -1) return -1;
  return fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
}

int net_accept(int fd, struct net_ip *ip, unsigned int *port)
{
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  int t = accept4(fd, (struct sockaddr *) &ss, &len, SOCK_CLOEXEC);

  if (t == -1) return -1;
  if (sa_take(&ss, ip, port) == -1) {
    close(t);
    return -1;
  }
  return t;
}

int net_kill_ipopts(int fd)
{
  return setsockopt(fd, IPPROTO_IP, IP_OPTIONS, NULL, 0);
}

int net_nodelay(int fd)
{
  int one = 1;

  return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

int net_write_all(int fd, const char *buf, size_t len)
{
  while (len) {
    ssize_t w = write(fd, buf, len);
    if (w == -1) {
      if (errno == EINTR) continue;
      return -1;
    }
    buf += w;
    len -= (size_t) w;
  }
  return 0;
}

void net_deadline(struct timespec *d, unsigned long seconds)
{
  clock_gettime(CLOCK_MONOTONIC, d);
  if (seconds > 1000000000UL) seconds = 1000000000UL;
  d->tv_sec += (time_t) seconds;
}

/* Milliseconds left before d, clamped to 0 .. one day. */
static int ms_left(const struct timespec *d)
{
  struct timespec now;
  long long ms;

  clock_gettime(CLOCK_MONOTONIC, &now);
  ms = (long long) (d->tv_sec - now.tv_sec) * 1000
       + (d->tv_nsec - now.tv_nsec) / 1000000;
  if (ms < 0) return 0;
  if (ms > 86400000LL) return 86400000;
  return (int) ms;
}

/* 1 ready, -1 with errno (ETIMEDOUT when the deadline passes). */
static int wait_ready(int fd, short events, const struct timespec *d)
{
  struct pollfd p;

  for (;;) {
    int ms = ms_left(d);
    int r;

    p.fd = fd;
    p.events = events;
    p.revents = 0;
    r = poll(&p, 1, ms);
    if (r > 0) return 1;
    if (r == -1 && errno != EINTR) return -1;
    if (r == 0 && ms == 0) {
      errno = ETIMEDOUT;
      return -1;
    }
  }
}

static int connect_finish(int fd, const struct timespec *deadline)
{
  int err = 0;
  socklen_t len = sizeof err;

  if (wait_ready(fd, POLLOUT, deadline) == -1) return -1;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1) return -1;
  if (err) {
    errno = err;
    return -1;
  }
  return 0;
}

int net_connect_bound(const struct net_ip *local, const struct net_ip *remote,
                      unsigned int port, const struct timespec *deadline)
{
  struct sockaddr_storage ss;
  socklen_t len;
  int fd, e;

  fd = socket(remote->family == AF_INET6 ? AF_INET6 : AF_INET,
              SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd == -1) return -1;
  len = sa_make(&ss, local, 0);
  if (bind(fd, (struct sockaddr *) &ss, len) == -1) goto fail;
  len = sa_make(&ss, remote, port);
  if (connect(fd, (struct sockaddr *) &ss, len) == 0) return fd;
  if (errno != EINPROGRESS && errno != EINTR) goto fail;
  if (connect_finish(fd, deadline) == 0) return fd;
fail:
  e = errno;
  close(fd);
  errno = e;
  return -1;
}

int net_write_deadline(int fd, const char *buf, size_t len,
                       const struct timespec *deadline)
{
  while (len) {
    ssize_t w;

    if (wait_ready(fd, POLLOUT, deadline) == -1) return -1;
    w = write(fd, buf, len);
    if (w == -1) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return -1;
    }
    buf += w;
    len -= (size_t) w;
  }
  return 0;
}

long net_read_deadline(int fd, char *buf, size_t len,
                       const struct timespec *deadline)
{
  for (;;) {
    ssize_t r;

    if (wait_ready(fd, POLLIN, deadline) == -1) return -1;
    r = read(fd, buf, len);
    if (r == -1 && (errno == EINTR || errno == EAGAIN)) continue;
    return (long) r;
  }
}
