#ifndef MSG_H
#define MSG_H

#include <stddef.h>

#if defined(__GNUC__)
#define MSG_SENTINEL __attribute__((sentinel))
#else
#define MSG_SENTINEL
#endif

/* Program messages on fd 2. Each line is sent with one write(2), so lines
   of concurrent processes never interleave; lines longer than MSG_BUFSIZE
   are truncated. Argument lists are strings ended by a NULL pointer. */
#define MSG_BUFSIZE 4096

void msg_init(const char *prog);
void msg_setverbosity(int v); /* 0 quiet, 1 default, 2 verbose */
int msg_verbosity(void);

/* "prog: " strings "\n", if verbosity >= minverbosity */
void msg_line(int minverbosity, ...) MSG_SENTINEL;
/* "prog: warning: " strings "\n", if verbosity >= 1 */
void msg_warn(const char *s, ...) MSG_SENTINEL;
/* "prog: fatal: " strings "\n", if verbosity >= 1; then exit(exitcode) */
_Noreturn void msg_fatal(int exitcode, ...) MSG_SENTINEL;
/* "prog: usage: " usage "\n", if verbosity >= 1; then exit 100 */
_Noreturn void msg_usage(const char *usage);

/* "prog: fatal: " pre, then len raw bytes of b (may hold NULs), "\n" */
_Noreturn void msg_fatalb(int exitcode, const char *pre,
                          const char *b, size_t len);

#endif
