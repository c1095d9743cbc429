#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include "childenv.h"
#include "errstr.h"
#include "fmt.h"
#include "msg.h"
#include "relayask.h"
#include "relaymsg.h"
#include "relayskip.h"
#include "sqlconf.h"

_Static_assert(sizeof(pid_t) == sizeof(uint32_t), "slotpid fits after freeslot");
_Static_assert(sizeof(struct relayslot) <= RELAYMSG_SLOTSIZE, "a slot fits its stride");
_Static_assert(sizeof(struct relaymsg_page) <= RELAYMSG_HELLO_OFF, "the page fits before its versions");
_Static_assert(RELAYMSG_VERSION_OFF + 4 <= RELAYMSG_SLOTOFF(0), "the version is in the first page");
_Static_assert(sizeof(struct relaymsg_reply) <= 4096, "a reply is one page");

#define SEC 1000000000ull
#define BACKOFF_MIN (1 * SEC)
#define BACKOFF_MAX (30 * SEC)
#define STEADY (60 * SEC)   /* a helper that ran this long resets the backoff */
#define HELLO_S 5           /* seconds a helper has to say its version */
#define TEXT_(x) #x
#define TEXT(x) TEXT_(x)

/* Parent state; the page, fd_client and mine are also used by the
   children. */
static int fd_client = -1, fd_server = -1, fd_page = -1;
static struct relaymsg_page *page;
static uint32_t nslots;
/* parent only (parent_only): the child holding each slot (0 free),
   and the free slots, nfree[0] of them */
static pid_t *slotpid;
static uint32_t *freeslot, *nfree;
/* the child forked next / this child: its reply slot, and when its
   connection was accepted (a reply may come from a statement sent
   after that) */
static struct { long slot; uint64_t arrived; } mine = { -1, 0 };
static char helper[PATH_MAX];
static const char *control;
static volatile sig_atomic_t helper_pid, helper_died, helper_status;
static int last_pid;
static uint64_t started, due, backoff = BACKOFF_MIN;

/* fd moved to a descriptor >= 3, close-on-exec; -1 on error */
static int high(int fd)
{
  int h;

  if (fd < 0 || fd >= 3) return fd;
  h = fcntl(fd, F_DUPFD_CLOEXEC, 3);
  close(fd);
  return h;
}

static _Noreturn void helper_exec(pid_t parent, int verbose)
{
  char *argv[3];
  sigset_t none;
  int fd;

  if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1 || getppid() != parent) _exit(111);
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  signal(SIGPIPE, SIG_DFL);
  if (dup2(fd_server, 0) == -1 || dup2(fd_page, 1) == -1) _exit(111);
  if (!verbose && (fd = open("/dev/null", O_WRONLY)) >= 0) dup2(fd, 2);
  close_range(3, ~0u, 0);
  argv[0] = helper;
  argv[1] = (char *) (uintptr_t) control;
  argv[2] = NULL;
  execv(helper, argv);
  msg_warn("sql: unable to run ", helper, ": ", errstr(errno), (char *) 0);
  _exit(111);
}

static void spawn(void)
{
  sigset_t chld, old;
  pid_t pid, parent = getpid();

  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, &old);
  atomic_store(relaymsg_hello(page), 0);
  pid = fork();
  if (pid == 0) helper_exec(parent, msg_verbosity() > 0);
  started = relaymsg_now();
  if (pid == -1) {
    msg_warn("sql: unable to start ", helper, ": ", errstr(errno), (char *) 0);
    due = started + backoff;
    backoff = backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX : backoff * 2;
  } else {
    helper_pid = pid;
    last_pid = pid;
    page->pid = pid;
    page->up = 1;
  }
  sigprocmask(SIG_SETMASK, &old, NULL);
}

