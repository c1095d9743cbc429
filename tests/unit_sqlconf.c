/* sqlconf: every key, defaults, every problem message, garbage; sqlconf_load;
   sqlfail (the shared failed-server memory). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "sqlconf.h"
#include "sqlfail.h"
#include "tests/unit.h"

static char probs[8192];        /* problems of the last parse, '|' separated */
static size_t nprobs;

static void collect(void *arg, const char *problem)
{
  size_t have = strlen(probs), n = strlen(problem);
  (void)arg;
  ++nprobs;
  if (have + n + 2 < sizeof probs) {
    if (have) probs[have++] = '|';
    memcpy(probs + have, problem, n + 1);
  }
}

static int parse(struct sqlconf *c, const char *s, size_t len)
{
  probs[0] = 0;
  nprobs = 0;
  return sqlconf_parse(c, s, len, collect, NULL);
}

static int parses(struct sqlconf *c, const char *s) { return parse(c, s, strlen(s)); }

static int streq(const char *a, const char *b) { return a && b && !strcmp(a, b); }

static void defaults(void)
{
  struct sqlconf c;
  int r = parses(&c, "database d\nuser u\n");
  check(r == 1 && nprobs == 0, "minimal file usable, silent", probs);
  check(c.nservers == 1 && streq(c.server[0], "localhost"), "default server localhost", "");
  check(c.port == 3306 && c.time == 1800 && c.retry == 30, "default port, time, retry", "");
  check(c.skew == 300, "default skew 300 (a v1 file has no skew line)", "");
  check(c.connect_timeout == 2 && c.read_timeout == 2 && c.connections == 2,
        "default timeouts and connections", "");
  check(streq(c.table, "relay") && streq(c.column, "ip_addr") &&
        streq(c.timecolumn, "timestamp"), "default table, column, timecolumn", "");
  check(c.setslen == 13 && !memcmp(c.sets, "RELAYCLIENT=", 13), "default set RELAYCLIENT=", "");
  check(!c.pass && !c.socket && !c.ssl_ca && c.ssl_verify == 1, "default pass, socket, tls", "");
  sqlconf_free(&c);
}

static void v1file(void)
{
  struct sqlconf c;
  int r = parses(&c, "server localhost\nport 3306\ndatabase vpopmail\n"
                 "table relay\nuser vpopmail\npass secret\ntime 1800\n");
  check(r == 1 && nprobs == 0, "v1 file accepted unchanged", probs);
  check(streq(c.database, "vpopmail") && streq(c.user, "vpopmail") &&
        streq(c.pass, "secret"), "v1 values", "");
  sqlconf_free(&c);
}

static const char everykey[] =
  "# full example\r\n"
  "SERVER db1.example.com  \t# first\n"
  "server\t10.0.0.2\n"
  "Port 3307\n"
  "socket /run/mysqld/mysqld.sock\n"
  "server localhost\n"
  "database vpop_mail$1\n"
  "table relay2\n"
  "user vpopmail\n"
  "pass p a s s\n"
  "time 0\n"
  "skew 0\n"
  "retry 60\n"
  "connect_timeout 1\n"
  "read_timeout 3600\n"
  "column ipaddr\n"
  "timecolumn ts\n"
  "set RELAYCLIENT=\n"
  "set RBLSMTPD=\"\"\n"
  "set FOO=bar baz\n"
  "ssl_ca /etc/ssl/ca.pem\n"
  "ssl_verify NO\n"
  "connections 64";

static void allkeys(void)
{
  struct sqlconf c;
  static const char sets[] = "RELAYCLIENT=\0RBLSMTPD=\0FOO=bar baz";
  int r = parses(&c, everykey);
  check(r == 1 && nprobs == 0, "every key accepted", probs);
  check(c.nservers == 3 && streq(c.server[0], "db1.example.com") &&
        streq(c.server[1], "10.0.0.2") && streq(c.server[2], "localhost"),
        "servers in order", "");
  check(c.port == 3307 && streq(c.socket, "/run/mysqld/mysqld.sock"), "port, socket", "");
  check(streq(c.database, "vpop_mail$1") && streq(c.table, "relay2") &&
        streq(c.column, "ipaddr") && streq(c.timecolumn, "ts"), "identifiers", "");
  check(streq(c.user, "vpopmail") && streq(c.pass, "p a s s"), "user, pass with spaces", "");
  check(c.time == 0 && c.skew == 0 && c.retry == 60 && c.connect_timeout == 1 &&
        c.read_timeout == 3600 && c.connections == 64, "numbers", "");
  check(c.setslen == sizeof sets && !memcmp(c.sets, sets, sizeof sets),
        "set lines replace the default, quotes stripped", "");
  check(streq(c.ssl_ca, "/etc/ssl/ca.pem") && c.ssl_verify == 0, "ssl_ca, ssl_verify", "");
  sqlconf_free(&c);
}

