/* rulesparse: line syntax, encoded data, ranges, arbitrary bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rulesparse.h"
#include "tests/unit.h"

struct linecase {
  const char *line;
  int result;
  const char *addr;
  const char *data; /* NUL bytes written as '~' */
};

static const struct linecase lines[] = {
  { "1.2.3.4:allow", RULESPARSE_RULE, "1.2.3.4", "" },
  { "1.2.3.:deny", RULESPARSE_RULE, "1.2.3.", "D~" },
  { ":allow,WHO=\"dotsuffix\",X=\"y\"", RULESPARSE_RULE, "",
    "+WHO=dotsuffix~+X=y~" },
  { "1.2.3.4:deny,A=\"1\"", RULESPARSE_RULE, "1.2.3.4", "D~+A=1~" },
  { "  1.2.3.4:allow", RULESPARSE_RULE, "  1.2.3.4", "" },
  { " #c:allow", RULESPARSE_RULE, " #c", "" },
  { "1.2.3.4 :allow", RULESPARSE_RULE, "1.2.3.4 ", "" },
  { "x:allow,=\"v\"", RULESPARSE_RULE, "x", "+=v~" },
  { "x:allow,A=xabcx,B='',C=|a,b:c=d|", RULESPARSE_RULE, "x",
    "+A=abc~+B=~+C=a,b:c=d~" },
  { "x:allow,N M=//", RULESPARSE_RULE, "x", "+N M=~" },
  { "x:allow,A,B=\"1\"", RULESPARSE_RULE, "x", "+A,B=1~" },
  { "a:b:allow", RULESPARSE_RULE, "a:b", "" },
  { "2001:db8::1:allow", RULESPARSE_RULE, "2001:db8::1", "" },
  { "2001:db8:::deny", RULESPARSE_RULE, "2001:db8::", "D~" },
  { "2001:db8::allow,A=\"1\"", RULESPARSE_RULE, "2001:db8:", "+A=1~" },
  { "::allow", RULESPARSE_RULE, ":", "" },
  { ":::allow", RULESPARSE_RULE, "::", "" },
  { "joe@::1:deny,A=\"x:allow\"", RULESPARSE_RULE, "joe@::1", "D~+A=x:allow~" },
  { "1.2.3.4:bogus:allow", RULESPARSE_RULE, "1.2.3.4:bogus", "" },
  { "1.2.3.4:bogus", RULESPARSE_ERROR, NULL, NULL },
  { "2001:db8::1", RULESPARSE_ERROR, NULL, NULL },
  { "::1:Allow", RULESPARSE_ERROR, NULL, NULL },
  { "::1:allowx", RULESPARSE_ERROR, NULL, NULL },
  { "::1:allow:deny", RULESPARSE_ERROR, NULL, NULL },
  { "::1:deny allow", RULESPARSE_ERROR, NULL, NULL },
  { "#1.2.3.4:deny", RULESPARSE_IGNORE, NULL, NULL },
  { "", RULESPARSE_IGNORE, NULL, NULL },
  { "no colon", RULESPARSE_IGNORE, NULL, NULL },
  { "1.2.3.4:allow\r", RULESPARSE_ERROR, NULL, NULL },
  { "1.2.3.4:Allow", RULESPARSE_ERROR, NULL, NULL },
  { "1.2.3.4:allowx", RULESPARSE_ERROR, NULL, NULL },
  { "1.2.3.4:allow x", RULESPARSE_ERROR, NULL, NULL },
  { "1.2.3.4:denyall", RULESPARSE_ERROR, NULL, NULL },
  { "1.2.3.4:", RULESPARSE_ERROR, NULL, NULL },
  { "1.2.3.4:allow,A=", RULESPARSE_ERROR, NULL, NULL },
  { "1.2.3.4:allow,A", RULESPARSE_ERROR, NULL, NULL },
  { "1.2.3.4:allow,", RULESPARSE_ERROR, NULL, NULL },
  { "1.2.3.4:allow,A=\"v", RULESPARSE_ERROR, NULL, NULL },
  { "1.2.3.4:allow,A=\"v\"x", RULESPARSE_ERROR, NULL, NULL },
  { "1.2.3.4:allow,A=\"v\",", RULESPARSE_ERROR, NULL, NULL },
  { "1.2.3.4:allow,A=\"", RULESPARSE_ERROR, NULL, NULL },
};

static void test_lines(void)
{
  struct rulesparse_rule r;
  char data[256], want[256], why[600];
  size_t i, len, j;
  int res;

  for (i = 0; i < sizeof lines / sizeof lines[0]; ++i) {
    const struct linecase *c = &lines[i];
    len = strlen(c->line);
    res = rulesparse_line(c->line, len, &r, data, sizeof data);
    snprintf(why, sizeof why, "result %d", res);
    if (res == RULESPARSE_RULE && c->result == RULESPARSE_RULE) {
      len = strlen(c->data);
      for (j = 0; j < len; ++j) want[j] = c->data[j] == '~' ? 0 : c->data[j];
      res = r.addrlen == strlen(c->addr) && !memcmp(r.addr, c->addr, r.addrlen)
            && r.deny == (len > 0 && want[0] == 'D') && r.datalen == len
            && !memcmp(data, want, len);
      snprintf(why, sizeof why, "addr [%.*s] datalen %zu", (int) r.addrlen,
               r.addr, r.datalen);
      check(res, c->line, why);
    } else
      check(res == c->result, c->line, why);
  }
}

static void test_trim(void)
{
  check(rulesparse_trim("a: \t\n \n", 7) == 2, "trailing space, tab, newline "
        "removed", "wrong length");
  check(rulesparse_trim("a\r", 2) == 2, "CR is kept", "removed");
  check(rulesparse_trim("  a", 3) == 3, "leading spaces kept", "removed");
  check(rulesparse_trim(" \t ", 3) == 0, "blank line trims to nothing", "no");
}

