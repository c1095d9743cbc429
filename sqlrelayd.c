/* sqlrelayd: the lookup helper that tcpserver -S starts (relayask.c).
   fd 0: SOCK_SEQPACKET; each request names the asking child's reply slot.
   fd 1: the shared memory (struct relaymsg_page, then the reply slots),
   replaced by /dev/null once mapped; a helper of tcpserver's version
   then says so there (relaymsg_hello), else it exits.
   Worker threads block in recv on fd 0; the kernel gives each message
   to one of them. A worker that got one takes every request already
   waiting too (up to SQLRELAY_BATCH addresses). A request whose
   connection was accepted before a statement about its address was sent
   takes that statement's answer (relayshare.h): kept from one that
   ended, or by joining one another worker has in flight. The rest are
   asked about in one statement: under load the database runs one query
   for many connections, and no request is answered by a statement sent
   before its connection arrived, nor waits for one that arrived
   after it. Exits on EOF (every client end closed). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include "errstr.h"
#include "msg.h"
#include "relaymsg.h"
#include "relayshare.h"
#include "relayskip.h"
#include "sqlconf.h"
#include "sqlrelay.h"

#define MAXTHREADS 64

/* One version of the control file. refs: cur holds one, each worker
   holds one while it uses c (its struct sqlrelay points into c). */
struct gen {
  struct sqlconf c;
  int usable;
  char cause[RELAYMSG_TEXTMAX + 1];
  struct relayskip_file file;  /* the control file this was loaded from */
  unsigned long refs;
  unsigned long id;            /* 1, 2, ...: which version this is */
};

static const char *path;
static struct relaymsg_page *page;
static uint32_t nslots;      /* slots mapped (0: no page, no replies) */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct gen *cur;      /* guarded by lock */
static pthread_mutex_t skiplock = PTHREAD_MUTEX_INITIALIZER;

static void report(void *arg, const char *problem)
{
  (void) arg;
  msg_warn("sql: ", path, ": ", problem, (char *) 0);
}

static unsigned budget(const struct sqlconf *c)
{
  unsigned long n = c->nservers ? c->nservers : 1;
  /* per server: connect, then at worst two prepares (the single
     statement on connect, the batch statement on first use) and an
     execute */
  unsigned long ms = n * (c->connect_timeout + 3ul * c->read_timeout)
                     * 1000 + 500;
  return ms > 600000 ? 600000 : (unsigned) ms;
}

/* Under lock (conf_acquire). */
static struct gen *gen_load(void)
{
  static unsigned long ids;
  struct gen *g = calloc(1, sizeof *g);
  int r;

  if (!g) return NULL;
  g->refs = 1;
  g->id = ++ids;
  r = sqlconf_load(&g->c, path, report, NULL);
  if (r == 1) g->usable = 1;
  else if (r == 0) snprintf(g->cause, sizeof g->cause, "control file unusable");
  else {
    snprintf(g->cause, sizeof g->cause, "unable to read %s: %s", path,
             errstr(errno));
    msg_warn("sql: ", g->cause, (char *) 0);
  }
  if (page) page->budget_ms = g->usable ? budget(&g->c) : RELAYMSG_BUDGET_DEFAULT;
  return g;
}

static void gen_drop_locked(struct gen *g)
{
  if (--g->refs) return;
  sqlconf_free(&g->c);
  free(g);
}

static void gen_drop(struct gen *g)
{
  pthread_mutex_lock(&lock);
  gen_drop_locked(g);
  pthread_mutex_unlock(&lock);
}

/* The current control file, reloaded if it changed since the last
   request (one stat per request: an edit counts from the next
   connection). NULL: out of memory. */
static struct gen *conf_acquire(void)
{
  struct gen *g;
  struct relayskip_file id;

  relayskip_file_get(path, &id);
  pthread_mutex_lock(&lock);
  if (!cur || !relayskip_file_same(&id, &cur->file)) {
    g = gen_load();
    if (g) {
      if (cur) { sqlrelay_forget_failures(); gen_drop_locked(cur); }
      g->file = id;
      cur = g;
    }
  }
  g = cur;
  if (g) ++g->refs;
  pthread_mutex_unlock(&lock);
  return g;
}

