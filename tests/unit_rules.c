/* rules: the key ladder, lookups in a real cdb, data decoding. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cdb/cdb_make.h"
#include "rules.h"
#include "tests/unit.h"

static char path[4096];

struct trail {
  char s[2048]; /* keys tried, each followed by '|' */
  size_t len;
  int stopat;   /* return stopval on the stopat-th key (1-based) */
  int stopval;
  int n;
};

static int record(void *arg, const char *key, size_t len)
{
  struct trail *t = arg;

  if (t->len + len + 1 < sizeof t->s) {
    memcpy(t->s + t->len, key, len);
    t->len += len;
    t->s[t->len++] = '|';
    t->s[t->len] = 0;
  }
  return ++t->n == t->stopat ? t->stopval : 0;
}

static void ladder(const char *ip, const char *host, const char *info,
                   const char *want, const char *what)
{
  struct trail t;
  char why[4300];
  int r;

  memset(&t, 0, sizeof t);
  r = rules_ladder(ip, host, info, record, &t);
  snprintf(why, sizeof why, "tried [%s] want [%s]", t.s, want);
  check(r == 0 && !strcmp(t.s, want), what, why);
}

static void test_ladder(void)
{
  struct trail t;

  ladder("1.2.3.4", "a.b.c", "joe",
         "joe@1.2.3.4|joe@=a.b.c|1.2.3.4|=a.b.c|1.2.3.|1.2.|1.|=.b.c|=.c|=||",
         "ladder with ip, host and info");
  ladder("1.2.3.4", NULL, NULL, "1.2.3.4|1.2.3.|1.2.|1.||",
         "ladder with ip only");
  ladder("1.2.3.4", "", "", "@1.2.3.4|@=|1.2.3.4|=|1.2.3.|1.2.|1.|=||",
         "ladder with empty host and info (known)");
  ladder("1.2.3.4", NULL, "joe", "joe@1.2.3.4|1.2.3.4|1.2.3.|1.2.|1.||",
         "ladder with info, host unknown");
  ladder("1.2.3.4", "x.y", NULL, "1.2.3.4|=x.y|1.2.3.|1.2.|1.|=.y|=||",
         "ladder with host, info unknown");
  ladder("", NULL, NULL, "||", "ladder with empty ip");
  ladder("2001:db8::1", NULL, NULL,
         "2001:db8::1|2001:db8::|2001:db8:|2001:||",
         "IPv6 ladder stops at every ':'");
  ladder("2001:db8::1", "h.x", "joe", "joe@2001:db8::1|joe@=h.x|2001:db8::1|"
         "=h.x|2001:db8::|2001:db8:|2001:|=.x|=||",
         "IPv6 ladder in djb's order with host and info");
  ladder("::1", NULL, NULL, "::1|::|:||", "ladder of ::1");
  ladder("::ffff:1.2.3.4", NULL, NULL, "::ffff:1.2.3.4|::ffff:1.2.3.|"
         "::ffff:1.2.|::ffff:1.|::ffff:|::|:||",
         "mapped ladder stops at '.' and ':'");
  memset(&t, 0, sizeof t);
  t.stopat = 3;
  t.stopval = 1;
  check(rules_ladder("1.2.3.4", "h", "i", record, &t) == 1 && t.n == 3,
        "ladder stops at the first key found", "did not stop");
  memset(&t, 0, sizeof t);
  t.stopat = 2;
  t.stopval = -1;
  check(rules_ladder("1.2.3.4", "h", "i", record, &t) == -1 && t.n == 2,
        "ladder stops on an error", "did not stop");
}

static const char *recs[][2] = {
  { "joe@1.2.3.4", "+WHO=joe@ip" }, { "1.2.3.4", "D" },
  { "1.2.3.4", "+SECOND=1" }, { "=h.example.com", "+WHO=host" },
  { "5.6.7.", "+WHO=prefix" }, { "=.example.com", "+WHO=suffix" },
  { "", "+WHO=default" }, { "@9.9.9.9", "+WHO=emptyinfo" },
  { "=", "+WHO=anyhost" },
};

