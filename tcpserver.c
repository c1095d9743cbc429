#include <errno.h>
#include <grp.h>
#include <net/if.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include "childenv.h"
#include "connlimit.h"
#include "dns.h"
#include "errstr.h"
#include "fmt.h"
#include "iplimits.h"
#include "logfield.h"
#include "msg.h"
#include "net.h"
#include "relayask.h"
#include "scan.h"
#include "sgetopt.h"
#include "tcpchild.h"

extern char **environ;

/* 0.88's, byte for byte: -4, -6 and -I are in the man page (a run
   script that never uses them sees nothing change) */
static const char usage[] =
  "tcpserver [ -1UXpPhHrRoOdDqQv ] [ -c limit ] [ -x rules.cdb ]"
  " [ -B banner ] [ -g gid ] [ -u uid ] [ -b backlog ] [ -l localname ]"
  " [ -t timeout ] host port program";

static struct tcpconf conf = {
  .banner = "", .remotehost = 1, .remoteinfo = 1, .timeout = 26,
  .killopts = 1, .listenfd = -1,
};
static unsigned long limit = 40, backlog = 20, uid, gid;
static int printport, verbosity = 1, only4;
static const char *ifname;   /* -I */
static volatile unsigned long numchildren;
static struct limits limits;
static struct connlimit_seen seen;   /* the counts a new child inherits */
static int counting;                 /* a limit can apply: keep the counts */

/* For -S: called by the SIGCHLD reaper first; 1 means pid was not a
   connection child (no end line, no count change). */
static int (*reap_hook)(pid_t pid, int status);

static void printstatus(void)
{
  char n[FMT_ULONG], l[FMT_ULONG];

  if (msg_verbosity() < 2) return;
  fmt_ulong(n, numchildren);
  fmt_ulong(l, limit);
  msg_line(2, "status: ", n, "/", l, NULL);
}

/* Runs only while the main flow sits in accept() or sigsuspend(). */
static void sigchld(int sig)
{
  char p[FMT_ULONG], s[FMT_ULONG];
  int e = errno, wstat;
  pid_t pid;

  (void) sig;
  if (counting) connlimit_drain();
  while ((pid = waitpid(-1, &wstat, WNOHANG)) > 0) {
    if (counting) connlimit_close(pid);
    if (reap_hook && reap_hook(pid, wstat) == 1) continue;
    fmt_ulong(p, (unsigned long) pid);
    fmt_ulong(s, (unsigned) wstat);
    msg_line(2, "end ", p, " status ", s, NULL);
    if (numchildren) --numchildren;
    printstatus();
  }
  errno = e;
}

static void sigterm(int sig)
{
  (void) sig;
  _exit(0);
}

static void ulongopt(const char *s, unsigned long *u)
{
  scan_ulong(s, u);
}

static void option_U(void)
{
  const char *x;

  if ((x = getenv("UID"))) ulongopt(x, &uid);
  if ((x = getenv("GID"))) ulongopt(x, &gid);
}

static void option(int opt, const char *arg)
{
  switch (opt) {
    case 'c': ulongopt(arg, &limit); break;
    case 'X': conf.rules_noent_ok = 1; break;
    case 'x': conf.rules = arg; break;
    case 'B': conf.banner = arg; break;
    case 'u': ulongopt(arg, &uid); break;
    case 'g': ulongopt(arg, &gid); break;
    case 'U': option_U(); break;
    case '1': printport = 1; break;
    case 'l': conf.localname = arg; break;
    case 'b': ulongopt(arg, &backlog); break;
    case 't': ulongopt(arg, &conf.timeout); break;
    case 'h': conf.remotehost = 1; break;
    case 'H': conf.remotehost = 0; break;
    case 'p': conf.paranoid = 1; break;
    case 'P': conf.paranoid = 0; break;
    case 'r': conf.remoteinfo = 1; break;
    case 'R': conf.remoteinfo = 0; break;
    case 'o': conf.killopts = 0; break;
    case 'O': conf.killopts = 1; break;
    case 'd': conf.nodelay = 0; break;
    case 'D': conf.nodelay = 1; break;
    case 'q': verbosity = 0; break;
    case 'Q': verbosity = 1; break;
    case 'v': verbosity = 2; break;
    case 'S': conf.sqlrelay = 1; break;
    case '4': only4 = 1; break;
    case '6': conf.mapped6 = 1; break;
    case 'I': ifname = arg; break;
    default: msg_usage(usage);
  }
}

