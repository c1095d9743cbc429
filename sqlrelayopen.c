#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "deadline.h"
#include "errstr.h"
#include "msg.h"
#include "net.h"
#include "pathexec.h"
#include "relayip.h"
#include "sqlconf.h"
#include "sqlrelay.h"

/* sqlrelayopen [program [arg ...]]: after a successful POP/IMAP login,
   record the client's address in the relay table (the writers' control
   file), then run program. Never costs the login: a problem is one
   warning line on stderr and the program still runs. */

extern char **environ;

static struct sqlconf conf;
static char problem[300];
static char addr[NET_IPFMT];

static void report(void *arg, const char *p)
{
  (void) arg;
  if (!problem[0]) snprintf(problem, sizeof problem, "%s", p);
}

/* printable, at most 64 bytes: for quoting the environment */
static void shown(char *out, size_t n, const char *s)
{
  size_t i;
  for (i = 0; s[i] && i + 1 < n && i < 64; ++i)
    out[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
  out[i] = 0;
}

/* the child: "try SERVER" before each server, "fail SERVER: why" after
   each failure, "stop why" when no other server would help; exit 0 only
   when the row was written */
static int write_row(void *arg, int fd)
{
  struct sqlrelay *r;
  struct sqlrelay_answer a;
  size_t i;
  (void) arg;

  if (sqlrelay_init() < 0 || !(r = sqlrelay_new(&conf))) {
    dprintf(fd, "stop cannot start the database client: %s\n", errstr(errno));
    return 1;
  }
  for (i = 0; i < conf.nservers; ++i) {
    dprintf(fd, "try %s\n", conf.server[i]);
    switch (sqlrelay_write(r, i, addr, &a)) {
    case 1: return 0;
    case 0: dprintf(fd, "stop %s\n", a.why); return 1;
    default: dprintf(fd, "fail server %s: %s\n", a.server, a.why);
    }
  }
  return 1;
}

/* the warning line from the child's report */
static void explain(char *out, size_t n, const char *rep, unsigned long secs, int late)
{
  const char *s, *e, *trying = NULL;
  size_t used = 0;

  out[0] = 0;
  for (s = rep; *s; s = *e ? e + 1 : e) {
    e = strchr(s, '\n');
    if (!e) e = s + strlen(s);
    if (!strncmp(s, "try ", 4)) { trying = s + 4; continue; }
    if (!strncmp(s, "fail ", 5)) { s += 5; trying = NULL; }
    else if (!strncmp(s, "stop ", 5)) s += 5;
    else continue;
    used += (size_t) snprintf(out + used, used < n ? n - used : 0, "%s%.*s",
                              used ? "; " : "", (int) (e - s), s);
    if (used >= n) return;
  }
  if (late && trying)
    snprintf(out + used, used < n ? n - used : 0, "%sserver %.*s: no answer within %lu s",
             used ? "; " : "", (int) strcspn(trying, "\n"), trying, secs);
  else if (late)
    snprintf(out + used, used < n ? n - used : 0, "%sno answer within %lu s",
             used ? "; " : "", secs);
}

/* 1 written, 0 not (one warning line said why) */
static int record(void)
{
  const char *var = "TCPREMOTEIP", *text = getenv(var), *path;
  char rep[2048], why[1024], show[80];
  struct timespec end;
  unsigned long budget;
  int rc, loaded;

  if (!text || !*text) text = getenv(var = "IP");   /* empty is unset */
  if (!text || !*text) { msg_warn("no client address: neither TCPREMOTEIP nor IP is set: not recorded", NULL); return 0; }
  if (!relayip_normalise(text, addr)) {
    shown(show, sizeof show, text);
    msg_warn("not an IP address: ", var, "=", show, ": not recorded", NULL);
    return 0;
  }
  path = sqlconf_writepath();
  loaded = sqlconf_load(&conf, path, report, NULL);
  if (loaded < 0) {
    msg_warn(addr, " not recorded: unable to read ", path, ": ", errstr(errno), NULL);
    return 0;
  }
  if (loaded == 0) {
    msg_warn(addr, " not recorded: ", path, ": ", problem, NULL);
    return 0;
  }
  budget = (conf.connect_timeout > conf.read_timeout ? conf.connect_timeout
            : conf.read_timeout) + 1;
  net_deadline(&end, budget);
  rc = deadline_run(&end, write_row, NULL, rep, sizeof rep);
  if (rc == 0) return 1;
  if (rc == DEADLINE_NOFORK) {
    msg_warn(addr, " not recorded: unable to fork: ", errstr(errno), NULL);
    return 0;
  }
  explain(why, sizeof why, rep, budget, rc == DEADLINE_LATE);
  msg_warn(addr, " not recorded: ", why[0] ? why : "unknown error", NULL);
  return 0;
}

int main(int argc, char **argv)
{
  struct sigaction ign, oldpipe;
  int ok = 0;

  msg_init("sqlrelayopen");
  (void) argc;
  /* a closed log pipe must not kill the login: SIGPIPE ignored while we
     work, the program gets the disposition we were given */
  memset(&ign, 0, sizeof ign);
  ign.sa_handler = SIG_IGN;
  sigemptyset(&ign.sa_mask);
  sigaction(SIGPIPE, &ign, &oldpipe);
  if (!relayip_courier_failed(getenv("AUTHUSER"), getenv("AUTHARGV0"),
                              getenv("AUTHENTICATED")))
    ok = record();
  sqlconf_free(&conf);
  sigaction(SIGPIPE, &oldpipe, NULL);
  if (!argv[1]) return ok ? 0 : 111;
  pathexec_run(argv[1], argv + 1, environ, getenv("PATH"));
  msg_fatal(111, "unable to run ", argv[1], ": ", errstr(errno), NULL);
}
