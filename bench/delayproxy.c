/* bench/delayproxy.c: TCP proxy on 127.0.0.1 that delays every chunk.
   delayproxy [-d USEC] [-t LIFETIME_SECS] TARGETPORT [TARGETIP]
   Listens on 127.0.0.1 port 0 and prints the port on stdout. Every
   accepted connection gets its own connection to TARGETIP:TARGETPORT
   (default 127.0.0.1). Every chunk read in either direction is held
   USEC microseconds (default 1000) after it was read, then written in
   order; an EOF is passed on (shutdown) after the data before it. One
   thread, epoll, a timerfd for the due times. Exits after LIFETIME_SECS
   (default 600). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

struct pair;
struct end { int fd; int side; struct pair *p; };
struct dir {                 /* bytes read from e[i], written to e[1-i] */
  char *buf; size_t len, cap; /* due bytes not yet written */
  int rdeof;                 /* EOF read, marker queued */
  int eofdue;                /* EOF marker due: shutdown once buf is empty */
  int shut;                  /* shutdown done */
};
struct pair { struct end e[2]; struct dir d[2]; int dead; unsigned queued; struct pair *nextdead; };
struct chunk { struct chunk *next; struct pair *p; int dir; uint64_t due; size_t len; char data[]; };

static struct chunk *qhead, *qtail;
static struct pair *graveyard;   /* dead pairs, freed between batches */
static int ep, tfd;
static uint64_t delay_ns = 1000000;

static uint64_t now_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The timer fires late by the wake-up latency of this machine (tens to
   hundreds of microseconds on a busy VM). The proxy learns it (moving
   average, at most half the delay) and sets the timer that much early,
   so a chunk's mean hold is the delay asked for; no busy waiting. */
static uint64_t late_ns, armed_at;

static void arm(void)
{
  struct itimerspec it = { 0 };
  armed_at = 0;
  if (qhead) {
    uint64_t at = qhead->due - late_ns;
    if (!at) at = 1;
    it.it_value.tv_sec = (time_t)(at / 1000000000u);
    it.it_value.tv_nsec = (long)(at % 1000000000u);
    armed_at = at;
  }
  timerfd_settime(tfd, TFD_TIMER_ABSTIME, &it, 0);
}

/* on expiry at t: update the lateness estimate */
static void fired(uint64_t t)
{
  if (armed_at && t > armed_at) {
    uint64_t sample = t - armed_at, cap = delay_ns / 2;
    late_ns = (late_ns * 7 + sample) / 8;
    if (late_ns > cap) late_ns = cap;
  }
}

static void interest(struct pair *p, int side)
{
  struct epoll_event ev = { 0 };
  ev.data.ptr = &p->e[side];
  if (!p->d[side].rdeof) ev.events |= EPOLLIN;
  if (p->d[1 - side].len) ev.events |= EPOLLOUT;  /* writes into this side */
  epoll_ctl(ep, EPOLL_CTL_MOD, p->e[side].fd, &ev);
}

static void kill_pair(struct pair *p)
{
  int i;
  if (p->dead) return;
  p->dead = 1;
  for (i = 0; i < 2; i++) { close(p->e[i].fd); free(p->d[i].buf); p->d[i].buf = 0; }
  p->nextdead = graveyard; graveyard = p;
}

/* after a batch of events: free dead pairs no queued chunk points to */
static void bury(void)
{
  struct pair **pp = &graveyard;
  while (*pp) {
    struct pair *p = *pp;
    if (p->queued) { pp = &p->nextdead; continue; }
    *pp = p->nextdead; free(p);
  }
}

static void maybe_done(struct pair *p)
{
  if (p->d[0].shut && p->d[1].shut && !p->queued) kill_pair(p);
}

/* write what is due in direction i; 0 ok, -1 pair killed */
static int flush(struct pair *p, int i)
{
  struct dir *d = &p->d[i];
  int out = p->e[1 - i].fd;
  while (d->len) {
    ssize_t w = write(out, d->buf, d->len);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && errno == EAGAIN) break;
    if (w <= 0) { kill_pair(p); return -1; }
    memmove(d->buf, d->buf + w, d->len - (size_t)w);
    d->len -= (size_t)w;
  }
  if (!d->len && d->eofdue && !d->shut) { shutdown(out, SHUT_WR); d->shut = 1; }
  interest(p, 1 - i);
  maybe_done(p);
  return 0;
}

static void deliver(struct chunk *c)
{
  struct pair *p = c->p;
  struct dir *d = &p->d[c->dir];
  p->queued--;
  if (p->dead) return;
  if (!c->len) d->eofdue = 1;
  else {
    if (d->len + c->len > d->cap) {
      size_t cap = (d->len + c->len) * 2;
      char *b = realloc(d->buf, cap);
      if (!b) { kill_pair(p); return; }
      d->buf = b; d->cap = cap;
    }
    memcpy(d->buf + d->len, c->data, c->len); d->len += c->len;
  }
  flush(p, c->dir);
}