static int build(void)
{
  static struct cdb_make m;
  char d[64];
  size_t i, n;
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);

  if (fd == -1 || cdb_make_start(&m, fd) == -1) return -1;
  for (i = 0; i < sizeof recs / sizeof recs[0]; ++i) {
    n = strlen(recs[i][1]);
    memcpy(d, recs[i][1], n);
    d[n++] = 0;
    if (cdb_make_add(&m, recs[i][0], strlen(recs[i][0]), d, n) == -1) return -1;
  }
  return cdb_make_finish(&m) == -1 ? -1 : fd;
}

static void lookup(int fd, const char *ip, const char *host, const char *info,
                   const char *wantkey, const char *wantdata, const char *what)
{
  struct rules_result r;
  char why[512];
  int f = rules_lookup(fd, ip, host, info, &r);

  snprintf(why, sizeof why, "got %d [%s] [%s]", f, f == 1 ? r.key : "",
           f == 1 ? r.data : "");
  if (!wantkey)
    check(f == 0, what, why);
  else
    check(f == 1 && r.keylen == strlen(wantkey) && !strcmp(r.key, wantkey)
          && r.datalen == strlen(wantdata) + 1 && !strcmp(r.data, wantdata),
          what, why);
  if (f == 1) rules_free(&r);
}

static void test_lookup(void)
{
  struct rules_result r;
  int fd = build(), d;

  lookup(fd, "1.2.3.4", NULL, "joe", "joe@1.2.3.4", "+WHO=joe@ip", "info@ip");
  lookup(fd, "1.2.3.4", NULL, NULL, "1.2.3.4", "D", "first duplicate wins");
  lookup(fd, "5.6.7.8", "h.example.com", NULL, "=h.example.com", "+WHO=host",
         "=host before ip prefixes");
  lookup(fd, "5.6.7.8", "x.example.com", NULL, "5.6.7.", "+WHO=prefix",
         "ip prefix before host suffix");
  lookup(fd, "8.8.8.8", "x.example.com", NULL, "=.example.com", "+WHO=suffix",
         "host suffix");
  lookup(fd, "8.8.8.8", "X.EXAMPLE.COM", NULL, "=", "+WHO=anyhost",
         "host match is case-sensitive, lone =");
  lookup(fd, "8.8.8.8", NULL, NULL, "", "+WHO=default", "default rule");
  lookup(fd, "9.9.9.9", NULL, "", "@9.9.9.9", "+WHO=emptyinfo",
         "empty info is known");
  lookup(fd, "9.9.9.9", NULL, NULL, "", "+WHO=default",
         "unknown info skips info@ip");
  close(fd);
  fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
  d = rules_lookup(fd, "1.2.3.4", NULL, NULL, &r);
  check(d == -1 && errno == EPROTO, "empty rules file gives EPROTO", "no");
  close(fd);
  fd = open(getenv("T") ? getenv("T") : "/tmp", O_RDONLY);
  d = rules_lookup(fd, "1.2.3.4", NULL, NULL, &r);
  check(d == -1 && errno == EISDIR, "directory gives EISDIR", "no");
  close(fd);
}

/* key plus data around the size kept without the heap (RULES_SMALL),
   and a ladder key longer than the ladder's own stack buffer: each
   lookup gives back exactly the stored key and data */
static void test_sizes(void)
{
  static struct cdb_make m;
  /* keys "10.0.0.N" are 8 bytes: key, data and their two NULs fill
     RULES_SMALL exactly at a data length of RULES_SMALL - 10 */
  static const size_t datalens[] = { 1, 200, RULES_SMALL - 11, RULES_SMALL - 10,
                                     RULES_SMALL - 9, RULES_SMALL, 5000 };
  static char info[400], key[500], data[5001], ip[16], why[160];
  struct rules_result r;
  size_t i, n = sizeof datalens / sizeof datalens[0], len;
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644), f, good = 1;

  if (fd == -1 || cdb_make_start(&m, fd) == -1) good = 0;
  memset(info, 'u', 300);
  for (i = 0; good && i <= n; ++i) {
    /* i == n: info@ip, longer than the ladder's stack buffer */
    if (i < n) len = (size_t) snprintf(key, sizeof key, "10.0.0.%zu", i);
    else len = (size_t) snprintf(key, sizeof key, "%s@10.9.9.9", info);
    memset(data, 'a' + (int) (i % 26), 5000);
    data[0] = '+';
    if (cdb_make_add(&m, key, len, data, i < n ? datalens[i] : 300) == -1) good = 0;
  }
  if (good && cdb_make_finish(&m) == -1) good = 0;
  for (i = 0; good && i <= n; ++i) {
    size_t dl = i < n ? datalens[i] : 300;
    snprintf(ip, sizeof ip, i < n ? "10.0.0.%zu" : "10.9.9.9", i);
    if (i < n) len = (size_t) snprintf(key, sizeof key, "%s", ip);
    else len = (size_t) snprintf(key, sizeof key, "%s@10.9.9.9", info);
    f = rules_lookup(fd, ip, NULL, i < n ? NULL : info, &r);
    memset(data, 'a' + (int) (i % 26), 5000);
    data[0] = '+';
    if (f != 1 || r.keylen != len || memcmp(r.key, key, len) || r.key[len] ||
        r.datalen != dl || memcmp(r.data, data, dl) || r.data[dl]) {
      snprintf(why, sizeof why, "key of %zu bytes, data of %zu: got %d", len, dl, f);
      good = 0;
    }
    if (f == 1) rules_free(&r);
  }
  check(good, "key and data of every size come back whole", why);
  if (fd != -1) close(fd);
}