static int helper_path(void)
{
  ssize_t n = readlink("/proc/self/exe", helper, sizeof helper - 1);
  char *slash;

  if (n <= 0) return -1;
  helper[n] = 0;
  slash = strrchr(helper, '/');
  if (!slash || (size_t) (slash - helper) + sizeof "/sqlrelayd" > sizeof helper) {
    errno = ENAMETOOLONG;
    return -1;
  }
  memcpy(slash, "/sqlrelayd", sizeof "/sqlrelayd");
  return 0;
}

/* Zeroed memory that forked children do not get (MADV_DONTFORK): the
   parent writes it right after each fork, and a page shared with a
   child that is still running would be copied each time. NULL on error. */
static void *parent_only(size_t size)
{
  void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

  if (p == MAP_FAILED) return NULL;
  if (madvise(p, size, MADV_DONTFORK) == -1) {
    munmap(p, size);
    return NULL;
  }
  return p;
}

int relayask_start(unsigned long limit)
{
  int sv[2];
  size_t size;
  uint32_t i, n;
  void *p;

  control = sqlconf_path();
  if (helper_path() == -1) return -1;
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1) return -1;
  fd_client = high(sv[0]);
  fd_server = high(sv[1]);
  fd_page = high(memfd_create("tcpserver-sql", MFD_CLOEXEC));
  if (fd_client < 0 || fd_server < 0 || fd_page < 0) return -1;
  n = limit < 1 ? 1 : limit > RELAYMSG_SLOTMAX ? RELAYMSG_SLOTMAX : (uint32_t) limit;
  nfree = parent_only((1 + 2 * (size_t) n) * sizeof *nfree);
  if (!nfree) return -1;
  freeslot = nfree + 1;
  slotpid = (pid_t *) (void *) (freeslot + n);
  for (i = 0; i < n; ++i) freeslot[i] = n - 1 - i;
  *nfree = nslots = n;   /* only now: relayask_reap reads slotpid[0..nslots) */
  size = RELAYMSG_SLOTOFF(nslots);
  if (ftruncate(fd_page, (off_t) size) == -1) return -1;
  p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd_page, 0);
  if (p == MAP_FAILED) return -1;
  page = p;
  page->budget_ms = RELAYMSG_BUDGET_DEFAULT;
  page->nslots = nslots;
  page->up = 0;
  *relaymsg_version(page) = RELAYMSG_VERSION;
  spawn();
  return 0;
}

void relayask_prefork(void)
{
  mine.slot = page && *nfree ? (long) freeslot[--*nfree] : -1;
  if (mine.slot >= 0) mine.arrived = relaymsg_now();
}

void relayask_forked(pid_t pid)
{
  if (mine.slot < 0) return;
  if (pid > 0) slotpid[mine.slot] = pid;
  else freeslot[(*nfree)++] = (uint32_t) mine.slot;
  mine.slot = -1;
}

/* A helper that died while writing a reply leaves its slot WRITING:
   no helper can finish it, so the slot is given back. */
static void slots_unstick(void)
{
  uint32_t i, w;

  for (i = 0; i < nslots; ++i) {
    _Atomic uint32_t *word = &relaymsg_slot(page, i)->word;
    w = atomic_load(word);
    if ((w & 3) == RELAYSLOT_WRITING) atomic_compare_exchange_strong(word, &w, w & ~3u);
  }
}

int relayask_reap(pid_t pid, int status)
{
  uint32_t i;

  if (pid <= 0) return 0;
  if (pid != helper_pid) {
    for (i = 0; i < nslots; ++i)
      if (slotpid[i] == pid) {
        slotpid[i] = 0;
        freeslot[(*nfree)++] = i;
        break;
      }
    return 0;
  }
  helper_pid = 0;
  helper_status = status;
  helper_died = 1;
  if (page) page->up = 0;
  return 1;
}