/* 1 for a well formed request, 0 for a bad one, -1 when flags has
   MSG_DONTWAIT and nothing is waiting. */
static int receive(struct relaymsg_request *q, int flags)
{
  char buf[RELAYMSG_REQMAX + 1];
  ssize_t n = recv(0, buf, sizeof buf, flags);

  if (n == 0) _exit(0);
  if (n < 0) {
    if (errno == EAGAIN) return -1;
    if (errno == EINTR || errno == ENOMEM || errno == ENOBUFS) return 0;
    msg_fatal(111, "sql: unable to read requests: ", errstr(errno), (char *) 0);
  }
  return relaymsg_request_unpack(q, buf, (size_t) n) && q->slot < nslots;
}

/* The requests waiting (at least one: blocks for the first), at most
   max; expired ones are dropped unanswered (their child has stopped
   waiting). */
static size_t collect(struct relaymsg_request *q, size_t max)
{
  size_t n = 0;
  int x;

  while (n < max) {
    x = receive(&q[n], n ? MSG_DONTWAIT : 0);
    if (x < 0) break;
    if (x == 0 || relaymsg_now() >= q[n].deadline) continue;
    ++n;
  }
  return n;
}

static void set_error(struct relaymsg_reply *a, const char *why)
{
  a->result = RELAYMSG_ERROR;
  a->varslen = 0;
  a->server[0] = 0;
  snprintf(a->why, sizeof a->why, "%s", why);
}

/* g's set lines into a (what a relay answer sets); 0 if they do not fit */
static int set_vars(struct relaymsg_reply *a, const struct gen *g)
{
  if (g->c.setslen > RELAYMSG_VARSMAX) return 0;
  memcpy(a->vars, g->c.sets, g->c.setslen);
  a->varslen = g->c.setslen;
  return 1;
}

/* The addresses whose future-dated rows were already reported: each is
   said once (until FUTUREMAX others have been), every connection from it
   falls back to the rules. */
#define FUTUREMAX 256
static char futureseen[FUTUREMAX][RELAYMSG_IPMAX];
static size_t futurenext;
static pthread_mutex_t futurelock = PTHREAD_MUTEX_INITIALIZER;

static void future(const char *ip)
{
  size_t i, n = strlen(ip);

  if (n >= RELAYMSG_IPMAX) n = RELAYMSG_IPMAX - 1;
  pthread_mutex_lock(&futurelock);
  for (i = 0; i < FUTUREMAX; ++i)
    if (!strncmp(futureseen[i], ip, n) && !futureseen[i][n]) break;
  if (i == FUTUREMAX) {
    memcpy(futureseen[futurenext], ip, n);
    futureseen[futurenext][n] = 0;
    futurenext = (futurenext + 1) % FUTUREMAX;
  }
  pthread_mutex_unlock(&futurelock);
  if (i < FUTUREMAX) return;
  msg_warn("sql: relay row for ", ip, " is dated in the future, ignored",
           (char *) 0);
}

/* Asks about the n distinct addresses ip[]: res[i] relay or not, unless
   the common answer a is an error. r NULL: sqlrelay_new failed with rerr.
   Returns 1 if the error was reached without asking a database (control
   file unusable, every server in its retry period): the next lookups
   would end the same. */
static int lookup(struct gen *g, struct sqlrelay *r, int rerr,
                  const char *const *ip, size_t n, int *res,
                  struct relaymsg_reply *a)
{
  struct sqlrelay_answer sa;

  if (!g) { set_error(a, "out of memory"); return 0; }
  if (!g->usable) { set_error(a, g->cause); a->reported = 1; return 1; }
  if (!r) { set_error(a, errstr(rerr)); return 0; }
  a->result = sqlrelay_lookup_many(r, ip, n, res, &sa) < 0 ? RELAYMSG_ERROR : 0;
  a->usec = sa.usec;
  memcpy(a->server, sa.server, RELAYMSG_TEXTMAX);
  memcpy(a->why, sa.why, RELAYMSG_TEXTMAX);
  if (a->result == RELAYMSG_ERROR) return !sa.tried;
  for (size_t i = 0; i < n; ++i)
    if (res[i] == SQLRELAY_FUTURE) { future(ip[i]); res[i] = SQLRELAY_NORELAY; }
  if (!set_vars(a, g)) set_error(a, "set lines too long");
  return 0;
}