struct rangecase {
  const char *addr;
  int result;
  const char *keys; /* joined by '|' */
};

static const struct rangecase ranges[] = {
  { "10.1.2-4.", 1, "10.1.2.|10.1.3.|10.1.4.|" },
  { "10.5-6", 1, "10.5|10.6|" },
  { "1.2.250-300.", 1, "1.2.250.|1.2.251.|1.2.252.|1.2.253.|1.2.254.|"
    "1.2.255.|" },
  { "1.2.3.01-02", 1, "1.2.3.1|1.2.3.2|" },
  { "1.2.-2.", 1, "1.2.0.|1.2.1.|1.2.2.|" },
  { "1.2.3.-", 1, "1.2.3.0|" },
  { "1.2.3.5-3", 1, "" },
  { "5-5", 1, "5|" },
  { "1.2-3.4-5", 1, "1.2.4-5|1.3.4-5|" },
  { "1.2.a-2.", -1, "" },
  { "1-2-3", -1, "" },
  { "1.2.3-x", -1, "" },
  { "=host-1-3.x", 0, "" },
  { "joe@1.2.3.1-2", 0, "" },
  { "1.2.3.4", 0, "" },
  { "2001:db8::1-5", -1, "" },
  { "2001:db8::1.2.3.1-2", 1, "2001:db8::1.2.3.1|2001:db8::1.2.3.2|" },
  { "::ffff:1.2.3.1-2", 1, "::ffff:1.2.3.1|::ffff:1.2.3.2|" },
  { "joe@2001:db8::1-5", 0, "" },
};

static void test_ranges(void)
{
  struct rulesparse_range rg;
  char keys[512], key[64], why[700];
  size_t i, len, kl;
  unsigned long n;
  int res;

  for (i = 0; i < sizeof ranges / sizeof ranges[0]; ++i) {
    const struct rangecase *c = &ranges[i];
    res = rulesparse_range(c->addr, strlen(c->addr), &rg);
    len = 0;
    keys[0] = 0;
    for (n = rg.bot; res == 1 && n <= rg.top && len < 400; ++n) {
      kl = rulesparse_rangekey(&rg, n, key, sizeof key);
      memcpy(keys + len, key, kl);
      len += kl;
      keys[len++] = '|';
      keys[len] = 0;
    }
    snprintf(why, sizeof why, "result %d keys [%s]", res, keys);
    check(res == c->result && !strcmp(keys, c->keys), c->addr, why);
  }
}

static void test_nulranges(void)
{
  struct rulesparse_range rg;
  char key[32];
  size_t kl = 0;
  int r;

  r = rulesparse_range("1.2\0x-3.4", 9, &rg);
  if (r == 1) kl = rulesparse_rangekey(&rg, 3, key, sizeof key);
  check(r == 1 && rg.bot == 2 && rg.top == 3 && kl == 5
        && !memcmp(key, "1.3.4", 5), "bot field ends at a NUL", "wrong");
  r = rulesparse_range("1.2-3.4\0x", 9, &rg);
  if (r == 1) kl = rulesparse_rangekey(&rg, 2, key, sizeof key);
  check(r == 1 && kl == 7 && !memcmp(key, "1.2.4\0x", 7),
        "suffix keeps NUL bytes", "wrong");
  r = rulesparse_range("1.2-\0003.4", 8, &rg);
  check(r == 1 && rg.top == 0, "empty top before a NUL counts as 0", "wrong");
}

/* arbitrary bytes in exactly sized heap buffers (for ASan/valgrind) */
static void test_fuzz(void)
{
  static const char alpha[] = ":,=\"'-.#@ \t\n0123456789adelnowy";
  struct rulesparse_rule r;
  struct rulesparse_range rg;
  size_t len, i, kl, total = 0;
  unsigned long n;
  int round, res, good = 1;
  char *line, *data, *key;

  srand(777);
  for (round = 0; round < 20000 && good; ++round) {
    len = (size_t) rand() % 40;
    line = malloc(len ? len : 1);
    data = malloc(RULESPARSE_DATAMAX(len));
    for (i = 0; i < len; ++i)
      line[i] = rand() % 8 ? alpha[rand() % (sizeof alpha - 1)]
                           : (char) rand();
    if (round % 3 == 0 && len > 6) {
      for (i = 0; i < len - 6; ++i) line[i] = "0123456789.-"[rand() % 12];
      memcpy(line + len - 6, ":allow", 6);
    }
    len = rulesparse_trim(line, len);
    res = rulesparse_line(line, len, &r, data, RULESPARSE_DATAMAX(len));
    if (res == RULESPARSE_RULE) {
      if (r.datalen > RULESPARSE_DATAMAX(len)) good = 0;
      if (rulesparse_range(r.addr, r.addrlen, &rg) == 1) {
        key = malloc(RULESPARSE_KEYMAX(&rg));
        for (n = rg.bot; n <= rg.top; ++n) {
          kl = rulesparse_rangekey(&rg, n, key, RULESPARSE_KEYMAX(&rg));
          if (!kl || kl > RULESPARSE_KEYMAX(&rg)) good = 0;
          total += kl;
        }
        free(key);
      }
    } else if (res != RULESPARSE_IGNORE && res != RULESPARSE_ERROR)
      good = 0;
    free(line);
    free(data);
  }
  check(good && total > 0, "20000 random lines: in bounds, sane results",
        "bad result");
}

int main(void)
{
  test_lines();
  test_trim();
  test_ranges();
  test_nulranges();
  test_fuzz();
  return failures ? 1 : 0;
}