void relayask_poll(void)
{
  uint64_t now;
  char pid[24], st[24];

  if (!page) return;
  now = relaymsg_now();
  if (helper_died) {
    helper_died = 0;
    snprintf(pid, sizeof pid, "%d", last_pid);
    snprintf(st, sizeof st, "%d", (int) helper_status);
    msg_warn("sql: helper ", pid, " ended, status ", st, (char *) 0);
    slots_unstick();
    if (now - started >= STEADY) backoff = BACKOFF_MIN;
    due = now + backoff;
    backoff = backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX : backoff * 2;
  }
  if (helper_pid && page->up && now - started >= HELLO_S * SEC &&
      atomic_load(relaymsg_hello(page)) != RELAYMSG_VERSION) {
    /* an older sqlrelayd: it cannot read the requests, so every child
       would wait out its budget. Children fall back from now on; the
       helper is started again (and stopped again) after the backoff. */
    snprintf(pid, sizeof pid, "%d", (int) helper_pid);
    msg_warn("sql: helper ", pid, " did not say it is sqlrelayd version ",
             TEXT(RELAYMSG_VERSION), " within ", TEXT(HELLO_S),
             " s: stopped; install the sqlrelayd of this tcpserver", (char *) 0);
    page->up = 0;
    kill(helper_pid, SIGTERM);
  }
  if (!helper_pid && now >= due) spawn();
}

/* Moves this child's slot to POSTED under a new ticket, once no late
   reply is being written into it. The ticket, or 0 past the deadline. */
static uint32_t slot_claim(struct relayslot *s, uint64_t deadline)
{
  uint32_t w = atomic_load(&s->word), t;
  uint64_t now;

  for (;;) {
    if ((w & 3) == RELAYSLOT_WRITING) {
      now = relaymsg_now_child();
      if (now >= deadline) return 0;
      relaymsg_wait(&s->word, w, 1);
      w = atomic_load(&s->word);
      continue;
    }
    t = ((w >> 2) + 1) & RELAYSLOT_TICKETS;
    if (!t) t = 1;
    if (atomic_compare_exchange_strong(&s->word, &w, t << 2 | RELAYSLOT_POSTED))
      return t;
  }
}

/* Takes ticket t back while the helper has not started its answer, so
   a late answer is dropped. */
static void slot_release(struct relayslot *s, uint32_t t)
{
  uint32_t posted = t << 2 | RELAYSLOT_POSTED;
  atomic_compare_exchange_strong(&s->word, &posted, t << 2 | RELAYSLOT_IDLE);
}

/* the reply for ticket t in s by deadline; 0, or -1 with *why set. Gives
   up early when the helper ends meanwhile (checked every 100 ms). */
static int await_reply(struct relayslot *s, uint32_t t, uint64_t deadline,
                       struct relaymsg_reply *a, const char **why)
{
  uint32_t w;
  uint64_t now, ms;

  for (;;) {
    w = atomic_load_explicit(&s->word, memory_order_acquire);
    if (w == (t << 2 | RELAYSLOT_DONE)) break;
    if (w >> 2 != t) { *why = "reply slot taken"; return -1; }
    now = relaymsg_now_child();
    if (now >= deadline || !page->up) {
      *why = now >= deadline ? "helper timed out" : "helper not running";
      slot_release(s, t);   /* too late for the helper to answer */
      return -1;
    }
    ms = (deadline - now + 999999) / 1000000;
    relaymsg_wait(&s->word, w, ms > 100 ? 100 : (unsigned) ms);
  }
  if (s->len > RELAYMSG_MAX || !relaymsg_reply_unpack(a, s->reply, s->len)) {
    *why = "malformed reply";
    return -1;
  }
  return 0;
}

/* The helper's reply for ip, or -1 with *why set. */
static int ask_helper(const char *ip, struct relaymsg_reply *a,
                      const char **why)
{
  struct relaymsg_request q;
  struct relayslot *s;
  char buf[RELAYMSG_REQMAX];
  size_t n, len = strlen(ip);
  uint32_t t;

  if (len > RELAYMSG_IPMAX) { *why = "address too long"; return -1; }
  if (mine.slot < 0) { *why = "helper overloaded"; return -1; }
  s = relaymsg_slot(page, (uint32_t) mine.slot);
  q.deadline = relaymsg_now_child() + (uint64_t) page->budget_ms * 1000000u;
  q.arrived = mine.arrived;
  q.slot = (uint32_t) mine.slot;
  memcpy(q.ip, ip, len + 1);
  t = slot_claim(s, q.deadline);
  if (!t) { *why = "helper timed out"; return -1; }
  q.ticket = t;
  n = relaymsg_request_pack(buf, sizeof buf, &q);
  if (!n) { *why = "address too long"; slot_release(s, t); return -1; }
  if (send(fd_client, buf, n, MSG_DONTWAIT | MSG_NOSIGNAL) == -1) {
    *why = errno == EAGAIN ? "helper overloaded" : errstr(errno);
    slot_release(s, t);
    return -1;
  }
  return await_reply(s, t, q.deadline, a, why);
}