/* Lets children skip asking while the answer cannot change (repeats:
   see lookup), and stops them as soon as it can. */
static void shortcut(const struct gen *g, const struct relaymsg_reply *a,
                     int repeats)
{
  uint64_t ns = RELAYSKIP_NS;

  if (!page || !g) return;
  if (!repeats) {
    pthread_mutex_lock(&skiplock);
    relayskip_clear(&page->skip);
    pthread_mutex_unlock(&skiplock);
    return;
  }
  if (g->usable && (uint64_t) g->c.retry * 1000000000u < ns)
    ns = (uint64_t) g->c.retry * 1000000000u;
  if (!ns) return;
  pthread_mutex_lock(&skiplock);
  relayskip_publish(&page->skip, a, relaymsg_now() + ns, &g->file);
  pthread_mutex_unlock(&skiplock);
}

/* a, with result (unless a is an error), into q's slot if its child
   still waits for this ticket, then wakes it */
static void answer(const struct relaymsg_request *q, struct relaymsg_reply *a,
                   int result)
{
  struct relayslot *s = relaymsg_slot(page, q->slot);
  uint32_t t = q->ticket & RELAYSLOT_TICKETS, w = t << 2 | RELAYSLOT_POSTED;
  size_t n, varslen = a->varslen;
  int common = a->result;

  if (!atomic_compare_exchange_strong(&s->word, &w, t << 2 | RELAYSLOT_WRITING))
    return;   /* the child gave up, or the slot has a newer request */
  if (common != RELAYMSG_ERROR) {
    a->result = result ? RELAYMSG_RELAY : RELAYMSG_NORELAY;
    if (!result) a->varslen = 0;
  }
  n = relaymsg_reply_pack(s->reply, sizeof s->reply, a);
  a->result = common;
  a->varslen = varslen;
  if (!n) {
    struct relaymsg_reply e = *a;
    set_error(&e, "reply does not fit");
    n = relaymsg_reply_pack(s->reply, sizeof s->reply, &e);
  }
  s->len = (uint32_t) n;
  atomic_store_explicit(&s->word, t << 2 | RELAYSLOT_DONE, memory_order_release);
  relaymsg_wake(&s->word);
}

/* One batch: the distinct good addresses of q[] in ip[], and for each
   request the index of its address (-1: a bad address). */
struct batch {
  struct relaymsg_request q[SQLRELAY_BATCH];
  int which[SQLRELAY_BATCH], res[SQLRELAY_BATCH];
  const char *ip[SQLRELAY_BATCH];
  size_t n, nip;
};

static void distinct(struct batch *b)
{
  size_t i, j;

  b->nip = 0;
  for (i = 0; i < b->n; ++i) {
    b->which[i] = -1;
    if (!sqlrelay_ip_ok(b->q[i].ip)) continue;
    for (j = 0; j < b->nip && strcmp(b->ip[j], b->q[i].ip); ++j) ;
    if (j == b->nip) b->ip[b->nip++] = b->q[i].ip;
    b->which[i] = (int) j;
  }
}

/* Takes out of b each request that an earlier statement answers
   (answering it now) or that joined another worker's flight; g is
   usable. */
static void share(struct batch *b, const struct gen *g,
                  const struct relayshare_flight *self, struct relaymsg_reply *a)
{
  size_t i, k = 0;
  int res = 0, x;

  memset(a, 0, sizeof *a);
  if (!set_vars(a, g)) return;
  for (i = 0; i < b->n; ++i) {
    x = b->which[i] < 0 ? 0 : relayshare_find(&b->q[i], g->id, self, &res, a->server);
    if (x == 1) answer(&b->q[i], a, res);
    else if (!x && k++ != i) b->q[k - 1] = b->q[i];
  }
  if (k != b->n) { b->n = k; distinct(b); }
}

