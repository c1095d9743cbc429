/* tcpclient: tiny TCP client for the tests.
 *
 *   tcpclient [-b srcip] [-s data] [-w file] [-P portfile] [-A avoidfile]
 *             [-t secs] [-R] host port
 *
 * Connects to host:port (IPv4 dotted quad, or an IPv6 literal: then srcip,
 * if given, is IPv6 too and -A is not used), from srcip if given, appends its
 * own local port to portfile, never from a local port listed in avoidfile
 * (one number per line: the golden harness lists the ports it has already
 * named, so a client port cannot be mistaken for a server's; see
 * local_socket), sends data (C escapes \r \n \t \\ \xHH), waits
 * for file to exist if -w is given, shuts down its sending side, copies
 * everything the server sends to stdout until EOF. -R: reset the connection
 * (RST) right after connecting. Every wait is bounded by -t (default 10 s).
 * Exit 0 on EOF; 1 on a connect error (`connect: <reason>` on stdout);
 * 2 on a timeout (`timeout` on stdout). A reset while reading prints
 * `connection reset`. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t unescape(const char *s, char *out)
{
  size_t n = 0;
  while (*s) {
    if (*s != '\\' || !s[1]) { out[n++] = *s++; continue; }
    s++;
    switch (*s) {
      case 'r': out[n++] = '\r'; s++; break;
      case 'n': out[n++] = '\n'; s++; break;
      case 't': out[n++] = '\t'; s++; break;
      case 'x': {
        char hex[3] = { 0, 0, 0 };
        if (s[1] && s[2]) { hex[0] = s[1]; hex[1] = s[2]; s += 3; }
        else s++;
        out[n++] = (char)strtoul(hex, NULL, 16);
        break;
      }
      default: out[n++] = *s++; break;
    }
  }
  return n;
}

static int parse_addr(const char *ip, int port, struct sockaddr_in *sa)
{
  memset(sa, 0, sizeof *sa);
  sa->sin_family = AF_INET;
  sa->sin_port = htons((unsigned short)port);
  return inet_pton(AF_INET, ip, &sa->sin_addr) == 1 ? 0 : -1;
}

/* an IPv6 literal: the family of host and of -b */
static int is6(const char *ip) { return ip && strchr(ip, ':') != NULL; }

static int parse_addr6(const char *ip, int port, struct sockaddr_in6 *sa)
{
  memset(sa, 0, sizeof *sa);
  sa->sin6_family = AF_INET6;
  sa->sin6_port = htons((unsigned short)port);
  return inet_pton(AF_INET6, ip, &sa->sin6_addr) == 1 ? 0 : -1;
}

/* avoided(file, port): is port one of the numbers in file? */
static int avoided(const char *file, unsigned port)
{
  FILE *f = file ? fopen(file, "r") : NULL;
  unsigned p;
  int hit = 0;
  if (!f) return 0;
  while (!hit && fscanf(f, "%u", &p) == 1) hit = p == port;
  fclose(f);
  return hit;
}

/* local_socket(src, avoidfile): a socket bound to src (any address if
 * NULL); -1 on error. Without avoidfile the kernel picks the port (at
 * connect, or at bind when src is given). With it, the port is an even one
 * of the ephemeral range that avoidfile does not list: the kernel gives
 * listening sockets bound to port 0 odd ports first, so a server started
 * later cannot get a port number a client of the same case already had. */
static int local_socket(const char *src, const char *avoidfile)
{
  struct sockaddr_in la;
  struct sockaddr_in6 la6;
  unsigned port, tries;
  int s;

  if (is6(src)) {
    if (parse_addr6(src, 0, &la6) < 0) { printf("bind: bad address\n"); return -1; }
    s = socket(AF_INET6, SOCK_STREAM, 0);
    if (s < 0) { perror("socket"); return -1; }
    if (bind(s, (struct sockaddr *)&la6, sizeof la6) == 0) return s;
    printf("bind: %s\n", strerror(errno));
    close(s);
    return -1;
  }
  if (parse_addr(src ? src : "0.0.0.0", 0, &la) < 0) {
    printf("bind: bad address\n"); return -1;
  }
  if (!avoidfile) {
    s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) { perror("socket"); return -1; }
    if (!src || bind(s, (struct sockaddr *)&la, sizeof la) == 0) return s;
    printf("bind: %s\n", strerror(errno));
    close(s);
    return -1;
  }
  srand((unsigned)getpid() ^ (unsigned)(now() * 1e6));
  for (tries = 0; tries < 1000; tries++) {
    port = 32768 + 2 * ((unsigned)rand() % 14116);   /* 32768..60998 */
    if (avoided(avoidfile, port)) continue;
    s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) { perror("socket"); return -1; }
    la.sin_port = htons((unsigned short)port);
    if (bind(s, (struct sockaddr *)&la, sizeof la) == 0) return s;
    if (errno != EADDRINUSE) { printf("bind: %s\n", strerror(errno)); close(s); return -1; }
    close(s);
  }
  printf("bind: no free local port\n");
  return -1;
}

