#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "sqlconf.h"

/* Problem text is built in one fixed buffer; values quoted in it are
   sanitised and cut to SHOWMAX bytes. The pass value is never quoted. */
#define SHOWMAX 64
#define PROBMAX 256

enum kind { K_SERVER, K_STR, K_PATH, K_IDENT, K_NUM, K_BOOL, K_SET, K_PASS };

struct key {
  const char *name;
  enum kind kind;
  size_t off;                  /* offset in struct sqlconf */
  unsigned long min, max;      /* K_NUM range; K_STR/K_PASS/K_IDENT max length */
};

#define OFF(f) offsetof(struct sqlconf, f)
static const struct key keys[] = {
  { "server", K_SERVER, 0, 1, 255 },
  { "port", K_NUM, OFF(port), 1, 65535 },
  { "socket", K_PATH, OFF(socket), 1, 107 },
  { "database", K_IDENT, OFF(database), 1, 64 },
  { "table", K_IDENT, OFF(table), 1, 64 },
  { "user", K_STR, OFF(user), 1, 80 },
  { "pass", K_PASS, OFF(pass), 0, 255 },
  { "time", K_NUM, OFF(time), 0, 1000000000 },
  { "skew", K_NUM, OFF(skew), 0, 1000000000 },
  { "retry", K_NUM, OFF(retry), 1, 86400 },
  { "connect_timeout", K_NUM, OFF(connect_timeout), 1, 3600 },
  { "read_timeout", K_NUM, OFF(read_timeout), 1, 3600 },
  { "column", K_IDENT, OFF(column), 1, 64 },
  { "timecolumn", K_IDENT, OFF(timecolumn), 1, 64 },
  { "set", K_SET, 0, 0, 0 },
  { "ssl_ca", K_PATH, OFF(ssl_ca), 1, 4095 },
  { "ssl_verify", K_BOOL, OFF(ssl_verify), 0, 0 },
  { "connections", K_NUM, OFF(connections), 1, 64 },
  /* at most 60: NAME_len is its lengths table */
  { "netblocks", K_IDENT, OFF(netblocks), 1, 60 },
};

struct parse {
  struct sqlconf *c;
  sqlconf_report *rep;
  void *arg;
  unsigned long line;
  int usable;
  int haveset;
  unsigned long seen;          /* bit j: keys[j] already given */
};

static void show(char *out, size_t n, const char *s, size_t len)
{
  size_t i, j = 0;
  for (i = 0; i < len && j + 4 < n; ++i) {
    if (i == SHOWMAX) { memcpy(out + j, "...", 3); j += 3; break; }
    out[j++] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
  }
  out[j] = 0;
}

/* "line N: what: value hint"; s NULL: no value shown, hint may be NULL */
static void report2(struct parse *p, int fatal, const char *what,
                    const char *s, size_t len, const char *hint)
{
  char val[SHOWMAX + 8], msg[PROBMAX], where[32] = "";
  if (fatal) p->usable = 0;
  if (!p->rep) return;
  if (s) show(val, sizeof val, s, len);
  if (p->line) snprintf(where, sizeof where, "line %lu: ", p->line);
  snprintf(msg, sizeof msg, "%s%s%s%s%s%s", where, what, s ? ": " : "",
           s ? val : "", hint ? " " : "", hint ? hint : "");
  p->rep(p->arg, msg);
}

static void report(struct parse *p, int fatal, const char *what,
                   const char *s, size_t len)
{
  report2(p, fatal, what, s, len, NULL);
}

static void badvalue(struct parse *p, const struct key *k,
                     const char *v, size_t len, const char *hint)
{
  char what[64];
  snprintf(what, sizeof what, "bad value for %s", k->name);
  if (k->kind == K_PASS) report2(p, 1, what, NULL, 0, hint);
  else report2(p, 1, what, v, len, hint);
}

static int isident(const char *v, size_t len, size_t max)
{
  size_t i, digits = 0;
  if (len < 1 || len > max) return 0;
  for (i = 0; i < len; ++i) {
    char ch = v[i];
    if (ch >= '0' && ch <= '9') { ++digits; continue; }
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
          ch == '_' || ch == '$')) return 0;
  }
  return digits < len;
}

static int isenvname(const char *v, size_t len)
{
  size_t i;
  if (len < 1 || len > 64 || (v[0] >= '0' && v[0] <= '9')) return 0;
  for (i = 0; i < len; ++i) {
    char ch = v[i];
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
          (ch >= '0' && ch <= '9') || ch == '_')) return 0;
  }
  return 1;
}

