/* bench/cluster/drive.c: the load of bench/cluster/run.
   drive -t SECS -p POPIP:PORT -r LOGINS_PER_SEC -c CONC -o EVENTS
         [-l NET] [-u NET] FEIP:PORT...
   Two kinds of connection, one epoll loop, each from its own source
   address (IP_BIND_ADDRESS_NO_PORT, so ports never run out):
   - logins: every 1/LOGINS_PER_SEC s a connection to the POP stand-in
     (a tcpserver whose child is sqlrelayopen hello) from the next
     address of 127.NET.0.0/16 (-l, default 20), never used before in the
     run (give each run its own NET); the login
     has ended when that connection reaches EOF after hello's line;
   - SMTP: CONC connections in flight, slot i always to front-end
     i mod N (tcpserver -S, child hello: relay=yes|no), so that each
     front-end runs at its own pace. The source is, in this
     order: a login that has just ended (fresh), else alternately an
     ended login chosen at random (old) or an address of 127.30.0.0/16
     that never logs in (unknown; -u NET, default 30).
   Every connection is one line of EVENTS (times: CLOCK_REALTIME seconds):
     L START END SRC ok|lost
     S START END FE SRC fresh|old|unknown yes|no|lost LOGIN_END
   (LOGIN_END 0 for unknown). A connection that fails, resets, gives no
   line or takes over 10 s is lost. Summary on stdout. */
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

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif
#define MAXFE 16
#define MAXSLOT 1024
#define GRACE 10.0

enum kind { FRESH, OLD, UNKNOWN, LOGIN };
static const char *const kname[] = { "fresh", "old", "unknown", "login" };

struct slot {
  int fd;
  enum kind kind;
  int fe;
  uint32_t src;
  double t0, loginend;
  size_t len;
  char line[64];
};
struct login { uint32_t src; double end; };

static struct sockaddr_in fe[MAXFE], pop;
static int nfe, ep;
static struct slot slots[MAXSLOT];
static FILE *ev;
static struct login *done;            /* ended logins, in order */
static size_t ndone, adone, nfresh;   /* the last nfresh not yet probed */
static unsigned lnet = 20, unet = 30;
static unsigned long nlogin, nunknown, lost, smtp, alt;

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static _Noreturn void die(const char *what)
{
  perror(what);
  exit(111);
}

static void addr(struct sockaddr_in *sa, const char *s)
{
  char ip[64];
  const char *colon = strrchr(s, ':');
  size_t n = colon ? (size_t)(colon - s) : 0;
  if (!colon || n >= sizeof ip) { fprintf(stderr, "drive: bad IP:PORT %s\n", s); exit(100); }
  memcpy(ip, s, n); ip[n] = 0;
  memset(sa, 0, sizeof *sa);
  sa->sin_family = AF_INET;
  sa->sin_port = htons((uint16_t)atoi(colon + 1));
  if (inet_pton(AF_INET, ip, &sa->sin_addr) != 1) { fprintf(stderr, "drive: bad IP %s\n", ip); exit(100); }
}

/* the i-th address of 127.NET.0.0/16, last byte 1-250 */
static uint32_t pool(unsigned net, unsigned long i)
{
  return 0x7f000000u | (uint32_t)net << 16 | (uint32_t)((i / 250) % 256) << 8 |
         (uint32_t)(i % 250 + 1);
}

static const char *ipstr(uint32_t a, char *buf)
{
  struct in_addr in = { htonl(a) };
  return inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN);
}

static void record(struct slot *s, const char *result)
{
  char ip[INET_ADDRSTRLEN];
  double t = now();
  ipstr(s->src, ip);
  if (s->kind == LOGIN) {
    fprintf(ev, "L %.6f %.6f %s %s\n", s->t0, t, ip, result);
    if (strcmp(result, "lost")) {
      if (ndone == adone) {
        adone = adone ? 2 * adone : 4096;
        if (!(done = realloc(done, adone * sizeof *done))) die("drive: realloc");
      }
      done[ndone].src = s->src; done[ndone].end = t; ++ndone; ++nfresh;
    }
  } else {
    fprintf(ev, "S %.6f %.6f %d %s %s %s %.6f\n", s->t0, t, s->fe, ip,
            kname[s->kind], result, s->loginend);
    ++smtp;
  }
  if (!strcmp(result, "lost")) ++lost;
}

