#ifndef DEADLINE_H
#define DEADLINE_H

#include <stddef.h>
#include <time.h>

/* Work that must not take longer than a deadline, whatever it waits for
   (a hung database server): fn(arg, fd) runs in a child process and
   writes its report to fd; the parent keeps the report and kills the
   child when the time is up. The parent's descriptors and signal
   dispositions are as before when it returns. */

#define DEADLINE_LATE (-1)   /* killed at the deadline */
#define DEADLINE_NOFORK (-2) /* could not start (errno) */

/* deadline: a CLOCK_MONOTONIC time (net_deadline). The child's exit code
   (0-255), DEADLINE_LATE or DEADLINE_NOFORK; out holds the report (what
   fits of n - 1 bytes), NUL-terminated. */
int deadline_run(const struct timespec *deadline, int (*fn)(void *arg, int fd),
                 void *arg, char *out, size_t n);

#endif