static int ishost(const char *v, size_t len)
{
  size_t i;
  for (i = 0; i < len; ++i) {
    char ch = v[i];
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
          (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' ||
          ch == ':' || ch == '_')) return 0;
  }
  return 1;
}

static int isprint_all(const char *v, size_t len)
{
  size_t i;
  for (i = 0; i < len; ++i)
    if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f) return 0;
  return 1;
}

static int getnum(const char *v, size_t len, unsigned long *u)
{
  size_t i;
  unsigned long n = 0;
  if (len < 1) return 0;
  for (i = 0; i < len; ++i) {
    unsigned long d = (unsigned long)(v[i] - '0');
    if (v[i] < '0' || v[i] > '9') return 0;
    if (n > (ULONG_MAX - d) / 10) return 0;
    n = n * 10 + d;
  }
  *u = n;
  return 1;
}

static int setstr(struct parse *p, char **dst, const char *v, size_t len)
{
  char *s = strndup(v, len);
  if (!s) { report(p, 1, "out of memory", NULL, 0); return 0; }
  free(*dst);
  *dst = s;
  return 1;
}

/* set NAME=VALUE; a VALUE in double quotes stands for what is inside. */
static void addset(struct parse *p, const struct key *k,
                   const char *v, size_t len)
{
  struct sqlconf *c = p->c;
  const char *eq = memchr(v, '=', len);
  size_t nl, vl, need;
  char *n;
  if (!eq || !isenvname(v, (size_t)(eq - v))) {
    badvalue(p, k, v, len, "(want NAME=VALUE)");
    return;
  }
  nl = (size_t)(eq - v);
  vl = len - nl - 1;
  if (vl >= 2 && eq[1] == '"' && eq[vl] == '"') { ++eq; vl -= 2; }
  if (!p->haveset) { c->setslen = 0; p->haveset = 1; }
  need = c->setslen + nl + 1 + vl + 1;
  n = realloc(c->sets, need);
  if (!n) { report(p, 1, "out of memory", NULL, 0); return; }
  memcpy(n + c->setslen, v, nl + 1);
  memcpy(n + c->setslen + nl + 1, eq + 1, vl);
  n[need - 1] = 0;
  c->sets = n;
  c->setslen = need;
}

static void setvalue(struct parse *p, const struct key *k,
                     const char *v, size_t len)
{
  struct sqlconf *c = p->c;
  char *base = (char *)c;
  unsigned long u;
  switch (k->kind) {
  case K_SERVER:
    if (len > k->max || !ishost(v, len)) { badvalue(p, k, v, len, NULL); return; }
    if (c->nservers >= SQLCONF_MAXSERVERS) {
      report(p, 1, "too many servers (at most 8)", v, len); return;
    }
    if (setstr(p, &c->server[c->nservers], v, len)) ++c->nservers;
    return;
  case K_STR: case K_PASS:
    if (len < k->min || len > k->max || (k->kind == K_STR && !isprint_all(v, len))) { badvalue(p, k, v, len, "(length or control character)"); return; }
    setstr(p, (char **)(void *)(base + k->off), v, len);
    return;
  case K_PATH:
    if (v[0] != '/' || len > k->max || !isprint_all(v, len)) { badvalue(p, k, v, len, "(want an absolute path)"); return; }
    setstr(p, (char **)(void *)(base + k->off), v, len);
    return;
  case K_IDENT:
    if (!isident(v, len, k->max)) {
      char hint[48];
      snprintf(hint, sizeof hint, "(want 1-%lu of A-Z a-z 0-9 _ $)", k->max);
      badvalue(p, k, v, len, hint);
      return;
    }
    setstr(p, (char **)(void *)(base + k->off), v, len);
    return;
  case K_NUM:
    if (!getnum(v, len, &u) || u < k->min || u > k->max) {
      char hint[48];
      snprintf(hint, sizeof hint, "(want %lu to %lu)", k->min, k->max);
      badvalue(p, k, v, len, hint);
      return;
    }
    if (k->off == OFF(time)) c->time = u;
    else if (k->off == OFF(skew)) c->skew = u;
    else *(unsigned *)(void *)(base + k->off) = (unsigned)u;
    return;
  case K_BOOL:
    if (len == 3 && !strncasecmp(v, "yes", 3)) c->ssl_verify = 1;
    else if (len == 2 && !strncasecmp(v, "no", 2)) c->ssl_verify = 0;
    else badvalue(p, k, v, len, "(want yes or no)");
    return;
  case K_SET:
    addset(p, k, v, len);
    return;
  }
}

