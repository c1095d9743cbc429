/* childprobe: the program tcpserver runs in the tests. Prints to stdout
 * (the connection) what the child inherited, then exits.
 *
 *   childprobe [-AEFIOS] [-r] [-w] [-x code] [-k signal] [-m ms] [--] [NAME...]
 *
 * -A argv   -E environment (default when no section is chosen)
 * -F open descriptors   -I uid/gid/groups   -O socket options on fd 0
 * -S signal dispositions and mask
 * -r read stdin to EOF, then print the byte count (keeps the child alive
 *    until the client shuts down its side)
 * -w write a line to stderr   -m sleep ms before exiting
 * -x exit with code   -k kill itself with signal
 * NAME... print only these variables (`NAME unset` when absent).
 * Every byte outside 0x20..0x7e (and backslash) is printed as \xHH. */
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static void put_escaped(const char *s)
{
  const unsigned char *p = (const unsigned char *)s;
  for (; *p; p++) {
    if (*p < 0x20 || *p > 0x7e || *p == '\\') printf("\\x%02x", *p);
    else putchar(*p);
  }
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void print_env(char **names, int nnames)
{
  size_t n = 0, i;
  char **v;
  int k;
  if (nnames > 0) {
    for (k = 0; k < nnames; k++) {
      const char *val = getenv(names[k]);
      put_escaped(names[k]);
      if (val) { putchar('='); put_escaped(val); putchar('\n'); }
      else printf(" unset\n");
    }
    return;
  }
  while (environ[n]) n++;
  v = malloc((n + 1) * sizeof *v);
  if (!v) exit(99);
  for (i = 0; i < n; i++) v[i] = environ[i];
  qsort(v, n, sizeof *v, cmp_str);
  for (i = 0; i < n; i++) { printf("env "); put_escaped(v[i]); putchar('\n'); }
  free(v);
}

static void print_fds(void)
{
  DIR *d = opendir("/proc/self/fd");
  struct dirent *e;
  int fds[256], n = 0, i, self;
  if (!d) { printf("fds: cannot open /proc/self/fd\n"); return; }
  self = dirfd(d);
  while ((e = readdir(d)) && n < 256) {
    char *end;
    long fd = strtol(e->d_name, &end, 10);
    if (*e->d_name == '.' || *end || fd == self) continue;
    fds[n++] = (int)fd;
  }
  closedir(d);
  for (i = 0; i < n; i++)
    for (int j = i + 1; j < n; j++)
      if (fds[j] < fds[i]) { int t = fds[i]; fds[i] = fds[j]; fds[j] = t; }
  for (i = 0; i < n; i++) {
    char path[64], target[PATH_MAX];
    struct stat st, st0;
    ssize_t len;
    snprintf(path, sizeof path, "/proc/self/fd/%d", fds[i]);
    len = readlink(path, target, sizeof target - 1);
    if (len < 0) len = 0;
    target[len] = 0;
    printf("fd %d: ", fds[i]);
    if (fstat(fds[i], &st) == 0 && S_ISSOCK(st.st_mode)) {
      int type = 0, listening = 0;
      socklen_t sl = sizeof type;
      getsockopt(fds[i], SOL_SOCKET, SO_TYPE, &type, &sl);
      sl = sizeof listening;
      getsockopt(fds[i], SOL_SOCKET, SO_ACCEPTCONN, &listening, &sl);
      printf("socket%s%s", type == SOCK_STREAM ? " stream" : "",
             listening ? " listening" : "");
      if (fds[i] != 0 && fstat(0, &st0) == 0 && st0.st_ino == st.st_ino
          && st0.st_dev == st.st_dev)
        printf(" (same as fd 0)");
    } else {
      put_escaped(target);
    }
    putchar('\n');
  }
}

static void print_ids(void)
{
  gid_t g[64];
  int n = getgroups(64, g), i;
  printf("uid %u euid %u gid %u egid %u groups", (unsigned)getuid(),
         (unsigned)geteuid(), (unsigned)getgid(), (unsigned)getegid());
  for (i = 0; i < n; i++) printf(" %u", (unsigned)g[i]);
  putchar('\n');
}

static void print_sockopts(void)
{
  int v = -1;
  socklen_t sl = sizeof v;
  char opts[64];
  if (getsockopt(0, IPPROTO_TCP, TCP_NODELAY, &v, &sl) == 0)
    printf("fd 0 TCP_NODELAY %d\n", v != 0);
  else printf("fd 0 TCP_NODELAY error\n");
  sl = sizeof opts;
  if (getsockopt(0, IPPROTO_IP, IP_OPTIONS, opts, &sl) == 0)
    printf("fd 0 IP_OPTIONS length %u\n", (unsigned)sl);
  else printf("fd 0 IP_OPTIONS error\n");
}

static void print_signals(void)
{
  static const struct { int sig; const char *name; } sigs[] = {
    { SIGHUP, "HUP" }, { SIGINT, "INT" }, { SIGPIPE, "PIPE" },
    { SIGTERM, "TERM" }, { SIGCHLD, "CHLD" }, { SIGALRM, "ALRM" },
  };
  sigset_t mask;
  size_t i;
  sigprocmask(SIG_BLOCK, NULL, &mask);
  for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
    struct sigaction sa;
    sigaction(sigs[i].sig, NULL, &sa);
    printf("signal %s %s%s\n", sigs[i].name,
           sa.sa_handler == SIG_IGN ? "ignored" :
           sa.sa_handler == SIG_DFL ? "default" : "caught",
           sigismember(&mask, sigs[i].sig) ? " blocked" : "");
  }
}

static void read_stdin(void)
{
  char buf[4096];
  unsigned long total = 0;
  for (;;) {
    ssize_t r = read(0, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    total += (unsigned long)r;
  }
  printf("stdin %lu bytes then EOF\n", total);
}

int main(int argc, char **argv)
{
  int opt, any = 0, fA = 0, fE = 0, fF = 0, fI = 0, fO = 0, fS = 0;
  int fr = 0, fw = 0, code = 0, sig = 0;
  long ms = 0;
  while ((opt = getopt(argc, argv, "+AEFIOSrwx:k:m:")) != -1) {
    switch (opt) {
      case 'A': fA = any = 1; break;
      case 'E': fE = any = 1; break;
      case 'F': fF = any = 1; break;
      case 'I': fI = any = 1; break;
      case 'O': fO = any = 1; break;
      case 'S': fS = any = 1; break;
      case 'r': fr = 1; break;
      case 'w': fw = 1; break;
      case 'x': code = atoi(optarg); break;
      case 'k': sig = atoi(optarg); break;
      case 'm': ms = atol(optarg); break;
      default: return 98;
    }
  }
  if (!any || optind < argc) fE = 1;
  if (fA) {
    int i;
    printf("argc %d", argc);
    for (i = 0; i < argc; i++) { printf(" ["); put_escaped(argv[i]); printf("]"); }
    putchar('\n');
  }
  if (fE) print_env(argv + optind, argc - optind);
  if (fF) print_fds();
  if (fI) print_ids();
  if (fO) print_sockopts();
  if (fS) print_signals();
  fflush(stdout);
  if (fw) fprintf(stderr, "childprobe: stderr line\n");
  if (fr) { read_stdin(); fflush(stdout); }
  if (ms > 0) {
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
  }
  if (sig) { fflush(NULL); signal(sig, SIG_DFL); raise(sig); }
  return code;
}
