#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "deadline.h"

static long long now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* reads fd into out until EOF or the deadline: 1 EOF, 0 late */
static int collect(int fd, long long end, char *out, size_t n)
{
  size_t have = 0;
  char junk[256];

  for (;;) {
    struct pollfd p = { fd, POLLIN, 0 };
    long long left = end - now_ms();
    ssize_t r;
    if (left <= 0) return 0;
    if (poll(&p, 1, (int) (left > 60000 ? 60000 : left)) < 0) {
      if (errno == EINTR) continue;
      return 0;
    }
    if (!p.revents) continue;
    if (have + 1 < n) r = read(fd, out + have, n - 1 - have);
    else r = read(fd, junk, sizeof junk);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return 1;
    if (have + 1 < n) { have += (size_t) r; out[have] = 0; }
  }
}

int deadline_run(unsigned long ms, int (*fn)(void *arg, int fd), void *arg,
                 char *out, size_t n)
{
  struct sigaction dfl, oldchld, oldpipe;
  long long end = now_ms() + (long long) ms;
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
    sigaction(SIGPIPE, &dfl, &oldpipe);
    _exit(fn(arg, p[1]) & 255);
  }
  close(p[1]);
  intime = collect(p[0], end, out, n);
  close(p[0]);
  if (!intime) kill(pid, SIGKILL);
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
  sigaction(SIGCHLD, &oldchld, NULL);
  if (!intime) return DEADLINE_LATE;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 255;
}
