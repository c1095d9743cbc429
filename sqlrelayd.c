/* sqlrelayd: the lookup helper that tcpserver -S starts (relayask.c).
   fd 0: SOCK_SEQPACKET; each request carries its own reply pipe.
   fd 1: the shared page (struct relaymsg_page), replaced by /dev/null.
   Worker threads block in recvmsg on fd 0; the kernel gives each message
   to one of them. Exits on EOF (every client end closed). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
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
};

static const char *path;
static struct relaymsg_page *page;
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
  /* per server: connect, then at worst a prepare and an execute */
  unsigned long ms = n * (c->connect_timeout + 2ul * c->read_timeout)
                     * 1000 + 500;
  return ms > 600000 ? 600000 : (unsigned) ms;
}

static struct gen *gen_load(void)
{
  struct gen *g = calloc(1, sizeof *g);
  int r;

  if (!g) return NULL;
  g->refs = 1;
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

/* The reply pipe of a well formed request, or -1. */
static int receive(struct relaymsg_request *q)
{
  char buf[RELAYMSG_MAX];
  union { struct cmsghdr h; char b[CMSG_SPACE(4 * sizeof(int))]; } cm;
  struct iovec v = { buf, sizeof buf };
  struct msghdr m;
  struct cmsghdr *h;
  ssize_t n;
  int fd = -1;

  memset(&m, 0, sizeof m);
  m.msg_iov = &v;
  m.msg_iovlen = 1;
  m.msg_control = cm.b;
  m.msg_controllen = sizeof cm.b;
  n = recvmsg(0, &m, MSG_CMSG_CLOEXEC);
  if (n == 0) _exit(0);
  if (n < 0) {
    if (errno == EINTR || errno == ENOMEM || errno == ENOBUFS) return -1;
    msg_fatal(111, "sql: unable to read requests: ", errstr(errno), (char *) 0);
  }
  for (h = CMSG_FIRSTHDR(&m); h; h = CMSG_NXTHDR(&m, h)) {
    size_t k, nfd;
    if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS) continue;
    nfd = (h->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (k = 0; k < nfd; ++k) {
      int x;
      memcpy(&x, CMSG_DATA(h) + k * sizeof(int), sizeof x);
      if (fd == -1) fd = x; else close(x);
    }
  }
  if (fd >= 0 && ((m.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) ||
                  !relaymsg_request_unpack(q, buf, (size_t) n))) {
    close(fd);
    fd = -1;
  }
  return fd;
}

static void set_error(struct relaymsg_reply *a, const char *why)
{
  a->result = RELAYMSG_ERROR;
  a->varslen = 0;
  a->server[0] = 0;
  snprintf(a->why, sizeof a->why, "%s", why);
}

/* r NULL: sqlrelay_new failed with rerr. Returns 1 if the answer is an
   error reached without asking a database (control file unusable, every
   server in its retry period): the next lookups would end the same. */
static int lookup(struct gen *g, struct sqlrelay *r, int rerr, const char *ip,
                  struct relaymsg_reply *a)
{
  struct sqlrelay_answer sa;

  if (!g) { set_error(a, "out of memory"); return 0; }
  if (!g->usable) { set_error(a, g->cause); a->reported = 1; return 1; }
  if (!r) { set_error(a, errstr(rerr)); return 0; }
  memset(&sa, 0, sizeof sa);
  a->result = sqlrelay_lookup(r, ip, &sa);
  if (a->result < 0) a->result = RELAYMSG_ERROR;
  a->usec = sa.usec;
  memcpy(a->server, sa.server, RELAYMSG_TEXTMAX);
  memcpy(a->why, sa.why, RELAYMSG_TEXTMAX);
  if (a->result == RELAYMSG_ERROR) return !sa.tried;
  if (a->result != RELAYMSG_RELAY) return 0;
  if (g->c.setslen > RELAYMSG_VARSMAX) { set_error(a, "set lines too long"); return 0; }
  memcpy(a->vars, g->c.sets, g->c.setslen);
  a->varslen = g->c.setslen;
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

static void answer(int fd, struct relaymsg_reply *a)
{
  char buf[RELAYMSG_MAX];
  size_t n = relaymsg_reply_pack(buf, sizeof buf, a);

  if (!n) {
    set_error(a, "reply does not fit");
    n = relaymsg_reply_pack(buf, sizeof buf, a);
  }
  if (n && write(fd, buf, n) == -1) { /* the child gave up waiting */ }
  close(fd);
}

static void *worker(void *arg)
{
  struct gen *mine = NULL, *g;
  struct sqlrelay *r = NULL;
  struct relaymsg_request q;
  struct relaymsg_reply *a = malloc(sizeof *a);
  int rerr = 0;

  (void) arg;
  if (!a) msg_fatal(111, "sql: out of memory", (char *) 0);
  for (;;) {
    int fd = receive(&q);
    if (fd < 0) continue;
    if (relaymsg_now() >= q.deadline) { close(fd); continue; }
    g = conf_acquire();
    if (g != mine) {
      if (r) sqlrelay_free(r);
      r = NULL;
      if (mine) gen_drop(mine);
      mine = g;
    } else if (g) gen_drop(g);
    if (mine && mine->usable && !r && !(r = sqlrelay_new(&mine->c))) rerr = errno;
    memset(a, 0, sizeof *a);
    shortcut(mine, a, lookup(mine, r, rerr, q.ip, a));
    answer(fd, a);
  }
  return NULL;
}

static void page_map(void)
{
  struct stat st;
  void *p;
  int fd;

  if (fstat(1, &st) == 0 && S_ISREG(st.st_mode) &&
      (size_t) st.st_size >= sizeof *page) {
    p = mmap(NULL, sizeof *page, PROT_READ | PROT_WRITE, MAP_SHARED, 1, 0);
    if (p != MAP_FAILED) page = p;
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
  n = g && g->usable ? g->c.connections : 8;
  if (g) gen_drop(g);
  if (n < 1) n = 1;
  if (n > MAXTHREADS) n = MAXTHREADS;
  for (i = 1; i < n; ++i)
    if (pthread_create(&t, NULL, worker, NULL) != 0) break;
  worker(NULL);
  return 0;
}
