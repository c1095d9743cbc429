#include <string.h>
#include "rulesparse.h"

size_t rulesparse_trim(const char *line, size_t len)
{
  while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'
                     || line[len - 1] == '\n'))
    --len;
  return len;
}

static int startswith(const char *s, size_t len, const char *word)
{
  size_t n = strlen(word);

  return len >= n && !memcmp(s, word, n) && (len == n || s[n] == ',');
}

/* Encodes the ",NAME=qVALUEq" settings of s into data at *dl. */
static int parsevars(const char *s, size_t len, char *data, size_t *dl)
{
  const char *eq, *close;
  size_t i = 0, namelen, valuelen;

  while (i < len) {
    if (s[i] != ',') return RULESPARSE_ERROR;
    ++i;
    eq = memchr(s + i, '=', len - i);
    if (!eq) return RULESPARSE_ERROR;
    namelen = (size_t) (eq - (s + i));
    if ((size_t) (eq - s) + 1 >= len) return RULESPARSE_ERROR;
    close = memchr(eq + 2, eq[1], len - (size_t) (eq + 2 - s));
    if (!close) return RULESPARSE_ERROR;
    valuelen = (size_t) (close - (eq + 2));
    data[(*dl)++] = '+';
    memcpy(data + *dl, s + i, namelen);
    *dl += namelen;
    data[(*dl)++] = '=';
    memcpy(data + *dl, eq + 2, valuelen);
    *dl += valuelen;
    data[(*dl)++] = 0;
    i = (size_t) (close + 1 - s);
  }
  return RULESPARSE_RULE;
}

static int isword(const char *s, size_t len, const char *word)
{
  size_t n = strlen(word);

  return len >= n && !memcmp(s, word, n);
}

/* The first ':' directly followed by "allow" or "deny" (an IPv6 address
   holds neither word), else the first ':' (0.88's split), else NULL. */
const char *rulesparse_colon(const char *line, size_t len)
{
  const char *first = memchr(line, ':', len), *c = first;
  size_t left;

  while (c) {
    left = len - (size_t) (c + 1 - line);
    if (isword(c + 1, left, "allow") || isword(c + 1, left, "deny")) return c;
    c = memchr(c + 1, ':', left);
  }
  return first;
}

int rulesparse_line(const char *line, size_t len, struct rulesparse_rule *r,
                    char *data, size_t datasize)
{
  const char *colon, *rest;
  size_t restlen, n;

  if (!len || line[0] == '#') return RULESPARSE_IGNORE;
  colon = rulesparse_colon(line, len);
  if (!colon) return RULESPARSE_IGNORE;
  if (datasize < RULESPARSE_DATAMAX(len)) return RULESPARSE_ERROR;
  r->addr = line;
  r->addrlen = (size_t) (colon - line);
  r->datalen = 0;
  rest = colon + 1;
  restlen = len - r->addrlen - 1;
  if (startswith(rest, restlen, "allow")) {
    r->deny = 0;
    n = 5;
  } else if (startswith(rest, restlen, "deny")) {
    r->deny = 1;
    n = 4;
    data[r->datalen++] = 'D';
    data[r->datalen++] = 0;
  } else
    return RULESPARSE_ERROR;
  return parsevars(rest + n, restlen - n, data, &r->datalen);
}

/* The field ends at its first NUL, if any (as in the original tcprules). */
static int alldigits(const char *s, size_t len, unsigned long *u)
{
  size_t i;

  len = strnlen(s, len);
  *u = 0;
  for (i = 0; i < len; ++i) {
    if (s[i] < '0' || s[i] > '9') return 0;
    *u = *u * 10 + (unsigned long) (s[i] - '0');
  }
  return 1;
}

int rulesparse_range(const char *addr, size_t len, struct rulesparse_range *rg)
{
  const char *dash, *dot, *topend;
  size_t i, botstart;

  if (memchr(addr, '=', len) || memchr(addr, '@', len)) return 0;
  dash = memchr(addr, '-', len);
  if (!dash) return 0;
  botstart = 0;
  for (i = 0; addr + i < dash; ++i)
    if (addr[i] == '.') botstart = i + 1;
  rg->left = addr;
  rg->leftlen = botstart;
  dot = memchr(dash + 1, '.', len - (size_t) (dash + 1 - addr));
  topend = dot ? dot : addr + len;
  rg->suffix = topend;
  rg->suffixlen = len - (size_t) (topend - addr);
  if (!alldigits(addr + botstart, (size_t) (dash - addr) - botstart, &rg->bot)
      || !alldigits(dash + 1, (size_t) (topend - dash - 1), &rg->top))
    return -1;
  if (rg->top > 255) rg->top = 255;
  return 1;
}

size_t rulesparse_rangekey(const struct rulesparse_range *rg, unsigned long n,
                           char *buf, size_t bufsize)
{
  char digits[3];
  size_t nd = 0, len = 0;

  if (bufsize < RULESPARSE_KEYMAX(rg) || n > 255) return 0;
  do {
    digits[nd++] = (char) ('0' + n % 10);
    n /= 10;
  } while (n);
  memcpy(buf, rg->left, rg->leftlen);
  len = rg->leftlen;
  while (nd) buf[len++] = digits[--nd];
  memcpy(buf + len, rg->suffix, rg->suffixlen);
  return len + rg->suffixlen;
}
