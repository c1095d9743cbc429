#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>
#include "msg.h"

static const char *progname = "";
static int verbosity = 1;

void msg_init(const char *prog) { progname = prog ? prog : ""; }
void msg_setverbosity(int v) { verbosity = v; }
int msg_verbosity(void) { return verbosity; }

struct line {
  char buf[MSG_BUFSIZE];
  size_t len; /* < MSG_BUFSIZE: one byte is always kept for the newline */
};

static void line_add(struct line *l, const char *s, size_t n)
{
  size_t room = MSG_BUFSIZE - 1 - l->len;

  if (n > room) n = room;
  memcpy(l->buf + l->len, s, n);
  l->len += n;
}

static void line_adds(struct line *l, const char *s)
{
  if (s) line_add(l, s, strlen(s));
}

static void line_start(struct line *l, const char *kind)
{
  l->len = 0;
  line_adds(l, progname);
  line_add(l, ": ", 2);
  line_adds(l, kind);
}

static void line_addlist(struct line *l, va_list ap)
{
  const char *s;

  while ((s = va_arg(ap, const char *)) != NULL) line_adds(l, s);
}

static void line_send(struct line *l)
{
  size_t done = 0;
  int saved = errno;

  l->buf[l->len++] = '\n';
  while (done < l->len) {
    ssize_t w = write(2, l->buf + done, l->len - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) break;
    done += (size_t) w;
  }
  errno = saved;
}

void msg_line(int minverbosity, ...)
{
  struct line l;
  va_list ap;

  if (verbosity < minverbosity) return;
  line_start(&l, "");
  va_start(ap, minverbosity);
  line_addlist(&l, ap);
  va_end(ap);
  line_send(&l);
}

void msg_warn(const char *s, ...)
{
  struct line l;
  va_list ap;

  if (verbosity < 1) return;
  line_start(&l, "warning: ");
  line_adds(&l, s);
  if (s) {
    va_start(ap, s);
    line_addlist(&l, ap);
    va_end(ap);
  }
  line_send(&l);
}

_Noreturn void msg_fatal(int exitcode, ...)
{
  struct line l;
  va_list ap;

  if (verbosity >= 1) {
    line_start(&l, "fatal: ");
    va_start(ap, exitcode);
    line_addlist(&l, ap);
    va_end(ap);
    line_send(&l);
  }
  _exit(exitcode);
}

/* Not truncated: the raw bytes go out with one writev(2). */
_Noreturn void msg_fatalb(int exitcode, const char *pre,
                          const char *b, size_t len)
{
  struct line l;
  struct iovec v[3];

  if (verbosity >= 1) {
    line_start(&l, "fatal: ");
    line_adds(&l, pre);
    v[0].iov_base = l.buf;
    v[0].iov_len = l.len;
    v[1].iov_base = (void *) (uintptr_t) b;
    v[1].iov_len = len;
    v[2].iov_base = (void *) (uintptr_t) "\n";
    v[2].iov_len = 1;
    while (writev(2, v, 3) < 0 && errno == EINTR) {}
  }
  _exit(exitcode);
}

_Noreturn void msg_usage(const char *usage)
{
  struct line l;

  if (verbosity >= 1) {
    line_start(&l, "usage: ");
    line_adds(&l, usage);
    line_send(&l);
  }
  _exit(100);
}