static char **parse_options(int argc, char **argv)
{
  struct sgetopt g;
  int opt;

  sgetopt_init(&g);
  while ((opt = sgetopt(&g, argc, argv, "dDvqQhHrR1UXx:t:u:g:l:b:B:c:pPoOS46I:"))
         != SGETOPT_END)
    option(opt, g.arg);
  msg_setverbosity(verbosity);
  return argv + (g.ind < argc ? g.ind : argc);
}

static void signals_catch(void)
{
  struct sigaction sa;
  sigset_t set;

  sigemptyset(&set);
  sigaddset(&set, SIGCHLD);
  sigprocmask(SIG_BLOCK, &set, NULL);
  memset(&sa, 0, sizeof sa);
  sigemptyset(&sa.sa_mask);
  sa.sa_handler = sigchld;
  sigaction(SIGCHLD, &sa, NULL);
  sa.sa_handler = sigterm;
  sigaction(SIGTERM, &sa, NULL);
  sa.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &sa, NULL);
}

_Noreturn static void nohost(const char *host, const char *why)
{
  msg_fatal(111, "no IP address for ", host, why, NULL);
}

/* An IPv6 literal (brackets allowed): the text inet_pton takes, no
   network, no scope id (that is -I). A mapped address is IPv4. */
static void host6(const char *host, struct net_ip *ip)
{
  char buf[NET_IPFMT + 2];
  size_t n = strlen(host);

  if (strchr(host, '%')) nohost(host, ": give the scope id with -I");
  if (strchr(host, '/')) nohost(host, ": an address, not a network");
  if (n > 2 && host[0] == '[' && host[n - 1] == ']') {
    host++;
    n -= 2;
  }
  if (n >= sizeof buf) nohost(host, ": not an IPv6 address");
  memcpy(buf, host, n);
  buf[n] = 0;
  if (!net_ip6_scan(buf, ip)) nohost(host, ": not an IPv6 address");
  net_ip_unmap(ip);
}

/* *dual: one IPv6 socket for both families (:: or, with -6, 0) */
static void resolve_host(const char *host, struct net_ip *ip, int *dual)
{
  int r = 1;

  *dual = 0;
  if (!strcmp(host, "0") || !*host) {
    net_ip4(ip, 0, 0, 0, 0);
    if (!conf.mapped6 || only4) return;
    memset(ip, 0, sizeof *ip);
    ip->family = AF_INET6;
  } else if (strchr(host, ':')) {
    host6(host, ip);
  } else if (net_isnumeric(host)) {
    r = net_ip4_scan(host, ip);
  } else {
    r = dns_ip4(host, ip);
    if (r == 0 && !only4) r = dns_ip6(host, ip);   /* AAAA only */
  }
  if (r == -1)
    msg_fatal(111, "temporarily unable to figure out IP address for ", host,
              ": ", errstr(errno), NULL);
  if (r == 0) nohost(host, "");
  if (ip->family != AF_INET6) return;
  if (only4)
    msg_fatal(111, "unable to bind: ", errstr(EAFNOSUPPORT), NULL);
  *dual = net_ip6_isany(ip);
  if (ifname) ip->scope = if_nametoindex(ifname);
}

static int listen_on(const struct net_ip *ip, int dual, unsigned int port)
{
  struct net_ip local;
  unsigned int lport;
  int s;

  s = net_socket(ip, dual);
  if (s == -1) msg_fatal(111, "unable to create socket: ", errstr(errno), NULL);
  if (net_bind(s, ip, port) == -1)
    msg_fatal(111, "unable to bind: ", errstr(errno), NULL);
  if (net_local(s, &local, &lport) == -1)
    msg_fatal(111, "unable to get local address: ", errstr(errno), NULL);
  if (net_listen(s, (int) backlog) == -1)
    msg_fatal(111, "unable to listen: ", errstr(errno), NULL);
  net_port_fmt(conf.localport, lport);
  return s;
}