static void write_all(int fd, const char *buf, size_t len)
{
  while (len > 0) {
    ssize_t w = write(fd, buf, len);
    if (w < 0) { if (errno == EINTR) continue; return; }
    buf += w; len -= (size_t)w;
  }
}

int main(int argc, char **argv)
{
  const char *src = NULL, *data = NULL, *waitfile = NULL, *portfile = NULL, *avoidfile = NULL;
  double timeout = 10, deadline;
  int opt, reset = 0, s;
  struct sockaddr_in sa;
  struct sockaddr_in6 sa6;
  char buf[65536];

  while ((opt = getopt(argc, argv, "b:s:w:P:A:t:R")) != -1) {
    switch (opt) {
      case 'b': src = optarg; break;
      case 's': data = optarg; break;
      case 'w': waitfile = optarg; break;
      case 'P': portfile = optarg; break;
      case 'A': avoidfile = optarg; break;
      case 't': timeout = atof(optarg); break;
      case 'R': reset = 1; break;
      default: return 64;
    }
  }
  if (argc - optind != 2) { fprintf(stderr, "usage: tcpclient [opts] host port\n"); return 64; }
  deadline = now() + timeout;
  if (is6(argv[optind]) && !src) {
    s = socket(AF_INET6, SOCK_STREAM, 0);
    if (s < 0) { perror("socket"); return 1; }
  } else {
    s = local_socket(src, avoidfile);
    if (s < 0) return 1;
  }
  if (is6(argv[optind])) {
    if (parse_addr6(argv[optind], atoi(argv[optind + 1]), &sa6) < 0) {
      printf("connect: bad address\n"); return 1;
    }
  } else if (parse_addr(argv[optind], atoi(argv[optind + 1]), &sa) < 0) {
    printf("connect: bad address\n"); return 1;
  }
  if (is6(argv[optind]) ? connect(s, (struct sockaddr *)&sa6, sizeof sa6) < 0
                        : connect(s, (struct sockaddr *)&sa, sizeof sa) < 0) {
    printf("connect: %s\n", errno == ECONNREFUSED ? "connection refused" : strerror(errno));
    return 1;
  }
  if (portfile) {
    struct sockaddr_in6 la;
    socklen_t ll = sizeof la;
    FILE *f = fopen(portfile, "a");
    getsockname(s, (struct sockaddr *)&la, &ll);
    if (f) { fprintf(f, "%u\n", (unsigned)ntohs(la.sin6_port)); fclose(f); }
  }
  if (reset) {
    struct linger lg = { 1, 0 };
    setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(s);
    return 0;
  }
  if (data) {
    char *raw = malloc(strlen(data) + 1);
    size_t n;
    if (!raw) return 1;
    n = unescape(data, raw);
    write_all(s, raw, n);
    free(raw);
  }
  if (waitfile) {
    struct stat st;
    while (stat(waitfile, &st) < 0) {
      if (now() > deadline) { printf("timeout waiting for %s\n", waitfile); return 2; }
      usleep(5000);
    }
  }
  shutdown(s, SHUT_WR);
  for (;;) {
    struct pollfd p = { s, POLLIN, 0 };
    double left = deadline - now();
    ssize_t r;
    if (left <= 0) { fflush(stdout); printf("timeout\n"); return 2; }
    if (poll(&p, 1, (int)(left * 1000) + 1) <= 0) continue;
    r = read(s, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 && errno == ECONNRESET) { write_all(1, "connection reset\n", 17); break; }
    if (r <= 0) break;
    write_all(1, buf, (size_t)r);
  }
  return 0;
}
