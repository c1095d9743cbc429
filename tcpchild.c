#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <signal.h>
#include <string.h>
#include <stdint.h>
#include <sys/uio.h>
#include <unistd.h>
#include "childenv.h"
#include "dns.h"
#include "errstr.h"
#include "fmt.h"
#include "ident.h"
#include "logfield.h"
#include "msg.h"
#include "pathexec.h"
#include "relayask.h"
#include "rules.h"
#include "tcpchild.h"

extern char **environ;

/* The connection as tcpserver sees it; NULL host/info = unknown. The
   large buffers come last: they are touched only when used. */
struct conn {
  char pid[FMT_ULONG];
  struct net_ip localip, remoteip;
  unsigned int localport, remoteport;
  char localipstr[NET_IPFMT], remoteipstr[NET_IPFMT];
  char remoteportstr[NET_PORTFMT];
  const char *localhost, *remotehost, *remoteinfo;
  int denied;
  int limitrule;           /* a rule set MAXCONNIP, MAXCONNC, MAXLOAD or DIEMSG */
  char limitwhy[LIMITS_SUFFIX];   /* deny suffix; "" = none */
  int six;                 /* PROTO=TCP6: an IPv6 client, or -6 */
  char info[IDENT_MAX + 1];
  char localname[DNSNAME_TEXTMAX], remotename[DNSNAME_TEXTMAX];
};

_Noreturn static void drop(const char *a, const char *b, const char *c,
                           const char *d)
{
  msg_warn("dropping connection, ", a, b, c, d, NULL);
  _exit(111);
}

_Noreturn static void nomem(void)
{
  drop("out of memory", NULL, NULL, NULL);
}

static void setenv_or_die(const char *name, const char *value)
{
  if (value) {
    if (childenv_sets(name, value) == -1) nomem();
  } else {
    childenv_unset(name);
  }
}

/* name and, for TCP6, its TCP6 copy (name + 3 is the part after TCP) */
static void setenv_both(const struct conn *k, const char *name,
                        const char *value)
{
  char six[32] = "TCP6";

  setenv_or_die(name, value);
  if (!k->six) return;
  memcpy(six + 4, name + 3, strlen(name + 3) + 1);
  setenv_or_die(six, value);
}

/* mapped addresses are IPv4 clients; -6 presents IPv4 mapped */
static void ip_text(const struct tcpconf *c, char *out, struct net_ip *ip)
{
  net_ip_unmap(ip);
  if (c->mapped6) net_ip_fmt6(out, ip);
  else net_ip_fmt(out, ip);
}

static void local_side(const struct tcpconf *c, struct conn *k, int t)
{
  if (net_local(t, &k->localip, &k->localport) == -1)
    drop("unable to get local address: ", errstr(errno), NULL, NULL);
  ip_text(c, k->localipstr, &k->localip);
  if (c->localname)
    k->localhost = c->localname;
  else if (dns_ptr(&k->localip, k->localname) == 1)
    k->localhost = k->localname;
  setenv_or_die("PROTO", k->six ? "TCP6" : "TCP");
  setenv_both(k, "TCPLOCALIP", k->localipstr);
  setenv_both(k, "TCPLOCALPORT", c->localport);
  setenv_both(k, "TCPLOCALHOST", k->localhost);
}

/* the interface of a peer with a scope id (link-local) */
static void interface(const struct conn *k)
{
  char name[IF_NAMESIZE];

  if (!k->six) return;
  if (k->remoteip.scope && if_indextoname(k->remoteip.scope, name))
    setenv_or_die("TCP6INTERFACE", name);
  else
    childenv_unset("TCP6INTERFACE");
}

static void remote_side(const struct tcpconf *c, struct conn *k)
{
  if (c->remotehost && dns_ptr(&k->remoteip, k->remotename) == 1)
    if (!c->paranoid || dns_ip_match(k->remotename, &k->remoteip) == 1)
      k->remotehost = k->remotename;
  setenv_both(k, "TCPREMOTEIP", k->remoteipstr);
  setenv_both(k, "TCPREMOTEPORT", k->remoteportstr);
  setenv_both(k, "TCPREMOTEHOST", k->remotehost);
  if (c->remoteinfo
      && ident_query(&k->localip, k->localport, &k->remoteip, k->remoteport,
                     c->timeout, k->info) == 1)
    k->remoteinfo = k->info;
  setenv_both(k, "TCPREMOTEINFO", k->remoteinfo);
  interface(k);
}

struct rulevars {
  int failed;
  int limitrule;
};

static void rulevar(void *arg, const char *name, size_t namelen,
                    const char *value, size_t valuelen)
{
  struct rulevars *rv = arg;

  if (childenv_setrule(name, namelen, value, valuelen) == -1) rv->failed = 1;
  if (limits_isname(name, namelen)) rv->limitrule = 1;
}