static void drop_privileges(void)
{
  if (gid) {
    gid_t g = (gid_t) gid;
    if (setgroups(1, &g) == -1 || setgid(g) == -1)
      msg_fatal(111, "unable to set gid: ", errstr(errno), NULL);
  }
  if (uid && setuid((uid_t) uid) == -1)
    msg_fatal(111, "unable to set uid: ", errstr(errno), NULL);
}

static void print_port(void)
{
  size_t n = strlen(conf.localport);

  conf.localport[n] = '\n';
  net_write_all(1, conf.localport, n + 1);
  conf.localport[n] = '\0';
  close(1);
}

static void serve(int s)
{
  sigset_t empty, chld;
  struct net_ip ip;
  unsigned int port;
  pid_t pid;
  int t;

  sigemptyset(&empty);
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  for (;;) {
    while (numchildren >= limit) sigsuspend(&empty);
    sigprocmask(SIG_UNBLOCK, &chld, NULL);
    t = net_accept(s, &ip, &port);
    sigprocmask(SIG_BLOCK, &chld, NULL);
    if (t == -1) continue;
    if (conf.sqlrelay) relayask_poll();
    if (counting) {
      connlimit_drain();
      connlimit_open(&ip, &seen);
    }
    ++numchildren;
    printstatus();
    if (conf.sqlrelay) relayask_prefork();
    pid = _Fork();   /* no atfork work: the parent is single-threaded */
    if (pid == 0) tcpchild_run(&conf, t, &ip, port);
    if (conf.sqlrelay) relayask_forked(pid);
    if (counting) connlimit_bind(pid);
    if (pid == -1) {
      msg_warn("dropping connection, unable to fork: ", errstr(errno), NULL);
      --numchildren;
      printstatus();
    }
    close(t);
  }
}

/* MAXCONNIP, MAXCONNC, MAXLOAD, DIEMSG: without them (and without -x,
   where a rule could set them) nothing is counted */
static void limits_start(void)
{
  char v[LOGFIELD_SIZE];
  const char *bad;

  if (limits_env(&limits, &bad) == -1) {
    logfield(v, getenv(bad));
    msg_fatal(111, "bad ", bad, " value: \"", v, "\" is not a decimal number",
              NULL);
  }
  if (!limits_any(&limits) && !conf.rules) return;
  if (connlimit_init(limit) == -1 || connlimit_share() == -1)
    msg_fatal(111, "out of memory", NULL);
  counting = 1;
  conf.limits = &limits;
  conf.seen = &seen;
}

int main(int argc, char **argv)
{
  struct net_ip ip;
  unsigned int port;
  const char *host;
  int dual;

  msg_init("tcpserver");
  argv = parse_options(argc, argv);
  if (!(host = *argv++)) msg_usage(usage);
  if (!*argv) msg_usage(usage);
  if (!net_port_scan(*argv, &port))
    msg_fatal(111, "unable to figure out port number for ", *argv, NULL);
  if (!*++argv) msg_usage(usage);
  conf.argv = argv;
  conf.path = getenv("PATH");
  limits_start();
  /* the table sized here is inherited: children need not set up a heap */
  if (childenv_init(environ) == -1) msg_fatal(111, "out of memory", NULL);
  signals_catch();
  if (ifname && !if_nametoindex(ifname))
    msg_fatal(111, "unable to figure out interface index for ", ifname, ": ",
              errstr(errno), NULL);
  resolve_host(host, &ip, &dual);
  conf.listenfd = listen_on(&ip, dual, port);
  drop_privileges();
  if (printport) print_port();
  /* -S: start lookup helper */
  if (conf.sqlrelay) {
    reap_hook = relayask_reap;
    if (relayask_start(limit) == -1)
      msg_warn("sql: unable to start the lookup helper: ", errstr(errno), NULL);
  }
  if (conf.listenfd != 0) close(0);
  if (conf.listenfd != 1) close(1);
  printstatus();
  serve(conf.listenfd);
  return 111;
}