static void *worker(void *arg)
{
  struct gen *mine = NULL, *g;
  struct sqlrelay *r = NULL;
  struct batch *b = malloc(sizeof *b);
  struct relaymsg_reply *a = malloc(sizeof *a), *bad = malloc(sizeof *bad);
  struct relayshare_flight *self = malloc(sizeof *self);
  int rerr = 0, shared, shares;
  size_t i, joined;

  (void) arg;
  if (!a || !b || !bad || !self) msg_fatal(111, "sql: out of memory", (char *) 0);
  memset(bad, 0, sizeof *bad);
  set_error(bad, "bad client address");
  shared = relayshare_enlist(self) == 0;
  for (;;) {
    b->n = collect(b->q, SQLRELAY_BATCH);
    g = conf_acquire();
    if (g != mine) {
      if (r) sqlrelay_free(r);
      r = NULL;
      if (mine) gen_drop(mine);
      mine = g;
    } else if (g) gen_drop(g);
    if (mine && mine->usable && !r && !(r = sqlrelay_new(&mine->c))) rerr = errno;
    distinct(b);
    /* answers are shared only under a usable control file version */
    shares = shared && mine && mine->usable;
    if (shares) share(b, mine, self, a);
    memset(a, 0, sizeof *a);
    joined = 0;
    if (b->nip) {
      if (shares) relayshare_takeoff(self, mine->id, b->ip, b->nip);
      shortcut(mine, a, lookup(mine, r, rerr, b->ip, b->nip, b->res, a));
      if (shares)
        joined = relayshare_land(self, a->result != RELAYMSG_ERROR, b->res, a->server);
    }
    for (i = 0; i < b->n; ++i)
      if (b->which[i] < 0) answer(&b->q[i], bad, 0);
      else answer(&b->q[i], a, b->res[b->which[i]]);
    for (i = 0; i < joined; ++i)
      answer(&self->join[i], a, b->res[self->jwhich[i]]);
  }
  return NULL;
}

/* Maps the page and the reply slots tcpserver gave on fd 1. Without
   them no request can be answered (each is refused as malformed). */
static void page_map(void)
{
  struct stat st;
  void *p;
  int fd;

  if (fstat(1, &st) == 0 && S_ISREG(st.st_mode) &&
      (size_t) st.st_size >= RELAYMSG_SLOTOFF(1)) {
    p = mmap(NULL, (size_t) st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, 1, 0);
    if (p != MAP_FAILED) {
      page = p;
      if (*relaymsg_version(page) != RELAYMSG_VERSION) {
        char v[64];
        snprintf(v, sizeof v, "%u, sqlrelayd %u", (unsigned) *relaymsg_version(page),
                 (unsigned) RELAYMSG_VERSION);
        msg_fatal(111, "sql: tcpserver and sqlrelayd do not match (versions ", v,
                  "): restart tcpserver to finish the upgrade", (char *) 0);
      }
      atomic_store(relaymsg_hello(page), RELAYMSG_VERSION);
      /* no more slots than were asked for, nor than the memory holds */
      nslots = ((size_t) st.st_size - RELAYMSG_SLOTOFF(0)) / RELAYMSG_SLOTSIZE;
      if (nslots > page->nslots) nslots = page->nslots;
    }
  }
  fd = open("/dev/null", O_RDWR);
  if (fd > 1) { dup2(fd, 1); close(fd); }
}

int main(int argc, char **argv)
{
  pthread_t t;
  struct gen *g;
  unsigned n, i;
  int type = 0;
  socklen_t len = sizeof type;

  msg_init("sqlrelayd");
  if (getsockopt(0, SOL_SOCKET, SO_TYPE, &type, &len) == -1 || type != SOCK_SEQPACKET)
    msg_fatal(100, "descriptor 0 is not a request socket: sqlrelayd is started by tcpserver -S", (char *) 0);
  msg_init("tcpserver");
  signal(SIGPIPE, SIG_IGN);
  path = argc > 1 ? argv[1] : sqlconf_path();
  page_map();
  if (sqlrelay_init() == -1)
    msg_fatal(111, "sql: unable to initialise the client library", (char *) 0);
  g = conf_acquire();
  n = g && g->usable ? g->c.connections : SQLCONF_CONNECTIONS;
  if (g) gen_drop(g);
  if (n < 1) n = 1;
  if (n > MAXTHREADS) n = MAXTHREADS;
  for (i = 1; i < n; ++i)
    if (pthread_create(&t, NULL, worker, NULL) != 0) break;
  worker(NULL);
  return 0;
}