static void apply_rules(const struct tcpconf *c, struct conn *k)
{
  struct rules_result r;
  struct rulevars rv = { 0, 0 };
  int fd, found;

  fd = open(c->rules, O_RDONLY | O_CLOEXEC);
  if (fd == -1) {
    if (errno == ENOENT && c->rules_noent_ok) return;
    drop("unable to read ", c->rules, ": ", errstr(errno));
  }
  found = rules_lookup(fd, k->remoteipstr, k->remotehost, k->remoteinfo, &r);
  if (found == -1) drop("unable to read ", c->rules, ": ", errstr(errno));
  close(fd);
  if (!found) return;
  k->denied = rules_denied(r.data, r.datalen);
  rules_vars(r.data, r.datalen, rulevar, &rv);
  rules_free(&r);
  if (rv.failed) nomem();
  k->limitrule = rv.limitrule;
}

static void log_line(const struct tcpconf *c, const struct conn *k)
{
  char lh[LOGFIELD_SIZE], lip[LOGFIELD_SIZE], lp[LOGFIELD_SIZE];
  char rh[LOGFIELD_SIZE], rip[LOGFIELD_SIZE], ri[LOGFIELD_SIZE];
  char rp[LOGFIELD_SIZE];

  if (msg_verbosity() < 2) return;
  logfield(lh, k->localhost);
  logfield_ip(lip, k->localipstr);
  logfield(lp, c->localport);
  logfield(rh, k->remotehost);
  logfield_ip(rip, k->remoteipstr);
  logfield(ri, k->remoteinfo);
  logfield(rp, k->remoteportstr);
  msg_line(2, k->denied ? "deny " : "ok ", k->pid, " ", lh, ":", lip, ":",
           lp, " ", rh, ":", rip, ":", ri, ":", rp, k->limitwhy, NULL);
}

/* MAXCONNIP, MAXCONNC, MAXLOAD: a refused connection stops counting
   before the client can see anything, gets DIEMSG CRLF and is closed at
   once; a plain rule deny never comes here (0.88's bytes) */
static void limit_check(const struct tcpconf *c, struct conn *k, int t)
{
  const char *die;
  struct iovec v[2];

  if (k->denied || (!limits_any(c->limits) && !k->limitrule)) return;
  if (!limits_decide(c->limits, k->limitrule, c->seen, k->remoteipstr,
                     k->limitwhy, &die))
    return;
  connlimit_refused(getpid());
  k->denied = 1;
  log_line(c, k);
  if (die) {
    v[0].iov_base = (void *) (uintptr_t) die;   /* writev only reads it */
    v[0].iov_len = strlen(die);
    v[1].iov_base = (char *) "\r\n";
    v[1].iov_len = 2;
    (void) writev(t, v, 2);   /* a client already gone is refused all the same */
  }
  _exit(100);
}

static void descriptors(const struct tcpconf *c, int t)
{
  int fail = 0;

  if (t != 0) {
    fail = dup2(t, 0) == -1;
    if (!fail) close(t);
  } else {
    fail = fcntl(0, F_SETFD, 0) == -1;
  }
  if (!fail) fail = dup2(0, 1) == -1;
  if (fail) drop("unable to set up descriptors: ", errstr(errno), NULL, NULL);
  if (c->listenfd != 0 && c->listenfd != 1) close(c->listenfd);
}

static void signals_default(void)
{
  struct sigaction sa;
  sigset_t set;

  memset(&sa, 0, sizeof sa);
  sa.sa_handler = SIG_DFL;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGCHLD, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGPIPE, &sa, NULL);
  sigemptyset(&set);
  sigaddset(&set, SIGCHLD);
  sigprocmask(SIG_UNBLOCK, &set, NULL);
}

_Noreturn void tcpchild_run(const struct tcpconf *c, int t,
                            const struct net_ip *remote,
                            unsigned int remoteport)
{
  /* zero: static, and only this fresh child ever writes it */
  static struct conn k;

  fmt_ulong(k.pid, (unsigned long) getpid());
  k.remoteip = *remote;
  k.remoteport = remoteport;
  ip_text(c, k.remoteipstr, &k.remoteip);
  k.six = c->mapped6 || k.remoteip.family == AF_INET6;
  net_port_fmt(k.remoteportstr, remoteport);
  msg_line(2, "pid ", k.pid, " from ", k.remoteipstr, NULL);
  if (c->killopts) net_kill_ipopts(t);
  if (c->nodelay) net_nodelay(t);
  if (c->banner && *c->banner
      && net_write_all(t, c->banner, strlen(c->banner)) == -1)
    drop("unable to print banner: ", errstr(errno), NULL, NULL);
  if (childenv_init(environ) == -1) nomem();
  local_side(c, &k, t);
  remote_side(c, &k);
  if (c->rules) apply_rules(c, &k);
  if (c->limits) limit_check(c, &k, t);
  /* -S: relay lookup */
  if (c->sqlrelay) relayask_child(k.remoteipstr, k.denied);
  /* in scope: k.denied, childenv_fromrule("RELAYCLIENT"), k.remoteipstr,
     k.pid; set variables with childenv_set */
  log_line(c, &k);
  if (k.denied) _exit(100);
  descriptors(c, t);
  signals_default();
  pathexec_run(c->argv[0], c->argv, childenv_get(), c->path);
  drop("unable to run ", c->argv[0], ": ", errstr(errno));
}
