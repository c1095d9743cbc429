/* tests/load/loadchild.c: the program tcpserver runs in suite-70-load.
 *
 *   loadchild [-s ms] [-b bytes]
 *
 * Sleeps ms milliseconds (default 0), then writes one line listing its
 * open descriptors, "fds 0 1 2" when it inherited exactly 0, 1 and 2, so
 * a load client expecting that line checks every child. With -b it then
 * writes that many bytes of 'x' and "\nend\n" (a client can check it got
 * the whole output). Exits 0 when everything was written, else 1. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int cmp_int(const void *a, const void *b)
{
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

static int put(const char *s, size_t n)
{
  while (n) {
    ssize_t w = write(1, s, n);
    if (w <= 0) return -1;
    s += w; n -= (size_t)w;
  }
  return 0;
}

/* "fds 0 1 2\n": the open descriptors, ascending; "fds ?\n" without /proc */
static size_t fdline(char *out, size_t size)
{
  int fds[64], n = 0, i;
  size_t len;
  struct dirent *e;
  DIR *d = opendir("/proc/self/fd");

  if (!d) return (size_t)snprintf(out, size, "fds ?\n");
  while ((e = readdir(d)))
    if (e->d_name[0] != '.' && atoi(e->d_name) != dirfd(d) && n < 64)
      fds[n++] = atoi(e->d_name);
  closedir(d);
  qsort(fds, (size_t)n, sizeof *fds, cmp_int);
  len = (size_t)snprintf(out, size, "fds");
  for (i = 0; i < n && len < size - 16; i++)
    len += (size_t)snprintf(out + len, size - len, " %d", fds[i]);
  len += (size_t)snprintf(out + len, size - len, "\n");
  return len;
}

int main(int argc, char **argv)
{
  char line[512], chunk[8192];
  unsigned long ms = 0, bytes = 0;
  int opt;

  while ((opt = getopt(argc, argv, "s:b:")) != -1) {
    if (opt == 's') ms = strtoul(optarg, 0, 10);
    else if (opt == 'b') bytes = strtoul(optarg, 0, 10);
    else return 100;
  }
  if (ms) {
    struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) == -1) {}
  }
  if (put(line, fdline(line, sizeof line)) == -1) return 1;
  if (!bytes) return 0;
  memset(chunk, 'x', sizeof chunk);
  while (bytes) {
    size_t n = bytes < sizeof chunk ? (size_t)bytes : sizeof chunk;
    if (put(chunk, n) == -1) return 1;
    bytes -= n;
  }
  return put("\nend\n", 5) == -1;
}
