#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
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

_Static_assert(RELAYMSG_MAX <= PIPE_BUF, "a reply is one atomic pipe write");

#define SEC 1000000000ull
#define BACKOFF_MIN (1 * SEC)
#define BACKOFF_MAX (30 * SEC)
#define STEADY (60 * SEC)   /* a helper that ran this long resets the backoff */

/* Parent state; the page and fd_client are also used by the children. */
static int fd_client = -1, fd_server = -1, fd_page = -1;
static struct relaymsg_page *page;
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

int relayask_start(void)
{
  int sv[2];
  void *p;

  control = sqlconf_path();
  if (helper_path() == -1) return -1;
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1) return -1;
  fd_client = high(sv[0]);
  fd_server = high(sv[1]);
  fd_page = high(memfd_create("tcpserver-sql", MFD_CLOEXEC));
  if (fd_client < 0 || fd_server < 0 || fd_page < 0) return -1;
  if (ftruncate(fd_page, 4096) == -1) return -1;
  p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd_page, 0);
  if (p == MAP_FAILED) return -1;
  page = p;
  page->budget_ms = RELAYMSG_BUDGET_DEFAULT;
  page->up = 0;
  spawn();
  return 0;
}

int relayask_reap(pid_t pid, int status)
{
  if (pid <= 0 || pid != helper_pid) return 0;
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
    if (now - started >= STEADY) backoff = BACKOFF_MIN;
    due = now + backoff;
    backoff = backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX : backoff * 2;
  }
  if (!helper_pid && now >= due) spawn();
}

/* sends buf with the descriptor fd attached; -1 with errno */
static int send_request(const char *buf, size_t n, int fd)
{
  union { struct cmsghdr h; char b[CMSG_SPACE(sizeof(int))]; } cm;
  struct iovec v;
  struct msghdr m;

  memset(&m, 0, sizeof m);
  memset(&cm, 0, sizeof cm);
  v.iov_base = (void *) (uintptr_t) buf;
  v.iov_len = n;
  m.msg_iov = &v;
  m.msg_iovlen = 1;
  m.msg_control = cm.b;
  m.msg_controllen = sizeof cm.b;
  cm.h.cmsg_level = SOL_SOCKET;
  cm.h.cmsg_type = SCM_RIGHTS;
  cm.h.cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(&cm.h), &fd, sizeof(int));
  return sendmsg(fd_client, &m, MSG_DONTWAIT | MSG_NOSIGNAL) == -1 ? -1 : 0;
}

/* the reply on fd by deadline; 0, or -1 with *why set. Gives up early
   when the helper ends meanwhile (checked every 100 ms). */
static int await_reply(int fd, uint64_t deadline, struct relaymsg_reply *a,
                       const char **why)
{
  char buf[RELAYMSG_MAX];
  struct pollfd pfd;
  uint64_t now, ms;
  ssize_t r;

  pfd.fd = fd;
  pfd.events = POLLIN;
  for (;;) {
    now = relaymsg_now();
    if (now >= deadline) { *why = "helper timed out"; return -1; }
    if (!page->up) { *why = "helper not running"; return -1; }
    ms = (deadline - now + 999999) / 1000000;
    r = poll(&pfd, 1, ms > 100 ? 100 : (int) ms);
    if (r == 0 || (r == -1 && errno == EINTR)) continue;
    if (r == -1) { *why = errstr(errno); return -1; }
    r = read(fd, buf, sizeof buf);
    if (r == -1 && (errno == EINTR || errno == EAGAIN)) continue;
    if (r == -1) { *why = errstr(errno); return -1; }
    if (r == 0) { *why = "helper gave no answer"; return -1; }
    if (!relaymsg_reply_unpack(a, buf, (size_t) r)) { *why = "malformed reply"; return -1; }
    return 0;
  }
}

/* The helper's reply for ip, or -1 with *why set. */
static int ask_helper(const char *ip, struct relaymsg_reply *a,
                      const char **why)
{
  struct relaymsg_request q;
  char buf[RELAYMSG_MAX];
  size_t n, len = strlen(ip);
  int p[2], r;

  if (len > RELAYMSG_IPMAX) { *why = "address too long"; return -1; }
  q.deadline = relaymsg_now() + (uint64_t) page->budget_ms * 1000000u;
  memcpy(q.ip, ip, len + 1);
  n = relaymsg_request_pack(buf, sizeof buf, &q);
  if (!n) { *why = "address too long"; return -1; }
  /* a pipe is the cheapest private channel; one reply fits PIPE_BUF */
  if (pipe2(p, O_CLOEXEC | O_NONBLOCK) == -1) {
    *why = errstr(errno);
    return -1;
  }
  r = send_request(buf, n, p[1]);
  if (r == -1) *why = errno == EAGAIN ? "helper overloaded" : errstr(errno);
  close(p[1]);
  if (r == 0) r = await_reply(p[0], q.deadline, a, why);
  close(p[0]);
  return r;
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

/* the answer's variables, except those a rule set; -1 out of memory */
static int apply(const struct relaymsg_reply *a)
{
  char entry[RELAYMSG_VARSMAX];
  size_t i = 0;

  while (i < a->varslen) {
    size_t len = strlen(a->vars + i);
    char *eq;
    memcpy(entry, a->vars + i, len + 1);
    i += len + 1;
    eq = strchr(entry, '=');
    *eq = 0;
    if (childenv_fromrule(entry)) continue;
    if (childenv_sets(entry, eq + 1) == -1) return -1;
  }
  return 0;
}

int relayask_child(const char *ip, int denied)
{
  static struct relaymsg_reply a;   /* zero: static, in a fresh child */
  char pid[FMT_ULONG], sip[RELAYMSG_TEXTMAX + 1], srv[RELAYMSG_TEXTMAX + 1];
  char why[RELAYMSG_TEXTMAX + 1];
  const char *cause = "";

  fmt_ulong(pid, (unsigned long) getpid());
  clean(sip, ip, 0);
  if (denied || childenv_fromrule("RELAYCLIENT") || getenv("RELAYCLIENT")) {
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
