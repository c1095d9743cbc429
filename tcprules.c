#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cdb/cdb_make.h"
#include "errstr.h"
#include "msg.h"
#include "rulesparse.h"

#define USAGE "tcprules rules.cdb rules.tmp"

static const char *fncdb;
static const char *fntmp;
static struct cdb_make cm;

_Noreturn static void die_nomem(void)
{
  msg_fatal(111, "out of memory", NULL);
}

_Noreturn static void die_write(void)
{
  msg_fatal(111, "unable to write to ", fntmp, ": ", errstr(errno), NULL);
}

/* stdin, split into lines; buf holds at most one partial line plus input */
struct input {
  char *buf;
  size_t len;   /* bytes in buf */
  size_t start; /* first byte not yet returned */
  size_t cap;
  int eof;
};

static void input_fill(struct input *in)
{
  ssize_t r;

  if (in->start > 0) {
    memmove(in->buf, in->buf + in->start, in->len - in->start);
    in->len -= in->start;
    in->start = 0;
  }
  if (in->cap - in->len < 65536) {
    char *n;
    if (in->cap > ((size_t) -1) / 4) die_nomem();
    n = realloc(in->buf, in->cap * 2 + 65536);
    if (!n) die_nomem();
    in->buf = n;
    in->cap = in->cap * 2 + 65536;
  }
  do
    r = read(0, in->buf + in->len, in->cap - in->len);
  while (r < 0 && errno == EINTR);
  if (r < 0) msg_fatal(111, "unable to read input: ", errstr(errno), NULL);
  if (r == 0) in->eof = 1;
  in->len += (size_t) r;
}

/* 1: *line, *len hold the next line without its newline; 0: end */
static int input_line(struct input *in, const char **line, size_t *len)
{
  size_t scanned = in->start;
  char *nl;

  for (;;) {
    nl = in->len > scanned ? memchr(in->buf + scanned, '\n', in->len - scanned)
                           : NULL;
    if (nl || (in->eof && in->len > in->start)) break;
    if (in->eof) return 0;
    scanned = in->len - in->start;
    input_fill(in);
  }
  *line = in->buf + in->start;
  *len = nl ? (size_t) (nl - *line) : in->len - in->start;
  in->start += *len + (nl ? 1 : 0);
  return 1;
}

static void add(const char *key, size_t klen, const char *data, size_t dlen)
{
  if (cdb_make_add(&cm, key, klen, data, dlen) == -1) die_write();
}

static void addrule(const struct rulesparse_rule *r, const char *data)
{
  struct rulesparse_range rg;
  char *key;
  size_t klen;
  unsigned long n;
  int range = rulesparse_range(r->addr, r->addrlen, &rg);

  if (range == 0) {
    add(r->addr, r->addrlen, data, r->datalen);
    return;
  }
  key = malloc(RULESPARSE_KEYMAX(&rg));
  if (!key) die_nomem();
  for (n = rg.bot; n <= rg.top; ++n) {
    klen = rulesparse_rangekey(&rg, n, key, RULESPARSE_KEYMAX(&rg));
    add(key, klen, data, r->datalen);
  }
  free(key);
}

static void doline(const char *line, size_t len, char **data, size_t *cap)
{
  struct rulesparse_rule r;
  struct rulesparse_range rg;
  int p;

  len = rulesparse_trim(line, len);
  if (*cap < RULESPARSE_DATAMAX(len)) {
    free(*data);
    *cap = RULESPARSE_DATAMAX(len);
    *data = malloc(*cap);
    if (!*data) die_nomem();
  }
  p = rulesparse_line(line, len, &r, *data, *cap);
  if (p == RULESPARSE_RULE && rulesparse_range(r.addr, r.addrlen, &rg) == -1)
    p = RULESPARSE_ERROR;
  if (p == RULESPARSE_ERROR)
    msg_fatalb(100, "unable to parse this line: ", line, strnlen(line, len));
  if (p == RULESPARSE_RULE) addrule(&r, *data);
}

int main(int argc, char **argv)
{
  struct input in = { NULL, 0, 0, 0, 0 };
  const char *line;
  char *data = NULL;
  size_t len, datacap = 0;
  int fd;

  msg_init("tcprules");
  if (argc < 3) msg_usage(USAGE);
  fncdb = argv[1];
  fntmp = argv[2];
  fd = open(fntmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd == -1)
    msg_fatal(111, "unable to create ", fntmp, ": ", errstr(errno), NULL);
  if (cdb_make_start(&cm, fd) == -1) die_write();
  while (input_line(&in, &line, &len)) doline(line, len, &data, &datacap);
  if (cdb_make_finish(&cm) == -1 || fsync(fd) == -1 || close(fd) == -1)
    die_write();
  if (rename(fntmp, fncdb) == -1)
    msg_fatal(111, "unable to move ", fntmp, " to ", fncdb, ": ",
              errstr(errno), NULL);
  free(data);
  free(in.buf);
  return 0;
}
