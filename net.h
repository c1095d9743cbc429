#ifndef NET_H
#define NET_H

#include <stddef.h>
#include <time.h>

/* The only module that parses or formats addresses and makes socket
   calls. Addresses carry their family so IPv6 can be added here. */
struct net_ip {
  int family;            /* AF_INET or AF_INET6 */
  unsigned char b[16];   /* network order; AF_INET uses b[0..3] */
  unsigned int scope;    /* AF_INET6 scope id (interface index), 0 none */
};

#define NET_IPFMT 46     /* room for any formatted address plus NUL */
#define NET_PORTFMT 6    /* "65535" plus NUL */

void net_ip4(struct net_ip *ip, unsigned char a, unsigned char b,
             unsigned char c, unsigned char d);
int net_ip_equal(const struct net_ip *a, const struct net_ip *b);

/* 1 if s holds only digits, '.', '[' and ']' (the numeric host form). */
int net_isnumeric(const char *s);
/* Numeric host form (spec 1.3): brackets ignored, each dot-separated part
   is one byte (value mod 256), a single trailing empty part is dropped,
   at least 4 parts are needed and the first 4 are used.
   1 parsed, 0 too few parts. */
int net_ip4_scan(const char *s, struct net_ip *ip);
/* Strict text forms, as inet_pton takes them (net6.c): a dotted quad
   (parts 0-255, no leading zeros), IPv6 (RFC 4291 text, an embedded
   dotted quad allowed, no scope id); net_ip_scan takes either (IPv6 if
   s has a ':'). 1 parsed, 0 not an address. */
int net_ip4_strict(const char *s, struct net_ip *ip);
int net_ip6_scan(const char *s, struct net_ip *ip);
int net_ip_scan(const char *s, struct net_ip *ip);
/* 1 if ip is an IPv4-mapped IPv6 address (::ffff:a.b.c.d) */
int net_ip_ismapped(const struct net_ip *ip);
/* A mapped address becomes the IPv4 address it carries; others stay. */
void net_ip_unmap(struct net_ip *ip);
/* 1 if ip is the IPv6 unspecified address (::) */
int net_ip6_isany(const struct net_ip *ip);
/* As net_ip_fmt, but an IPv4 address in its mapped form ::ffff:a.b.c.d
   (tcpserver -6). */
size_t net_ip_fmt6(char *out, const struct net_ip *ip);
/* Into out (NET_IPFMT bytes), NUL-terminated; returns length. AF_INET: a
   dotted quad; AF_INET6: RFC 5952 text (lowercase, no leading zeros, the
   longest run of two or more zero groups as "::", the first on a tie,
   mapped addresses as ::ffff:a.b.c.d). */
size_t net_ip_fmt(char *out, const struct net_ip *ip);
size_t net_ip6_fmt(char *out, const struct net_ip *ip);
/* Decimal into out (NET_PORTFMT bytes), NUL-terminated; returns length. */
size_t net_port_fmt(char *out, unsigned int port);
/* All digits or empty: the number mod 65536; otherwise the tcp service
   of that name in /etc/services (services.h). 1 found, 0 unknown. */
int net_port_scan(const char *s, unsigned int *port);
/* The in-addr.arpa (AF_INET) or ip6.arpa (AF_INET6) name for a PTR
   query into out; returns length, 0 if it does not fit. */
size_t net_ip_revname(char *out, size_t outmax, const struct net_ip *ip);
size_t net_ip6_revname(char *out, size_t outmax, const struct net_ip *ip);

/* Listening socket of ip's family, created close-on-exec and
   non-blocking; each step returns -1 with errno on failure. An AF_INET6
   socket takes IPv4 clients too (as mapped addresses) only if dual. */
int net_socket(const struct net_ip *ip, int dual);
int net_bind(int fd, const struct net_ip *ip, unsigned int port);
int net_local(int fd, struct net_ip *ip, unsigned int *port);
/* listen(), then make the socket blocking again. */
int net_listen(int fd, int backlog);
/* A connection, close-on-exec; -1 with errno. Addresses keep their
   family (an IPv4 client of a dual socket comes mapped). */
int net_accept(int fd, struct net_ip *ip, unsigned int *port);

/* Best effort per-connection settings; errors are returned, not fatal. */
int net_kill_ipopts(int fd);
int net_nodelay(int fd);

/* Deadlines are CLOCK_MONOTONIC times. */
void net_deadline(struct timespec *d, unsigned long seconds);
/* A TCP connection from local (port 0) to remote:port (same family,
   local's scope id), finished before
   the deadline; close-on-exec, non-blocking. -1 with errno (ETIMEDOUT). */
int net_connect_bound(const struct net_ip *local, const struct net_ip *remote,
                      unsigned int port, const struct timespec *deadline);
/* All of buf, or -1 with errno (ETIMEDOUT at the deadline). */
int net_write_deadline(int fd, const char *buf, size_t len,
                       const struct timespec *deadline);
/* At most len bytes: >0 read, 0 EOF, -1 with errno (ETIMEDOUT). */
long net_read_deadline(int fd, char *buf, size_t len,
                       const struct timespec *deadline);
/* Whole buffer to a blocking descriptor; -1 with errno. */
int net_write_all(int fd, const char *buf, size_t len);

#endif
