#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "deadline.h"
#include "net.h"

/* reads fd into out until EOF (1) or the deadline (0; also on any read
   error: the caller then kills the child rather than wait for it) */
static int collect(int fd, const struct timespec *deadline, char *out, size_t n)
{
  size_t have = 0;
  char junk[256];

  for (;;) {
    long r = have + 1 < n ? net_read_deadline(fd, out + have, n - 1 - have, deadline)
                          : net_read_deadline(fd, junk, sizeof junk, deadline);
    if (r < 0) return 0;
    if (r == 0) return 1;
    if (have + 1 < n) { have += (size_t) r; out[have] = 0; }
  }
}

int deadline_run(const struct timespec *deadline, int (*fn)(void *arg, int fd),
                 void *arg, char *out, size_t n)
{
  struct sigaction dfl, oldchld;
  int p[2], st, intime, e;
  pid_t pid;

  if (n) out[0] = 0;
  if (pipe2(p, O_CLOEXEC) < 0) return DEADLINE_NOFORK;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(SIGCHLD, &dfl, &oldchld);   /* an inherited SIG_IGN reaps it */
  pid = fork();
  if (pid < 0) {
    e = errno;
    close(p[0]); close(p[1]);
    sigaction(SIGCHLD, &oldchld, NULL);
    errno = e;
    return DEADLINE_NOFORK;
  }
  if (pid == 0) {
    close(p[0]);
    sigaction(SIGPIPE, &dfl, NULL);
    _exit(fn(arg, p[1]) & 255);
  }
  close(p[1]);
  intime = collect(p[0], deadline, out, n);
  close(p[0]);
  if (!intime) kill(pid, SIGKILL);
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
  sigaction(SIGCHLD, &oldchld, NULL);
  if (!intime) return DEADLINE_LATE;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 255;
}
