/* bench/connrate.c: connection-rate load client for bench/run.
   connrate [-c CONC] [-t SECS] [-n COUNT] [-e LINE] [-g GRACE]
            [-a IP] [-A IP2] [-s SLICE_MS] [-E LINE2] [-m N] PORT [PORT2]
   Keeps CONC connections in flight to IP:PORT (IP default 127.0.0.1;
   an IPv4 or an IPv6 literal such as ::1, brackets allowed); each one:
   connect, read to EOF, close. -A IP2: the address of PORT2 (default
   IP), so one run can compare an IPv4 target with an IPv6 one. -m N:
   each connection comes from the next of N source addresses 127.1.x.y
   (a busy server's many clients) instead of 127.0.0.1 (IPv4 targets
   only). Stops starting new ones after
   SECS seconds (default 3) or COUNT connections, then waits for those in
   flight (each gets at most GRACE seconds, default 30, from its connect;
   after that it counts as a timeout).
   With PORT2 the two targets are measured interleaved, in slices of
   SLICE_MS (default 250) of starting connections, A B A B ..., each slice
   drained before the next; each target gets SECS seconds of slices. The
   same noise on a shared machine then falls on both sides.
   Output: one line per target, key=value: side (a or b), ok, fail
   (= connfail + reset + noline + timeout + mismatch), mismatch (first line
   differs from -e LINE, or -E LINE2 for PORT2), secs (time spent with
   connections of this target in flight), rate (ok / secs), and latency
   (connect to EOF) p50/p99/max in microseconds. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct slot { int fd; double t0; size_t len; char line[128]; };
struct target {
  struct sockaddr_storage sa;
  socklen_t salen;
  const char *expect;
  double secs;                       /* time with work in flight */
  unsigned long started, ok, connfail, resets, noline, timeouts, mismatch;
  uint32_t *lat; size_t nlat, alat;
};

static int ep;
static unsigned long conc = 8, count, many, nextsrc;
static double grace = 30;
static struct slot *slots;

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void addlat(struct target *g, double d)
{
  if (g->nlat == g->alat) {
    g->alat = g->alat ? 2 * g->alat : 65536;
    g->lat = realloc(g->lat, g->alat * sizeof *g->lat);
    if (!g->lat) { perror("connrate: realloc"); exit(111); }
  }
  g->lat[g->nlat++] = (uint32_t)(d * 1e6 + 0.5);
}