static void enqueue(struct pair *p, int dir, const char *data, size_t len)
{
  struct chunk *c = malloc(sizeof *c + len);
  if (!c) { kill_pair(p); return; }
  c->next = 0; c->p = p; c->dir = dir; c->len = len;
  c->due = now_ns() + delay_ns;
  memcpy(c->data, data, len);
  p->queued++;
  if (qtail) qtail->next = c; else { qhead = c; arm(); }
  qtail = c;
}

static void readable(struct pair *p, int side)
{
  char buf[65536];
  if (p->d[side].rdeof) return;
  for (;;) {
    ssize_t r = read(p->e[side].fd, buf, sizeof buf);
    if (r > 0) { enqueue(p, side, buf, (size_t)r); if (p->dead) return; continue; }
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 && errno == EAGAIN) return;
    if (r < 0) { kill_pair(p); return; }
    p->d[side].rdeof = 1;
    enqueue(p, side, buf, 0);
    if (!p->dead) interest(p, side);
    return;
  }
}

static void accept_one(int ls, const struct sockaddr_in *target)
{
  int c = accept4(ls, 0, 0, SOCK_CLOEXEC), u, i, one = 1;
  struct pair *p;
  if (c == -1) return;
  u = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (u == -1 || connect(u, (const struct sockaddr *)target, sizeof *target) == -1) {
    close(c); if (u != -1) close(u); return;
  }
  p = calloc(1, sizeof *p);
  if (!p) { close(c); close(u); return; }
  p->e[0].fd = c; p->e[1].fd = u;
  for (i = 0; i < 2; i++) {
    struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &p->e[i] };
    p->e[i].side = i; p->e[i].p = p;
    setsockopt(p->e[i].fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fcntl(p->e[i].fd, F_SETFL, fcntl(p->e[i].fd, F_GETFL) | O_NONBLOCK);
    epoll_ctl(ep, EPOLL_CTL_ADD, p->e[i].fd, &ev);
  }
}

int main(int argc, char **argv)
{
  struct sockaddr_in la = { .sin_family = AF_INET }, target = { .sin_family = AF_INET };
  socklen_t sl = sizeof la;
  struct epoll_event ev, evs[256];
  int ls, opt, one = 1;
  long life = 600;
  time_t end;

  signal(SIGPIPE, SIG_IGN);
  prctl(PR_SET_TIMERSLACK, 1UL);   /* due times to the microsecond */
  while ((opt = getopt(argc, argv, "d:t:")) != -1) {
    if (opt == 'd') delay_ns = strtoull(optarg, 0, 10) * 1000u;
    else if (opt == 't') life = atol(optarg);
    else { fputs("usage: delayproxy [-d usec] [-t secs] targetport [targetip]\n", stderr); return 100; }
  }
  if (argc - optind < 1) { fputs("usage: delayproxy [-d usec] [-t secs] targetport [targetip]\n", stderr); return 100; }
  target.sin_port = htons((uint16_t)atoi(argv[optind]));
  if (inet_pton(AF_INET, argc - optind > 1 ? argv[optind + 1] : "127.0.0.1", &target.sin_addr) != 1) return 100;
  la.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (ls == -1 || bind(ls, (struct sockaddr *)&la, sizeof la) == -1 ||
      listen(ls, 1024) == -1 || getsockname(ls, (struct sockaddr *)&la, &sl) == -1) {
    perror("delayproxy"); return 111;
  }
  ep = epoll_create1(EPOLL_CLOEXEC);
  tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (ep == -1 || tfd == -1) { perror("delayproxy"); return 111; }
  ev.events = EPOLLIN; ev.data.ptr = &ls;
  epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
  ev.events = EPOLLIN; ev.data.ptr = &tfd;
  epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev);
  printf("%u\n", ntohs(la.sin_port)); fflush(stdout);
  end = time(0) + life;

  while (time(0) < end) {
    int n = epoll_wait(ep, evs, 256, 500), k;
    for (k = 0; k < n; k++) {
      void *ptr = evs[k].data.ptr;
      if (ptr == &ls) { for (int j = 0; j < 64; j++) accept_one(ls, &target); continue; }
      if (ptr == &tfd) {
        uint64_t x, t = now_ns();
        if (read(tfd, &x, sizeof x) < 0) { /* spurious */ }
        fired(t);
        while (qhead && qhead->due <= t + late_ns) {
          struct chunk *c = qhead;
          qhead = c->next; if (!qhead) qtail = 0;
          deliver(c); free(c);
        }
        arm();
        continue;
      }
      /* evs[] may name a pair killed earlier in this batch: its
         memory stays valid until bury(), and dead says so */
      struct end *e = ptr;
      struct pair *p = e->p;
      if (p->dead) continue;
      if (evs[k].events & EPOLLOUT) { if (flush(p, 1 - e->side) < 0) continue; }
      if (p->dead) continue;
      if (evs[k].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) readable(p, e->side);
    }
    bury();
  }
  return 0;
}