struct varlist {
  char s[256];
  size_t len;
};

static void addvar(void *arg, const char *n, size_t nl, const char *v,
                   size_t vl)
{
  struct varlist *l = arg;

  if (l->len + nl + vl + 3 >= sizeof l->s) return;
  memcpy(l->s + l->len, n, nl);
  l->len += nl;
  l->s[l->len++] = '=';
  memcpy(l->s + l->len, v, vl);
  l->len += vl;
  l->s[l->len++] = '|';
  l->s[l->len] = 0;
}

static void test_data(void)
{
  struct varlist l;
  static const char vars[] = "+A=1\0+B\0X\0+=v\0+C=x=y\0\0D\0+E=\0+F=2";

  check(rules_denied("D\0", 2), "D entry denies", "not denied");
  check(!rules_denied("", 0), "empty data allows", "denied");
  check(rules_denied("+A=1\0Dx\0", 8), "D after a variable denies", "no");
  check(!rules_denied("D", 1), "D without NUL is ignored", "denied");
  check(!rules_denied("+D=1\0", 5), "+D=1 does not deny", "denied");
  memset(&l, 0, sizeof l);
  rules_vars(vars, sizeof vars - 1, addvar, &l);
  check(!strcmp(l.s, "A=1|=v|C=x=y|E=|"), "variables decoded in order", l.s);
}

static void randstr(char *s, size_t max)
{
  size_t n = (size_t) rand() % max, i;
  static const char alpha[] = "1.2=@-ab";

  for (i = 0; i < n; ++i)
    s[i] = rand() % 4 ? alpha[rand() % 8] : (char) (1 + rand() % 255);
  s[n] = 0;
}

static void ignore(void *arg, const char *n, size_t nl, const char *v,
                   size_t vl)
{
  (void) arg;
  (void) n;
  (void) nl;
  (void) v;
  (void) vl;
}

/* arbitrary strings through the whole lookup: no crash, sane results */
static void test_fuzz(void)
{
  struct rules_result r;
  char ip[300], host[300], info[300];
  int fd = build(), i, f, good = fd != -1;

  srand(4242);
  for (i = 0; good && i < 3000; ++i) {
    randstr(ip, sizeof ip);
    randstr(host, sizeof host);
    randstr(info, sizeof info);
    f = rules_lookup(fd, ip, i % 3 ? host : NULL, i % 5 ? info : NULL, &r);
    if (f != 1) {
      good = 0;
      break;
    }
    rules_denied(r.data, r.datalen);
    rules_vars(r.data, r.datalen, ignore, NULL);
    rules_free(&r);
    rules_denied(info, strlen(info) + 1);
    rules_vars(host, strlen(host) + 1, ignore, NULL);
  }
  check(good, "3000 random lookups end at a rule", "lookup failed");
  if (fd != -1) close(fd);
}

int main(void)
{
  const char *t = getenv("T");

  snprintf(path, sizeof path, "%s/unit_rules.%ld", t ? t : "/tmp",
           (long) getpid());
  test_ladder();
  test_lookup();
  test_data();
  test_sizes();
  test_fuzz();
  unlink(path);
  return failures ? 1 : 0;
}