/* The answer for ip: the helper's shortcut if one holds, else the
   helper's reply; -1 with *why set if there is none. */
static int ask(const char *ip, struct relaymsg_reply *a, const char **why)
{
  if (!page || fd_client < 0) { *why = "helper not started"; return -1; }
  if (!page->up) { *why = "helper not running"; return -1; }
  if (relayskip_get(&page->skip, control, a)) return 0;
  return ask_helper(ip, a, why);
}

/* s with every byte outside printable ASCII (space too unless spaces)
   replaced by '?', cut to RELAYMSG_TEXTMAX bytes */
static const char *clean(char *out, const char *s, int spaces)
{
  size_t i;

  for (i = 0; s[i] && i < RELAYMSG_TEXTMAX; ++i) {
    unsigned char c = (unsigned char) s[i];
    out[i] = (c > 32 && c < 127) || (spaces && c == ' ') ? (char) c : '?';
  }
  out[i] = 0;
  return i ? out : "-";
}

/* the answer's variables (each NAME=VALUE, checked by unpack), except
   those a rule set; -1 out of memory */
static int apply(const struct relaymsg_reply *a)
{
  size_t i = 0;

  while (i < a->varslen) {
    const char *entry = a->vars + i;
    size_t len = strlen(entry), namelen = (size_t) (strchr(entry, '=') - entry);
    i += len + 1;
    if (childenv_fromrulen(entry, namelen)) continue;
    if (childenv_set(entry, namelen, entry + namelen + 1, len - namelen - 1) == -1)
      return -1;
  }
  return 0;
}

int relayask_child(const char *ip, int denied)
{
  /* on the stack: a static would be one more page the child writes, a
     page fault per connection; every path on which ask returns 0 sets
     each field read below */
  struct relaymsg_reply a;
  char pid[FMT_ULONG], sip[RELAYMSG_TEXTMAX + 1], srv[RELAYMSG_TEXTMAX + 1];
  char why[RELAYMSG_TEXTMAX + 1];
  const char *cause = "";

  fmt_ulong(pid, (unsigned long) getpid());
  clean(sip, ip, 0);
  if (denied || childenv_value("RELAYCLIENT")) {
    msg_line(2, "sql ", pid, " skip ", sip,
             denied || childenv_fromrule("RELAYCLIENT") ? " rule" : " env",
             (char *) 0);
    return RELAYASK_SKIPPED;
  }
  if (ask(ip, &a, &cause) == -1) {
    msg_warn("sql ", pid, " error ", sip, " -: ", cause, (char *) 0);
    return -1;
  }
  if (a.result == RELAYMSG_RELAY && apply(&a) == -1) {
    a.result = RELAYMSG_ERROR;
    a.reported = 0;
    memcpy(a.why, "out of memory", sizeof "out of memory");
  }
  if (a.result == RELAYMSG_ERROR) {
    if (!a.reported || msg_verbosity() >= 2)
      msg_warn("sql ", pid, " error ", sip, " ", clean(srv, a.server, 0), ": ",
               clean(why, a.why, 1), (char *) 0);
    return -1;
  }
  msg_line(2, "sql ", pid, a.result == RELAYMSG_RELAY ? " relay " : " norelay ",
           sip, " ", clean(srv, a.server, 0), (char *) 0);
  return a.result;
}