static int open_to(struct slot *s, const struct sockaddr_in *to)
{
  struct sockaddr_in src;
  struct epoll_event e;
  int one = 1;
  memset(&src, 0, sizeof src);
  src.sin_family = AF_INET;
  src.sin_addr.s_addr = htonl(s->src);
  s->len = 0;
  s->t0 = now();
  s->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (s->fd == -1) die("drive: socket");
  setsockopt(s->fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
  if (bind(s->fd, (struct sockaddr *)&src, sizeof src) == -1) die("drive: bind");
  if (connect(s->fd, (const struct sockaddr *)to, sizeof *to) == -1 && errno != EINPROGRESS) {
    close(s->fd); s->fd = -1; record(s, "lost"); return 0;
  }
  e.events = EPOLLIN; e.data.ptr = s;
  if (epoll_ctl(ep, EPOLL_CTL_ADD, s->fd, &e) == -1) die("drive: epoll_ctl");
  return 1;
}

static void start_smtp(struct slot *s)
{
  s->fe = (int)((size_t)(s - slots) % (size_t)nfe);
  s->loginend = 0;
  if (nfresh) {
    struct login *l = &done[ndone - nfresh--];
    s->kind = FRESH; s->src = l->src; s->loginend = l->end;
  } else if (ndone && (alt++ & 1)) {
    struct login *l = &done[(size_t)random() % ndone];
    s->kind = OLD; s->src = l->src; s->loginend = l->end;
  } else {
    s->kind = UNKNOWN; s->src = pool(unet, nunknown++);
  }
  open_to(s, &fe[s->fe]);
}

static void finish(struct slot *s, int eof)
{
  const char *r = "lost";
  close(s->fd); s->fd = -1;
  if (eof && s->len >= 9 && !memcmp(s->line, "relay=", 6))
    r = s->kind == LOGIN ? "ok" : s->line[6] == 'y' ? "yes" : "no";
  record(s, r);
}

/* 1 when the connection is over; one read per wake-up (level-triggered) */
static int readable(struct slot *s)
{
  char buf[512];
  ssize_t r = read(s->fd, buf, sizeof buf);
  if (r > 0) {
    size_t room = sizeof s->line - s->len, n = (size_t)r < room ? (size_t)r : room;
    memcpy(s->line + s->len, buf, n); s->len += n;
    return 0;
  }
  if (r == -1 && (errno == EINTR || errno == EAGAIN)) return 0;
  finish(s, r == 0);
  return 1;
}

static void expire(double t)
{
  size_t i;
  for (i = 0; i < MAXSLOT; ++i)
    if (slots[i].fd != -1 && t - slots[i].t0 > GRACE) finish(&slots[i], 0);
}

int main(int argc, char **argv)
{
  double secs = 10, rate = 8, t0, end, nextlogin, lastexp;
  const char *out = NULL;
  unsigned long conc = 16, i, busy;
  struct epoll_event evs[256];
  int o;

  while ((o = getopt(argc, argv, "t:p:r:c:o:l:u:")) != -1) {
    switch (o) {
    case 't': secs = atof(optarg); break;
    case 'p': addr(&pop, optarg); break;
    case 'r': rate = atof(optarg); break;
    case 'c': conc = strtoul(optarg, NULL, 10); break;
    case 'o': out = optarg; break;
    case 'l': lnet = (unsigned)strtoul(optarg, NULL, 10) & 255; break;
    case 'u': unet = (unsigned)strtoul(optarg, NULL, 10) & 255; break;
    default: goto usage;
    }
  }
  for (; optind < argc && nfe < MAXFE; ++optind) addr(&fe[nfe++], argv[optind]);
  if (!nfe || !pop.sin_port || !out || rate <= 0 || !conc || conc >= MAXSLOT) goto usage;
  if (!(ev = fopen(out, "w"))) die(out);
  if ((ep = epoll_create1(EPOLL_CLOEXEC)) == -1) die("drive: epoll_create1");
  for (i = 0; i < MAXSLOT; ++i) slots[i].fd = -1;
  t0 = now(); end = t0 + secs; nextlogin = t0; lastexp = t0;
  for (i = 0; i < conc; ++i) start_smtp(&slots[i]);
  for (;;) {
    double t = now();
    int n, k, wait;
    if (t < end && t >= nextlogin) {
      for (i = conc; i < MAXSLOT && slots[i].fd != -1; ++i) ;
      if (i < MAXSLOT) {
        slots[i].kind = LOGIN; slots[i].src = pool(lnet, nlogin++); slots[i].fe = -1;
        slots[i].loginend = 0;
        open_to(&slots[i], &pop);
      }
      nextlogin += 1.0 / rate;
    }
    for (i = 0; i < conc && t < end; ++i)
      if (slots[i].fd == -1) start_smtp(&slots[i]);
    for (busy = 0, i = 0; i < MAXSLOT; ++i) busy += slots[i].fd != -1;
    if (t >= end && !busy) break;
    if (t - lastexp > 0.5) { expire(t); lastexp = t; }
    wait = t < end ? (int)((nextlogin - t) * 1000) + 1 : 100;
    if (wait < 0) wait = 0;
    if (wait > 100) wait = 100;
    n = epoll_wait(ep, evs, 256, wait);
    if (n == -1 && errno != EINTR) die("drive: epoll_wait");
    for (k = 0; k < n; ++k) {
      struct slot *s = evs[k].data.ptr;
      if (s->fd != -1 && readable(s) && now() < end && s < slots + conc) start_smtp(s);
    }
  }
  fclose(ev);
  printf("secs=%.3f logins=%lu smtp=%lu lost=%lu\n", now() - t0, ndone, smtp, lost);
  return 0;
usage:
  fprintf(stderr, "usage: drive -t SECS -p POPIP:PORT -r RATE -c CONC -o EVENTS [-l NET] [-u NET] FEIP:PORT...\n");
  return 100;
}
