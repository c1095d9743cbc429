/* libFuzzer target: the -S control-file parser (sqlconf_parse).
   Checks: every problem is one NUL-terminated printable line; the result
   is the same without a reporter; the parsed struct keeps its invariants;
   and the password never shows: the input is parsed again with every
   byte of each pass line's value changed (keeping the bytes that steer
   parsing), and the problems reported must not change. */
#include <strings.h>
#include "fuzz.h"
#include "sqlconf.h"

struct log { char *s; size_t len, cap; unsigned n; };

static void rep(void *arg, const char *problem)
{
  struct log *l = arg;
  size_t n = strlen(problem), i;

  FUZZ_ASSERT(n > 0 && n < 256);
  for (i = 0; i < n; ++i)
    FUZZ_ASSERT(problem[i] >= 0x20 && problem[i] < 0x7f);
  if (l->len + n + 1 > l->cap) {
    l->cap = (l->len + n + 1) * 2;
    l->s = realloc(l->s, l->cap);
    if (!l->s) abort();
  }
  memcpy(l->s + l->len, problem, n + 1);
  l->len += n + 1;
  ++l->n;
}

static void invariants(const struct sqlconf *c, int usable)
{
  size_t i;

  FUZZ_ASSERT(usable == 0 || usable == 1);
  FUZZ_ASSERT(c->nservers <= SQLCONF_MAXSERVERS);
  for (i = 0; i < c->nservers; ++i) FUZZ_ASSERT(c->server[i] != NULL);
  if (!usable) return;
  FUZZ_ASSERT(c->nservers >= 1 && c->database && c->user);
  FUZZ_ASSERT(c->table && c->column && c->timecolumn);
  FUZZ_ASSERT(c->port >= 1 && c->port <= 65535);
  FUZZ_ASSERT(!c->socket || c->socket[0] == '/');
  FUZZ_ASSERT(c->sets && c->setslen > 0 && c->sets[c->setslen - 1] == 0);
  for (i = 0; i < c->setslen; i += strlen(c->sets + i) + 1)
    FUZZ_ASSERT(strchr(c->sets + i, '=') != NULL);
}

static int spc(char ch) { return ch == ' ' || ch == '\t' || ch == '\r'; }

/* Changes each value byte of every "pass" line in place. */
static void mask(char *s, size_t len)
{
  size_t i = 0, k, j;

  while (i < len) {
    const char *nl = memchr(s + i, '\n', len - i);
    size_t end = nl ? (size_t) (nl - s) : len;
    for (k = i; k < end && spc(s[k]); ++k) ;
    if (end - k > 4 && !strncasecmp(s + k, "pass", 4) && spc(s[k + 4]))
      for (j = k + 4; j < end; ++j)
        if (!spc(s[j]) && s[j] != '#' && s[j] != 0)
          s[j] = s[j] == 'x' ? 'y' : 'x';
    i = end + 1;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
  struct sqlconf c;
  struct log a = { 0 }, b = { 0 };
  char *copy;
  int r1, r2;

  if (n > SQLCONF_MAXFILE) return 0;
  copy = malloc(n ? n : 1);
  if (!copy) abort();
  memcpy(copy, d, n);
  r1 = sqlconf_parse(&c, copy, n, rep, &a);
  invariants(&c, r1);
  sqlconf_free(&c);
  r2 = sqlconf_parse(&c, copy, n, NULL, NULL);
  FUZZ_ASSERT(r1 == r2);
  sqlconf_free(&c);
  mask(copy, n);
  r2 = sqlconf_parse(&c, copy, n, rep, &b);
  sqlconf_free(&c);
  FUZZ_ASSERT(r1 == r2 && a.n == b.n && a.len == b.len);
  FUZZ_ASSERT(!a.len || !memcmp(a.s, b.s, a.len));
  free(a.s);
  free(b.s);
  free(copy);
  return 0;
}
