/* relaydrive: tcpserver -S's side of the helper, without the network, so
 * that addresses tcpserver cannot accept yet (IPv6) reach sqlrelayd as a
 * connection's TCPREMOTEIP would.
 *
 *   relaydrive ADDR...
 *
 * Starts sqlrelayd (the sqlrelayd next to this program: copy it beside
 * one, as tests do; control file as tcpserver -S finds it), then forks one
 * child per ADDR, all at once, each asking as a connection child does
 * (relayask_child, after no rules). Each child prints one line
 * `ADDR relay|norelay|error|skipped` to stdout; the `sql ...` log lines
 * go to stderr (-v). Exits 0 once every child has ended, 111 if the
 * helper cannot be started. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "childenv.h"
#include "msg.h"
#include "relayask.h"

extern char **environ;

static _Noreturn void child(const char *ip)
{
  const char *what;
  char line[128];
  int r, n;

  if (childenv_init(environ) == -1) _exit(111);
  r = relayask_child(ip, 0);
  what = r == 1 ? "relay" : r == 0 ? "norelay" : r == RELAYASK_SKIPPED ? "skipped" : "error";
  n = snprintf(line, sizeof line, "%s %s\n", ip, what);
  if (n > 0 && write(1, line, (size_t) n) != n) _exit(111);
  _exit(0);
}

int main(int argc, char **argv)
{
  sigset_t chld;
  pid_t pid;
  int i, status, left = argc - 1;

  msg_init("relaydrive");
  msg_setverbosity(2);
  if (argc < 2) msg_usage("relaydrive ADDR ...");
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, NULL);
  if (relayask_start((unsigned long) argc) == -1)
    msg_fatal(111, "unable to start the helper", (char *) 0);
  for (i = 1; i < argc; ++i) {
    relayask_prefork();
    pid = fork();
    if (pid == 0) child(argv[i]);
    relayask_forked(pid);
    if (pid == -1) msg_fatal(111, "unable to fork", (char *) 0);
  }
  while (left > 0) {
    pid = wait(&status);
    if (pid == -1 && errno == EINTR) continue;
    if (pid == -1) msg_fatal(111, "children lost", (char *) 0);
    if (relayask_reap(pid, status)) msg_warn("the helper ended", (char *) 0);
    else --left;
  }
  return 0;
}