/* 1 when a connection is in flight on slot i afterwards */
static int start(struct target *g, size_t i)
{
  struct slot *s = &slots[i];
  struct epoll_event ev;
  g->started++;
  s->len = 0;
  s->fd = socket(g->sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (s->fd == -1) { perror("connrate: socket"); exit(111); }
  s->t0 = now();
  if (many) {
    struct sockaddr_in src;
    unsigned long k = nextsrc++ % many + 1;
    memset(&src, 0, sizeof src);
    src.sin_family = AF_INET;
    src.sin_addr.s_addr = htonl(0x7f010000u | (uint32_t)(k & 0xffff));
    if (bind(s->fd, (struct sockaddr *)&src, sizeof src) == -1) {
      perror("connrate: bind"); exit(111);
    }
  }
  if (connect(s->fd, (struct sockaddr *)&g->sa, g->salen) == -1 &&
      errno != EINPROGRESS) {
    g->connfail++; close(s->fd); s->fd = -1; return 0;
  }
  ev.events = EPOLLIN; ev.data.u64 = i;
  if (epoll_ctl(ep, EPOLL_CTL_ADD, s->fd, &ev) == -1) {
    perror("connrate: epoll_ctl"); exit(111);
  }
  return 1;
}

static void finish(struct target *g, struct slot *s)
{
  char *nl = memchr(s->line, '\n', s->len);
  size_t el = g->expect ? strlen(g->expect) : 0;
  close(s->fd); s->fd = -1;
  addlat(g, now() - s->t0);
  if (!nl) g->noline++;
  else if (g->expect && ((size_t)(nl - s->line) != el || memcmp(s->line, g->expect, el)))
    g->mismatch++;
  else g->ok++;
}

/* 1 when the slot is done (closed), 0 when more data may come */
static int readable(struct target *g, struct slot *s)
{
  char buf[4096];
  for (;;) {
    ssize_t r = read(s->fd, buf, sizeof buf);
    if (r > 0) {
      size_t room = sizeof s->line - s->len, n = (size_t)r < room ? (size_t)r : room;
      memcpy(s->line + s->len, buf, n); s->len += n;
      continue;
    }
    if (r == 0) { finish(g, s); return 1; }
    if (errno == EINTR) continue;
    if (errno == EAGAIN) return 0;
    if (errno == ECONNRESET) g->resets++; else g->connfail++;
    close(s->fd); s->fd = -1;
    return 1;
  }
}

static int more(const struct target *g, double t, double deadline)
{
  return t < deadline && (!count || g->started < count);
}

/* start connections to g until deadline, then drain them all */
static void slice(struct target *g, double len)
{
  struct epoll_event evs[256];
  double t0 = now(), deadline = t0 + len;
  size_t i, inflight = 0;

  for (i = 0; i < conc; i++)
    if (more(g, t0, deadline)) inflight += (size_t)start(g, i);
  for (;;) {
    double t = now();
    int n, k, wait = 50;
    for (i = 0; i < conc && more(g, t, deadline); i++)
      if (slots[i].fd == -1) inflight += (size_t)start(g, i);
    if (!inflight && !more(g, t, deadline)) break;
    if (more(g, t, deadline) && deadline - t < 0.05) wait = (int)((deadline - t) * 1000) + 1;
    n = epoll_wait(ep, evs, 256, wait);
    if (n == -1 && errno != EINTR) { perror("connrate: epoll_wait"); exit(111); }
    t = now();
    for (k = 0; k < n; k++) {
      size_t j = (size_t)evs[k].data.u64;
      if (slots[j].fd == -1) continue;
      if (readable(g, &slots[j])) {
        inflight--;
        if (more(g, t, deadline)) inflight += (size_t)start(g, j);
      }
    }
    for (i = 0; i < conc; i++)
      if (slots[i].fd != -1 && t - slots[i].t0 > grace) {
        close(slots[i].fd); slots[i].fd = -1; g->timeouts++; inflight--;
      }
  }
  g->secs += now() - t0;
}

static int cmp32(const void *a, const void *b)
{
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

static void report(struct target *g, const char *side)
{
  unsigned long fail = g->connfail + g->resets + g->noline + g->timeouts + g->mismatch;
  size_t n = g->nlat;
  qsort(g->lat, n, sizeof *g->lat, cmp32);
#define PCT(p) (n ? g->lat[(size_t)((p) * (double)(n - 1) + 0.5)] : 0)
  printf("side=%s ok=%lu fail=%lu connfail=%lu reset=%lu noline=%lu timeout=%lu "
         "mismatch=%lu secs=%.3f rate=%.1f p50_us=%u p99_us=%u max_us=%u\n",
         side, g->ok, fail, g->connfail, g->resets, g->noline, g->timeouts,
         g->mismatch, g->secs, g->secs > 0 ? (double)g->ok / g->secs : 0.0,
         PCT(0.50), PCT(0.99), n ? g->lat[n - 1] : 0);
#undef PCT
}

static void usage(void)
{
  fputs("usage: connrate [-c conc] [-t secs] [-n count] [-e line] [-g grace] "
        "[-a ip] [-A ip2] [-s slice_ms] [-E line2] [-m n] port [port2]\n", stderr);
  exit(100);
}

/* g's address: IP (IPv4 or IPv6 text, [brackets] allowed) and PORT */
static int setaddr(struct target *g, const char *ip, const char *port)
{
  char buf[64];
  size_t n = strlen(ip);
  uint16_t p = htons((uint16_t)atoi(port));
  struct sockaddr_in *s4 = (struct sockaddr_in *)&g->sa;
  struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&g->sa;

  if (n >= 2 && ip[0] == '[' && ip[n - 1] == ']' && n - 2 < sizeof buf) {
    memcpy(buf, ip + 1, n - 2); buf[n - 2] = 0; ip = buf;
  }
  memset(&g->sa, 0, sizeof g->sa);
  if (inet_pton(AF_INET, ip, &s4->sin_addr) == 1) {
    s4->sin_family = AF_INET; s4->sin_port = p; g->salen = sizeof *s4;
    return 1;
  }
  if (inet_pton(AF_INET6, ip, &s6->sin6_addr) == 1) {
    s6->sin6_family = AF_INET6; s6->sin6_port = p; g->salen = sizeof *s6;
    return 1;
  }
  return 0;
}

int main(int argc, char **argv)
{
  static struct target g[2];
  const char *ip = "127.0.0.1", *ip2 = 0;
  double secs = 3, slicelen = 0.25;
  int opt, two, k;
  size_t i;

  while ((opt = getopt(argc, argv, "c:t:n:e:E:g:a:A:s:m:")) != -1) {
    switch (opt) {
    case 'c': conc = strtoul(optarg, 0, 10); break;
    case 't': secs = atof(optarg); break;
    case 'n': count = strtoul(optarg, 0, 10); break;
    case 'e': g[0].expect = optarg; break;
    case 'E': g[1].expect = optarg; break;
    case 'g': grace = atof(optarg); break;
    case 'a': ip = optarg; break;
    case 'A': ip2 = optarg; break;
    case 'm': many = strtoul(optarg, 0, 10); if (many > 65535) many = 65535; break;
    case 's': slicelen = atof(optarg) / 1000; break;
    default: usage();
    }
  }
  if (argc - optind < 1 || argc - optind > 2 || !conc || conc > 4096 || slicelen <= 0) usage();
  two = argc - optind == 2;
  for (k = 0; k <= two; k++) {
    if (!setaddr(&g[k], k && ip2 ? ip2 : ip, argv[optind + k])) usage();
    if (many && g[k].sa.ss_family != AF_INET) {
      fputs("connrate: -m needs IPv4 targets\n", stderr); exit(100);
    }
  }
  ep = epoll_create1(EPOLL_CLOEXEC);
  slots = calloc(conc, sizeof *slots);
  if (ep == -1 || !slots) { perror("connrate"); return 111; }
  for (i = 0; i < conc; i++) slots[i].fd = -1;

  if (!two) slice(&g[0], secs);
  else {
    /* each side gets secs of slices; a count applies to each side */
    double done = 0;
    while (done < secs - 1e-9) {
      double len = secs - done < slicelen ? secs - done : slicelen;
      slice(&g[0], len);
      slice(&g[1], len);
      done += len;
      if (count && g[0].started >= count && g[1].started >= count) break;
    }
  }
  report(&g[0], "a");
  if (two) report(&g[1], "b");
  return 0;
}