struct probcase {
  const char *text;
  int usable;
  const char *problems;
};

#define OKB "database d\nuser u\n"
static const struct probcase cases[] = {
  { OKB "colour blue\n", 1, "line 3: unknown key: colour" },
  { OKB "time abc\n", 0, "line 3: bad value for time: abc (want 0 to 1000000000)" },
  { OKB "time -1\n", 0, "line 3: bad value for time: -1 (want 0 to 1000000000)" },
  { OKB "skew -1\n", 0, "line 3: bad value for skew: -1 (want 0 to 1000000000)" },
  { OKB "skew 1000000001\n", 0, "line 3: bad value for skew: 1000000001 (want 0 to 1000000000)" },
  { OKB "time 99999999999999999999999\n", 0,
    "line 3: bad value for time: 99999999999999999999999 (want 0 to 1000000000)" },
  { OKB "port 0\n", 0, "line 3: bad value for port: 0 (want 1 to 65535)" },
  { OKB "port 65536\n", 0, "line 3: bad value for port: 65536 (want 1 to 65535)" },
  { OKB "retry 0\n", 0, "line 3: bad value for retry: 0 (want 1 to 86400)" },
  { OKB "connect_timeout 0\n", 0, "line 3: bad value for connect_timeout: 0 (want 1 to 3600)" },
  { OKB "read_timeout 3601\n", 0, "line 3: bad value for read_timeout: 3601 (want 1 to 3600)" },
  { OKB "connections 65\n", 0, "line 3: bad value for connections: 65 (want 1 to 64)" },
  { OKB "ssl_verify maybe\n", 0, "line 3: bad value for ssl_verify: maybe (want yes or no)" },
  { OKB "table 123\n", 0, "line 3: bad value for table: 123 (want 1-64 of A-Z a-z 0-9 _ $)" },
  { OKB "column a`b\n", 0, "line 3: bad value for column: a`b (want 1-64 of A-Z a-z 0-9 _ $)" },
  { OKB "timecolumn a b\n", 0, "line 3: bad value for timecolumn: a b (want 1-64 of A-Z a-z 0-9 _ $)" },
  { OKB "table aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", 0,
    "line 3: bad value for table: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa... (want 1-64 of A-Z a-z 0-9 _ $)" },
  { OKB "netblocks aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", 1, "" },
  { OKB "netblocks aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", 0,
    "line 3: bad value for netblocks: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa (want 1-60 of A-Z a-z 0-9 _ $)" },
  { OKB "netblocks relay-net\n", 0, "line 3: bad value for netblocks: relay-net (want 1-60 of A-Z a-z 0-9 _ $)" },
  { OKB "socket run/sock\n", 0, "line 3: bad value for socket: run/sock (want an absolute path)" },
  { OKB "ssl_ca ca.pem\n", 0, "line 3: bad value for ssl_ca: ca.pem (want an absolute path)" },
  { OKB "server db;drop\n", 0, "line 3: bad value for server: db;drop" },
  { OKB "set =x\n", 0, "line 3: bad value for set: =x (want NAME=VALUE)" },
  { OKB "set NOEQUALS\n", 0, "line 3: bad value for set: NOEQUALS (want NAME=VALUE)" },
  { OKB "set 1A=x\n", 0, "line 3: bad value for set: 1A=x (want NAME=VALUE)" },
  { "database d\nuser a\tb\x01\n", 0, "line 2: bad value for user: a?b? (length or control character)|missing user" },
  { OKB "time\n", 1, "line 3: malformed: key without value" },
  { OKB "  time  # no value\n", 1, "line 3: malformed: key without value" },
  { OKB "time 5\ntime 6\n", 1, "line 4: duplicate key: time (the last one counts)" },
  { OKB "unknown \x01\x7f\n", 1, "line 3: unknown key: unknown" },
  { OKB "\x01\x02 x\n", 1, "line 3: unknown key: ??" },
  { OKB "server db\nsocket /s\n", 1, "socket unused: no server localhost" },
  { "user u\n", 0, "missing database" },
  { "database d\n", 0, "missing user" },
  { "", 0, "missing database|missing user" },
  { OKB "server a\nserver b\nserver c\nserver d\nserver e\nserver f\nserver g\n"
    "server h\nserver i\n", 0, "line 11: too many servers (at most 8): i" },
  { OKB "\n\n   \n# only comments\n\t\r\n", 1, "" },
};