static int isspc(char ch) { return ch == ' ' || ch == '\t' || ch == '\r'; }

static void parseline(struct parse *p, const char *s, size_t len)
{
  const char *hash = memchr(s, '#', len);
  size_t i = 0, kl, ks;
  unsigned j;
  if (len > SQLCONF_MAXLINE) { report(p, 0, "malformed: line too long", NULL, 0); return; }
  if (memchr(s, 0, len)) { report(p, 0, "malformed: NUL byte", NULL, 0); return; }
  if (hash) len = (size_t)(hash - s);
  while (len && isspc(s[len - 1])) --len;
  while (i < len && isspc(s[i])) ++i;
  if (i == len) return;
  ks = i;
  while (i < len && !isspc(s[i])) ++i;
  kl = i - ks;
  while (i < len && isspc(s[i])) ++i;
  if (i == len) { report(p, 0, "malformed: key without value", NULL, 0); return; }
  for (j = 0; j < sizeof keys / sizeof keys[0]; ++j)
    if (strlen(keys[j].name) == kl && !strncasecmp(keys[j].name, s + ks, kl)) {
      if ((p->seen & (1UL << j)) && keys[j].kind != K_SERVER &&
          keys[j].kind != K_SET)
        report2(p, 0, "duplicate key", keys[j].name, kl, "(the last one counts)");
      p->seen |= 1UL << j;
      setvalue(p, &keys[j], s + i, len - i);
      return;
    }
  report(p, 0, "unknown key", s + ks, kl);
}

static int defaults(struct sqlconf *c)
{
  memset(c, 0, sizeof *c);
  c->port = 3306;
  c->time = 1800;
  c->skew = 300;
  c->retry = 30;
  c->connect_timeout = 2;
  c->read_timeout = 2;
  c->connections = SQLCONF_CONNECTIONS;
  c->ssl_verify = 1;
  c->table = strdup("relay");
  c->column = strdup("ip_addr");
  c->timecolumn = strdup("timestamp");
  c->sets = malloc(sizeof "RELAYCLIENT=");
  if (!c->table || !c->column || !c->timecolumn || !c->sets) return 0;
  memcpy(c->sets, "RELAYCLIENT=", sizeof "RELAYCLIENT=");
  c->setslen = sizeof "RELAYCLIENT=";
  return 1;
}

static int haslocalhost(const struct sqlconf *c)
{
  size_t i;
  for (i = 0; i < c->nservers; ++i)
    if (!strcmp(c->server[i], "localhost")) return 1;
  return 0;
}

int sqlconf_parse(struct sqlconf *c, const char *buf, size_t len,
                  sqlconf_report *rep, void *arg)
{
  struct parse p = { c, rep, arg, 0, 1, 0, 0 };
  size_t i = 0;
  if (!defaults(c)) report(&p, 1, "out of memory", NULL, 0);
  while (i < len) {
    const char *nl = memchr(buf + i, '\n', len - i);
    size_t end = nl ? (size_t)(nl - buf) : len;
    ++p.line;
    parseline(&p, buf + i, end - i);
    i = end + 1;
  }
  p.line = 0;
  if (!c->nservers && !setstr(&p, &c->server[c->nservers++], "localhost", 9))
    c->nservers = 0;
  if (c->socket && !haslocalhost(c))
    report(&p, 0, "socket unused: no server localhost", NULL, 0);
  if (!c->database) report(&p, 1, "missing database", NULL, 0);
  if (!c->user) report(&p, 1, "missing user", NULL, 0);
  return p.usable;
}

void sqlconf_free(struct sqlconf *c)
{
  size_t i;
  for (i = 0; i < SQLCONF_MAXSERVERS; ++i) free(c->server[i]);
  free(c->socket); free(c->database); free(c->table); free(c->user);
  if (c->pass) { explicit_bzero(c->pass, strlen(c->pass)); free(c->pass); }
  free(c->column); free(c->timecolumn); free(c->netblocks); free(c->sets); free(c->ssl_ca);
  memset(c, 0, sizeof *c);
}
