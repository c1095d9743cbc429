#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cdb/cdb_make.h"
#include "cidr.h"
#include "errstr.h"
#include "msg.h"
#include "rulekey.h"
#include "rulesparse.h"

#define USAGE "tcprules rules.cdb rules.tmp"

static const char *fncdb;
static const char *fntmp;
static struct cdb_make cm;
/* the CIDR lengths stored, '/' first (the markers' data, cidr.h) */
static char lens4[1 + 4] = "/", lens6[1 + CIDR_LENS] = "/";
static int any4, any6;

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

/* a rule being stored: its line (for warnings) and the key buffer */
struct store {
  const char *line;
  size_t len;
  char *key;    /* RULEKEY_MAX(len) bytes */
  int warned;   /* one warning per line, however many keys it makes */
};

static void warnline(struct store *st, const char *why)
{
  char buf[MSG_BUFSIZE];
  size_t n = strnlen(st->line, st->len);

  if (st->warned) return;
  st->warned = 1;
  if (n >= sizeof buf) n = sizeof buf - 1;
  memcpy(buf, st->line, n);
  buf[n] = 0;
  msg_warn(why, buf, NULL);
}

/* IPv6 keys are stored as rulekey.h says; every other key as written */
static void add(struct store *st, const char *key, size_t klen,
                const char *data, size_t dlen)
{
  size_t outlen;
  int cls = rulekey_class(key, klen, st->key, RULEKEY_MAX(st->len), &outlen);

  if (cls == RULEKEY_IP6) {
    key = st->key;
    klen = outlen;
  } else if (rulekey_why(cls))
    warnline(st, rulekey_why(cls));
  if (cdb_make_add(&cm, key, klen, data, dlen) == -1) die_write();
}

static void addrule(struct store *st, const struct rulesparse_rule *r,
                    const char *data)
{
  struct rulesparse_range rg;
  char *key;
  size_t klen;
  unsigned long n;
  int range = rulesparse_range(r->addr, r->addrlen, &rg);

  if (range == 0) {
    add(st, r->addr, r->addrlen, data, r->datalen);
    return;
  }
  key = malloc(RULESPARSE_KEYMAX(&rg));
  if (!key) die_nomem();
  for (n = rg.bot; n <= rg.top; ++n) {
    klen = rulesparse_rangekey(&rg, n, key, RULESPARSE_KEYMAX(&rg));
    add(st, key, klen, data, r->datalen);
  }
  free(key);
}

static void addcidr(const struct net_ip *net, unsigned bits,
                    const struct rulesparse_rule *r, const char *data)
{
  char key[CIDR_KEYMAX];
  size_t klen = cidr_key(net, bits, key);

  if (key[0] == '^') {
    cidr_lens_add((unsigned char *) lens6 + 1, bits);
    any6 = 1;
  } else {
    cidr_lens_add((unsigned char *) lens4 + 1, bits);
    any4 = 1;
  }
  if (cdb_make_add(&cm, key, klen, data, r->datalen) == -1) die_write();
}

static void addmarks(void)
{
  if (any4 && cdb_make_add(&cm, CIDR_MARK4, 1, lens4, sizeof lens4) == -1)
    die_write();
  if (any6 && cdb_make_add(&cm, CIDR_MARK6, 1, lens6, sizeof lens6) == -1)
    die_write();
}

static const char *cidrwhy(int c)
{
  switch (c) {
  case CIDR_BADADDR: return "not an IPv4 or IPv6 network: ";
  case CIDR_BADLEN: return "invalid prefix length: ";
  case CIDR_INFO: return "a CIDR rule takes no info@: ";
  }
  return NULL;
}

/* buffers for one line of len bytes: its data and its stored key */
struct bufs {
  char *data;
  char *key;
  size_t len;
};

static void bufs_fit(struct bufs *b, size_t len)
{
  if (b->data && b->len >= len) return;
  free(b->data);
  free(b->key);
  b->len = len;
  b->data = malloc(RULESPARSE_DATAMAX(len));
  b->key = malloc(RULEKEY_MAX(len));
  if (!b->data || !b->key) die_nomem();
}

static void doline(const char *line, size_t len, struct bufs *b)
{
  struct rulesparse_rule r;
  struct rulesparse_range rg;
  struct store st;
  struct net_ip net;
  unsigned bits;
  int p, c;

  len = rulesparse_trim(line, len);
  bufs_fit(b, len);
  st.line = line;
  st.len = len;
  st.key = b->key;
  st.warned = 0;
  p = rulesparse_line(line, len, &r, b->data, RULESPARSE_DATAMAX(len));
  if (p == RULESPARSE_RULE
      && (c = cidr_parse(r.addr, r.addrlen, &net, &bits)) != CIDR_NO) {
    if (c != CIDR_OK) {
      warnline(&st, cidrwhy(c));
      p = RULESPARSE_ERROR;
    } else {
      addcidr(&net, bits, &r, b->data);
      return;
    }
  } else if (p == RULESPARSE_RULE && rulesparse_range(r.addr, r.addrlen, &rg) == -1) {
    if (memchr(r.addr, ':', r.addrlen))
      warnline(&st, "a range works only in a dotted IPv4 part: ");
    p = RULESPARSE_ERROR;
  }
  if (p == RULESPARSE_ERROR)
    msg_fatalb(100, "unable to parse this line: ", line, strnlen(line, len));
  if (p == RULESPARSE_RULE) addrule(&st, &r, b->data);
}

int main(int argc, char **argv)
{
  struct input in = { NULL, 0, 0, 0, 0 };
  struct bufs b = { NULL, NULL, 0 };
  const char *line;
  size_t len;
  int fd;

  msg_init("tcprules");
  if (argc < 3) msg_usage(USAGE);
  fncdb = argv[1];
  fntmp = argv[2];
  fd = open(fntmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd == -1)
    msg_fatal(111, "unable to create ", fntmp, ": ", errstr(errno), NULL);
  if (cdb_make_start(&cm, fd) == -1) die_write();
  while (input_line(&in, &line, &len)) doline(line, len, &b);
  addmarks();
  if (cdb_make_finish(&cm) == -1 || fsync(fd) == -1 || close(fd) == -1)
    die_write();
  if (rename(fntmp, fncdb) == -1)
    msg_fatal(111, "unable to move ", fntmp, " to ", fncdb, ": ",
              errstr(errno), NULL);
  free(b.data);
  free(b.key);
  free(in.buf);
  return 0;
}