static void problems(void)
{
  size_t i;
  char what[160];
  for (i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
    struct sqlconf c;
    int r = parses(&c, cases[i].text);
    snprintf(what, sizeof what, "problem case %zu (%s)", i,
             cases[i].problems[0] ? cases[i].problems : "none");
    for (char *p = what; *p; ++p) if (*p < 0x20 || *p > 0x7e) *p = '?';
    check(r == cases[i].usable && !strcmp(probs, cases[i].problems), what, probs);
    sqlconf_free(&c);
  }
}

static void special(void)
{
  struct sqlconf c;
  char *big;
  size_t n = 1024 * 1024, i;
  static const char nul[] = "database d\nuser u\ntime 5\0 6\n";
  int r = parse(&c, nul, sizeof nul - 1);
  check(r == 1 && !strcmp(probs, "line 3: malformed: NUL byte") && c.time == 1800,
        "NUL byte: line ignored", probs);
  sqlconf_free(&c);
  big = malloc(n + 64);
  memcpy(big, "database d\n", 11);
  memset(big + 11, 'a', n);
  memcpy(big + 11 + n, "\nuser u\n", 8);
  r = parse(&c, big, n + 19);
  check(r == 1 && !strcmp(probs, "line 2: malformed: line too long") && streq(c.user, "u"),
        "1 MB line: malformed, rest parsed", probs);
  sqlconf_free(&c);
  srand(7);
  for (i = 0; i < n; ++i) big[i] = (char)(rand() & 0xff);
  r = parse(&c, big, n);
  for (i = 0; probs[i]; ++i) if (probs[i] < 0x20 || probs[i] > 0x7e) break;
  check(r == 0 && !probs[i] && nprobs > 0, "binary junk: unusable, printable problems", "");
  sqlconf_free(&c);
  free(big);
}

static void password(void)
{
  struct sqlconf c;
  char text[600];
  memset(text, 0, sizeof text);
  memcpy(text, OKB "pass ", 23);
  memset(text + 23, 'Q', 300);
  memcpy(text + 323, "\nSeCrEtPw\npass\n", 16);
  parses(&c, text);
  check(!strstr(probs, "QQQ") && !strstr(probs, "SeCrEtPw") &&
        strstr(probs, "line 3: bad value for pass (length or control character)"),
        "password value never in problems", probs);
  sqlconf_free(&c);
}

static void writefile(const char *path, const char *s, size_t len, mode_t mode)
{
  FILE *f = fopen(path, "w");
  if (!f) return;
  fwrite(s, 1, len, f);
  fclose(f);
  chmod(path, mode);
}

