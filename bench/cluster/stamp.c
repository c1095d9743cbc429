/* bench/cluster/stamp.c: copies stdin to stdout, each line prefixed with
   the CLOCK_REALTIME seconds at which it was read ("%.6f "), so that
   tcpserver's log lines (which carry no time) can be set against the
   moment the primary was killed. Output is flushed at EOF. */
#include <stdio.h>
#include <string.h>
#include <time.h>

int main(void)
{
  char line[4096];
  int start = 1;

  setvbuf(stdout, NULL, _IOLBF, 0);

  while (fgets(line, sizeof line, stdin)) {
    if (start) {
      struct timespec ts;
      clock_gettime(CLOCK_REALTIME, &ts);
      printf("%lld.%06ld ", (long long)ts.tv_sec, ts.tv_nsec / 1000);
    }
    fputs(line, stdout);
    start = strchr(line, '\n') != NULL;
  }
  return 0;
}