static void load(void)
{
  struct sqlconf c;
  const char *t = getenv("T");
  char path[4096], *big;
  int r;
  snprintf(path, sizeof path, "%s/unit_sqlconf.%ld", t && *t ? t : "/tmp", (long)getpid());
  unlink(path);
  r = sqlconf_load(&c, path, collect, NULL);
  check(r == -1 && errno == ENOENT, "load: missing file -1 ENOENT", "");
  sqlconf_free(&c);
  writefile(path, OKB, 18, 0600);
  probs[0] = 0; nprobs = 0;
  r = sqlconf_load(&c, path, collect, NULL);
  check(r == 1 && nprobs == 0 && streq(c.database, "d"), "load: mode 600 silent", probs);
  sqlconf_free(&c);
  chmod(path, 0644);
  probs[0] = 0; nprobs = 0;
  r = sqlconf_load(&c, path, collect, NULL);
  check(r == 1 && !strcmp(probs, "readable by other users"), "load: mode 644 warns, usable", probs);
  sqlconf_free(&c);
  big = calloc(1, SQLCONF_MAXFILE + 1);
  memset(big, '#', SQLCONF_MAXFILE + 1);
  writefile(path, big, SQLCONF_MAXFILE + 1, 0600);
  probs[0] = 0; nprobs = 0;
  r = sqlconf_load(&c, path, collect, NULL);
  check(r == 0 && !strcmp(probs, "too large"), "load: 64 KiB + 1 too large", probs);
  sqlconf_free(&c);
  for (r = 0; r < SQLCONF_MAXFILE; r += 512) big[r] = '\n';
  big[SQLCONF_MAXFILE - 19] = '\n';
  memcpy(big + SQLCONF_MAXFILE - 18, OKB, 18);
  writefile(path, big, SQLCONF_MAXFILE, 0600);
  probs[0] = 0; nprobs = 0;
  r = sqlconf_load(&c, path, collect, NULL);
  check(r == 1, "load: exactly 64 KiB accepted", probs);
  sqlconf_free(&c);
  free(big);
  unlink(path);
  probs[0] = 0; nprobs = 0;
  r = sqlconf_load(&c, t && *t ? t : "/tmp", collect, NULL);
  check(r == 0 && !strcmp(probs, "not a regular file"), "load: a directory is not a regular file", probs);
  sqlconf_free(&c);
}

static void path(void)
{
  setenv("TCPSERVER_SQL_CONTROL", "/x/sql", 1);
  check(streq(sqlconf_path(), "/x/sql"), "path from TCPSERVER_SQL_CONTROL", "");
  unsetenv("TCPSERVER_SQL_CONTROL");
  check(streq(sqlconf_path(), "/var/qmail/control/sql"), "default path", "");
}

static int probers;
static pthread_mutex_t plock = PTHREAD_MUTEX_INITIALIZER;

static void *prober(void *arg)
{
  (void)arg;
  if (!sqlfail_check("db:3306", 30, NULL, 0)) {
    pthread_mutex_lock(&plock);
    ++probers;
    pthread_mutex_unlock(&plock);
  }
  return NULL;
}

static void fail(void)
{
  char why[SQLFAIL_WHY];
  pthread_t th[16];
  size_t i;
  check(sqlfail_check("db:3306", 30, why, sizeof why) == 0, "sqlfail: unknown server tried", "");
  sqlfail_failed("db:3306", 30, "gone");
  check(sqlfail_check("db:3306", 30, why, sizeof why) == 1 && streq(why, "gone"),
        "sqlfail: failed server skipped with its cause", "");
  check(sqlfail_check("db:3307", 30, why, sizeof why) == 0, "sqlfail: other key unaffected", "");
  sqlfail_ok("db:3306");
  check(sqlfail_check("db:3306", 30, why, sizeof why) == 0, "sqlfail: ok clears", "");
  sqlfail_failed("db:3306", 30, "gone");
  sqlfail_forget();
  check(sqlfail_check("db:3306", 30, why, sizeof why) == 0, "sqlfail: forget clears", "");
  sqlfail_failed("db:3306", 0, "expired at once");
  for (i = 0; i < 16; ++i) pthread_create(&th[i], NULL, prober, NULL);
  for (i = 0; i < 16; ++i) pthread_join(th[i], NULL);
  check(probers == 1, "sqlfail: after the retry period exactly one of 16 threads probes", "");
  for (i = 0; i < 200; ++i) {
    char key[32];
    snprintf(key, sizeof key, "h%zu:1", i);
    sqlfail_failed(key, 30, "x");
  }
  check(sqlfail_check("h199:1", 30, NULL, 0) == 1, "sqlfail: full table keeps the newest", "");
}

int main(void)
{
  defaults();
  v1file();
  allkeys();
  problems();
  special();
  password();
  load();
  path();
  fail();
  return failures ? 1 : 0;
}
