#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>
#include "cidr.h"
#include "net.h"
#include "relayip.h"
#include "sqlconf.h"
#include "sqlfail.h"
#include "sqlrelay.h"

#define REFUSED_RETRY 60                /* seconds */

_Static_assert(sizeof ((struct sqlrelay_answer *) 0)->matched >= NET_IPFMT,
               "a key fits the answer");

/* The keys asked for one address (relayip_forms): n of them, the
   others NULL (they match no row). */
struct keys {
  char key[RELAYIP_FORMS][NET_IPFMT];
  unsigned long len[RELAYIP_FORMS];
  my_bool null[RELAYIP_FORMS];
  int n;
  char bits[CIDR_KEYMAX + 1]; /* the netblocks' key of the address */
  unsigned long bitslen;
  my_bool bitsnull;
};

/* One connection (to server index cur) with its prepared statements:
   st[k] asks about k addresses at once, k a power of two (st[1] is
   prepared on connect, the others on first use), so a connection holds
   at most 6 statements on the server. The bind arrays point into this
   struct, so it never moves. */
struct sqlrelay {
  const struct sqlconf *c;
  MYSQL *m;
  MYSQL_STMT *st[SQLRELAY_BATCH + 1];
  time_t refused[SQLRELAY_BATCH + 1];  /* when the server refused st[k] */
  int cur;                    /* -1: not connected */
  int wserver, wstrict;       /* a writer's connection: server, mode; -1 none */
  unsigned lasterr;           /* mysql errno of the last failure */
  struct keys ip[SQLRELAY_BATCH];
  unsigned long onelen[SQLRELAY_BATCH];
  int matched[SQLRELAY_BATCH];
  long long age, skew, one[SQLRELAY_BATCH];
  my_bool onenull[SQLRELAY_BATCH], oneerr[SQLRELAY_BATCH];
};

int sqlrelay_init(void)
{
  return mysql_library_init(0, NULL, NULL) ? -1 : 0;
}

/* The statement for k addresses: one row of k values (k = 1 a plain
   lookup, k > 1 scalar subqueries), each the MIN over the rows of the
   address's keys (IN: through the primary key) of 4 * answer + form,
   NULL when none is in the table. answer: 1 a fresh row, a row dated
   beyond now + skew its own time (at least 2); form: 1 if the row's key
   has no ':' (for IPv6 vpopmail's transform, relayip_forms' second key:
   the address's own text always has one), 2 a netblock (answer 1: the
   netblocks table, if any: the lengths in use in the address's family
   from the small table NAME_len, which the table's triggers write, then
   the nkey index for each: control-sql.example). A fresh row wins over
   a netblock, a netblock over a future row, the address's text over the
   transform. So each answer keeps the exact meaning of the single
   lookup. An address costs one nkey dive per length its family has and
   no temporary table: the lengths found with a GROUP BY of a plen index
   cost several times the whole relay lookup in optimising alone.
   malloc'd; NULL with errno. */
#define NOROW "9223372036854775807"
static int one_text(const struct sqlconf *c, char *one, size_t max)
{
  char rel[1024];
  int w;

  if (c->time)
    w = snprintf(rel, sizeof rel, "SELECT MIN(IF(`%s` > UNIX_TIMESTAMP() + ?, "
                 "GREATEST(CAST(`%s` AS SIGNED), 2), 1) * 4 + (LOCATE(':', `%s`) = 0)) "
                 "FROM `%s` WHERE `%s` IN (?, ?) AND `%s` > UNIX_TIMESTAMP() - ?",
                 c->timecolumn, c->timecolumn, c->column, c->table, c->column,
                 c->timecolumn);
  else
    w = snprintf(rel, sizeof rel, "SELECT MIN(4 + (LOCATE(':', `%s`) = 0)) FROM `%s` "
                 "WHERE `%s` IN (?, ?)", c->column, c->table, c->column);
  if (w < 0 || (size_t) w >= sizeof rel) return -1;
  if (!c->netblocks) return snprintf(one, max, "%s", rel);
  return snprintf(one, max, "NULLIF(LEAST(COALESCE((%s), " NOROW "), "
                  "COALESCE((SELECT MIN(6) FROM `%s_len` l JOIN `%s` n ON n.nkey = "
                  "LEFT(?, l.plen + 1) WHERE l.fam = LEFT(?, 1) AND (n.expires IS "
                  "NULL OR n.expires > UNIX_TIMESTAMP())), " NOROW ")), " NOROW ")",
                  rel, c->netblocks, c->netblocks);
}

static char *query_text(const struct sqlconf *c, size_t k)
{
  char one[2048], *q;
  size_t i, len, n;
  int w = one_text(c, one, sizeof one), plain = !c->netblocks && k == 1;

  if (w < 0 || (size_t) w >= sizeof one) { errno = EINVAL; return NULL; }
  len = (size_t) w;
  n = plain ? len + 1 : sizeof "SELECT " + k * (len + 4);
  q = malloc(n);
  if (!q) return NULL;
  if (plain) { memcpy(q, one, len + 1); return q; }
  memcpy(q, "SELECT ", 7);
  for (i = 0, n = 7; i < k; ++i) {
    if (i) { q[n++] = ','; q[n++] = ' '; }
    q[n++] = '(';
    memcpy(q + n, one, len);
    n += len;
    q[n++] = ')';
  }
  q[n] = 0;
  return q;
}

struct sqlrelay *sqlrelay_new(const struct sqlconf *c)
{
  struct sqlrelay *r;
  char *q;
  if (!c->database || !c->user || !c->nservers) { errno = EINVAL; return NULL; }
  q = query_text(c, SQLRELAY_BATCH);   /* the longest: checks the names */
  if (!q) return NULL;
  free(q);
  r = calloc(1, sizeof *r);
  if (!r) return NULL;
  r->c = c;
  r->cur = -1;
  r->wserver = -1;
  return r;
}

static void disconnect(struct sqlrelay *r)
{
  size_t k;
  for (k = 1; k <= SQLRELAY_BATCH; ++k) {
    if (r->st[k]) mysql_stmt_close(r->st[k]);
    r->st[k] = NULL;
    r->refused[k] = 0;
  }
  if (r->m) mysql_close(r->m);
  r->m = NULL;
  r->cur = -1;
  r->wserver = -1;
}

void sqlrelay_free(struct sqlrelay *r)
{
  if (!r) return;
  disconnect(r);
  free(r);
}

void sqlrelay_forget_failures(void)
{
  sqlfail_forget();
}

/* The cause, sanitised, with any occurrence of the password masked. */
static void setwhy(struct sqlrelay *r, struct sqlrelay_answer *a,
                   unsigned err, const char *text)
{
  const char *pass = r->c->pass;
  size_t i, n = strlen(text), pl = pass ? strlen(pass) : 0;
  char *hit;
  r->lasterr = err;
  if (n >= sizeof a->why) n = sizeof a->why - 1;
  for (i = 0; i < n; ++i)
    a->why[i] = (text[i] >= 0x20 && text[i] < 0x7f) ? text[i] : '?';
  a->why[n] = 0;
  if (pl >= 3)
    while ((hit = strstr(a->why, pass))) memset(hit, '*', pl);
  if (!n) { memcpy(a->why, "unknown error", 14); }
}

static void mysqlwhy(struct sqlrelay *r, MYSQL_STMT *st, struct sqlrelay_answer *a)
{
  if (st && mysql_stmt_errno(st))
    setwhy(r, a, mysql_stmt_errno(st), mysql_stmt_error(st));
  else
    setwhy(r, a, mysql_errno(r->m), mysql_error(r->m));
}

static void options(struct sqlrelay *r)
{
  const struct sqlconf *c = r->c;
  unsigned ct = c->connect_timeout, rt = c->read_timeout, zero = 0;
  mysql_options(r->m, MYSQL_OPT_CONNECT_TIMEOUT, &ct);
  mysql_options(r->m, MYSQL_OPT_READ_TIMEOUT, &rt);
  mysql_options(r->m, MYSQL_OPT_WRITE_TIMEOUT, &rt);
  mysql_options(r->m, MYSQL_OPT_LOCAL_INFILE, &zero);
  if (c->ssl_ca) {
    my_bool on = 1, verify = c->ssl_verify ? 1 : 0;
    mysql_options(r->m, MYSQL_OPT_SSL_CA, c->ssl_ca);
    mysql_options(r->m, MYSQL_OPT_SSL_ENFORCE, &on);
    mysql_options(r->m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify);
  }
}

static int lost(unsigned e)
{
  return e == CR_SERVER_GONE_ERROR || e == CR_SERVER_LOST ||
         e == CR_SERVER_LOST_EXTENDED || e == 1053 /* server shutdown */ ||
         e == 1927 /* connection killed */ || e == 4031 /* idle timeout */;
}

/* the parameters of one address in the statement: its keys, the skew
   and the age with a time column, its netblocks' key twice (the
   candidates, their family) with a netblocks table; at most PARAMS_MAX */
#define PARAMS_MAX (RELAYIP_FORMS + 4)
static unsigned long params_of(const struct sqlconf *c)
{
  return RELAYIP_FORMS + (c->time ? 2 : 0) + (c->netblocks ? 2 : 0);
}

/* binds st (k addresses): the parameters are the keys of the first k
   addresses, each address's between the skew and the age when the table
   has a time column */
static int bind(struct sqlrelay *r, MYSQL_STMT *st, size_t k)
{
  MYSQL_BIND param[PARAMS_MAX * SQLRELAY_BATCH], result[SQLRELAY_BATCH];
  size_t i, j, p = 0;

  memset(param, 0, sizeof param);
  memset(result, 0, sizeof result);
  for (i = 0; i < k; ++i) {
    if (r->c->time) {
      param[p].buffer_type = MYSQL_TYPE_LONGLONG;
      param[p++].buffer = &r->skew;
    }
    for (j = 0; j < RELAYIP_FORMS; ++j) {
      param[p].buffer_type = MYSQL_TYPE_STRING;
      param[p].buffer = r->ip[i].key[j];
      param[p].buffer_length = sizeof r->ip[i].key[j];
      param[p].is_null = &r->ip[i].null[j];
      param[p++].length = &r->ip[i].len[j];
    }
    if (r->c->time) {
      param[p].buffer_type = MYSQL_TYPE_LONGLONG;
      param[p++].buffer = &r->age;
    }
    if (r->c->netblocks) {
      param[p].buffer_type = MYSQL_TYPE_STRING;
      param[p].buffer = r->ip[i].bits;
      param[p].buffer_length = sizeof r->ip[i].bits;
      param[p].is_null = &r->ip[i].bitsnull;
      param[p++].length = &r->ip[i].bitslen;
      param[p] = param[p - 1];   /* again: its family */
      ++p;
    }
    result[i].buffer_type = MYSQL_TYPE_LONGLONG;
    result[i].buffer = &r->one[i];
    result[i].buffer_length = sizeof r->one[i];
    result[i].length = &r->onelen[i];
    result[i].is_null = &r->onenull[i];
    result[i].error = &r->oneerr[i];
  }
  return mysql_stmt_bind_param(st, param) || mysql_stmt_bind_result(st, result)
         ? -1 : 0;
}

/* st[k] ready: 0. -1 error (a->why). 1: the server refused the
   statement for k addresses for want of room (max_prepared_stmt_count):
   ask one by one, and try again a minute later. */
static int prepare(struct sqlrelay *r, size_t k, struct sqlrelay_answer *a)
{
  unsigned long want = k * params_of(r->c);
  char *q;
  MYSQL_STMT *st;
  unsigned e;

  if (r->st[k]) return 0;
  if (r->refused[k] && time(NULL) - r->refused[k] < REFUSED_RETRY) return 1;
  q = query_text(r->c, k);
  if (!q) { setwhy(r, a, 0, "out of memory"); return -1; }
  st = mysql_stmt_init(r->m);
  if (!st) { free(q); mysqlwhy(r, NULL, a); return -1; }
  if (mysql_stmt_prepare(st, q, strlen(q))) {
    free(q);
    mysqlwhy(r, st, a);
    e = mysql_stmt_errno(st);
    mysql_stmt_close(st);
    if (k == 1 || e != ER_MAX_PREPARED_STMT_COUNT_REACHED) return -1;
    r->refused[k] = time(NULL);
    return 1;
  }
  free(q);
  if (mysql_stmt_param_count(st) != want || mysql_stmt_field_count(st) != k) {
    setwhy(r, a, 0, "prepared statement has unexpected shape");
    mysql_stmt_close(st);
    return -1;
  }
  if (bind(r, st, k)) { mysqlwhy(r, st, a); mysql_stmt_close(st); return -1; }
  r->st[k] = st;
  return 0;
}

/* connected to server i (no statement prepared yet): 0, or -1 (a->why) */
static int open_server(struct sqlrelay *r, int i, struct sqlrelay_answer *a)
{
  const struct sqlconf *c = r->c;
  const char *host = c->server[i];
  const char *sock = strcmp(host, "localhost") ? NULL : c->socket;
  int fd;
  disconnect(r);
  r->m = mysql_init(NULL);
  if (!r->m) { setwhy(r, a, 0, "out of memory"); return -1; }
  options(r);
  if (!mysql_real_connect(r->m, host, c->user, c->pass ? c->pass : "",
                          c->database, c->port, sock, 0)) {
    mysqlwhy(r, NULL, a);
    disconnect(r);
    return -1;
  }
  fd = mysql_get_socket(r->m);
  if (fd >= 0) fcntl(fd, F_SETFD, FD_CLOEXEC);
  if (c->ssl_ca && !mysql_get_ssl_cipher(r->m)) {
    setwhy(r, a, 0, "connection is not encrypted");
    disconnect(r);
    return -1;
  }
  return 0;
}

static int connect_to(struct sqlrelay *r, int i, struct sqlrelay_answer *a)
{
  if (open_server(r, i, a) < 0) return -1;
  if (prepare(r, 1, a) != 0) { disconnect(r); return -1; }
  r->cur = i;
  return 0;
}

/* value v of query_text for address i: res SQLRELAY_*, r->matched[i] the
   key that answered; 0, or -1 if v cannot be */
static int decode(struct sqlrelay *r, size_t i, long long v, int *res,
                  struct sqlrelay_answer *a)
{
  long long answer = v / 4, form = v % 4;

  if (form == 3 || (form == 2 && (answer != 1 || !r->c->netblocks))) return -1;
  r->matched[i] = form == 2 ? SQLRELAY_NETBLOCK : form == 1 && r->ip[i].n > 1;
  if (answer == 1) *res = SQLRELAY_RELAY;
  else if (answer >= 2 && r->c->time) {
    *res = SQLRELAY_FUTURE;
    a->future = answer;
  } else return -1;
  return 0;
}

/* One round trip: execute st[k] for the first k addresses, then the
   whole (one row) result; res[i] SQLRELAY_*. */
static int run(struct sqlrelay *r, size_t k, int *res, struct sqlrelay_answer *a)
{
  MYSQL_STMT *st = r->st[k];
  size_t i;
  int f, result = 0;

  if (mysql_stmt_execute(st) || mysql_stmt_store_result(st)) {
    mysqlwhy(r, st, a);
    return -1;
  }
  f = mysql_stmt_fetch(st);
  if (f == 0) {
    for (i = 0; i < k && result == 0; ++i) {
      r->matched[i] = 0;
      if (r->onenull[i]) res[i] = SQLRELAY_NORELAY;
      else result = decode(r, i, r->one[i], res + i, a);
    }
    if (result) setwhy(r, a, 0, "unexpected result value");
  } else if (f == MYSQL_DATA_TRUNCATED || f == MYSQL_NO_DATA) {
    setwhy(r, a, 0, "unexpected result value");
    result = -1;
  } else { mysqlwhy(r, st, a); result = -1; }
  mysql_stmt_free_result(st);
  return result;
}

/* exchanges the keys of addresses 0 and i */
static void swap_first(struct sqlrelay *r, size_t i)
{
  struct keys k = r->ip[0];
  r->ip[0] = r->ip[i];
  r->ip[i] = k;
}

/* the answers for the n addresses in r->ip: in one statement when the
   server takes it (k, the next power of two, places: the rest ask about
   NULL, no row), else one by one */
static int query(struct sqlrelay *r, size_t n, int *res, struct sqlrelay_answer *a)
{
  size_t i, k = 1;
  int p, result = 0, pad[SQLRELAY_BATCH], matched[SQLRELAY_BATCH];

  while (k < n) k *= 2;
  p = prepare(r, k, a);
  if (p < 0) return -1;
  if (p == 0) {
    for (i = n; i < k; ++i) {
      memset(&r->ip[i], 0, sizeof r->ip[i]);
      memset(r->ip[i].null, 1, sizeof r->ip[i].null);
      r->ip[i].bitsnull = 1;
    }
    result = run(r, k, pad, a);
    if (result == 0) memcpy(res, pad, n * sizeof *res);
    return result;
  }
  for (i = 0; i < n && result == 0; ++i) {
    if (i) swap_first(r, i);
    result = run(r, 1, res + i, a);
    matched[i] = r->matched[0];
    if (i) swap_first(r, i);   /* a retry asks the same again */
  }
  memcpy(r->matched, matched, i * sizeof *matched);   /* the addresses asked */
  return result;
}

static unsigned long long usecs(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (unsigned long long)ts.tv_sec * 1000000ULL +
         (unsigned long long)ts.tv_nsec / 1000ULL;
}

/* A kept connection that turns out lost is reconnected once, unless the
   loss took a whole read timeout (a hung server: do not wait twice). */
static int try_server(struct sqlrelay *r, int i, size_t n, int *res,
                      struct sqlrelay_answer *a)
{
  int reused = r->cur == i, result;
  unsigned long long t0;
  if (!reused && connect_to(r, i, a) < 0) return -1;
  t0 = usecs();
  result = query(r, n, res, a);
  if (result < 0 && reused && lost(r->lasterr) &&
      usecs() - t0 < (unsigned long long)r->c->read_timeout * 1000000ULL) {
    if (connect_to(r, i, a) < 0) return -1;
    result = query(r, n, res, a);
  }
  if (result < 0) disconnect(r);
  return result;
}

static void serverkey(const struct sqlconf *c, int i, char *key, size_t n)
{
  if (!strcmp(c->server[i], "localhost") && c->socket)
    snprintf(key, n, "localhost:%s", c->socket);
  else
    snprintf(key, n, "%s:%u", c->server[i], c->port);
}

static void setserver(struct sqlrelay_answer *a, const char *s)
{
  size_t n = strlen(s);
  if (n >= sizeof a->server) n = sizeof a->server - 1;
  memcpy(a->server, s, n);
  a->server[n] = 0;
}

int sqlrelay_ip_ok(const char *ip)
{
  char forms[RELAYIP_FORMS][NET_IPFMT];
  return relayip_forms(ip, forms) > 0;
}

/* the address as the netblocks' nkey column spells it (mapped: IPv4) */
static void netbits(struct keys *k, const char *ip)
{
  struct net_ip a;

  k->bitsnull = !net_ip_scan(ip, &a);
  if (k->bitsnull) { k->bitslen = 0; return; }
  net_ip_unmap(&a);
  k->bitslen = cidr_bits(&a, k->bits);
}

int sqlrelay_lookup_many(struct sqlrelay *r, const char *const *ips, size_t n,
                         int *res, struct sqlrelay_answer *a)
{
  const struct sqlconf *c = r->c;
  unsigned long long t0 = usecs();
  char key[400], why[SQLFAIL_WHY];
  int result = -1, tried = 0;
  size_t i, j;

  memset(a, 0, sizeof *a);
  setserver(a, c->server[0]);
  if (n < 1 || n > SQLRELAY_BATCH) { setwhy(r, a, 0, "bad batch size"); goto done; }
  for (i = 0; i < n; ++i) {
    struct keys *k = &r->ip[i];
    k->n = relayip_forms(ips[i], k->key);
    if (!k->n) { setwhy(r, a, 0, "bad client address"); goto done; }
    for (j = 0; j < RELAYIP_FORMS; ++j) {
      k->null[j] = (int) j >= k->n;
      k->len[j] = (int) j < k->n ? strlen(k->key[j]) : 0;
    }
    netbits(k, ips[i]);
  }
  r->age = (long long)c->time;
  r->skew = (long long)c->skew;
  for (i = 0; i < c->nservers; ++i) {
    serverkey(c, (int)i, key, sizeof key);
    if (sqlfail_check(key, c->retry, why, sizeof why)) {
      if (!tried) {
        char msg[sizeof a->why];
        snprintf(msg, sizeof msg, "skipped after a recent failure: %s", why);
        setserver(a, c->server[i]);
        setwhy(r, a, 0, msg);
      }
      continue;
    }
    tried = 1;
    setserver(a, c->server[i]);
    result = try_server(r, (int)i, n, res, a);
    if (result >= 0) { sqlfail_ok(key); a->why[0] = 0; break; }
    sqlfail_failed(key, c->retry, a->why);
  }
done:
  a->tried = tried;
  a->result = result;
  a->usec = (unsigned long)(usecs() - t0);
  return result;
}

int sqlrelay_lookup(struct sqlrelay *r, const char *ip, struct sqlrelay_answer *a)
{
  int res = 0;

  if (sqlrelay_lookup_many(r, &ip, 1, &res, a) < 0) return -1;
  a->result = res;
  a->netblock = res == SQLRELAY_RELAY && r->matched[0] == SQLRELAY_NETBLOCK;
  if (res != SQLRELAY_NORELAY && !a->netblock) {
    const char *key = r->ip[0].key[r->matched[0]];
    memcpy(a->matched, key, strlen(key) + 1);
  }
  return res;
}

/* the statement of sqlrelay_netblocks (bits: '0'/'1' only, no quoting) */
static int netblocks_text(const struct sqlconf *c, const char *bits, char *q,
                          size_t max)
{
  if (!bits)
    return snprintf(q, max, "SELECT net, 2 FROM `%s` WHERE plen IS NULL OR nkey "
                    "IS NULL UNION ALL SELECT DISTINCT CONCAT('/', n.plen, IF(LEFT("
                    "n.nkey, 1) = '_', ' (IPv4)', ' (IPv6)')), 3 FROM `%s` n LEFT "
                    "JOIN `%s_len` l ON l.fam = LEFT(n.nkey, 1) AND l.plen = n.plen "
                    "WHERE n.nkey IS NOT NULL AND l.plen IS NULL ORDER BY 2, 1",
                    c->netblocks, c->netblocks, c->netblocks);
  return snprintf(q, max, "SELECT n.net, IF(n.expires IS NULL OR n.expires > "
                  "UNIX_TIMESTAMP(), 0, 1) FROM `%s_len` l JOIN `%s` n ON n.nkey = "
                  "LEFT('%s', l.plen + 1) WHERE l.fam = LEFT('%s', 1) ORDER BY "
                  "n.plen DESC, n.net", c->netblocks, c->netblocks, bits, bits);
}

long sqlrelay_netblocks(struct sqlrelay *r, const char *ip,
                        void (*fn)(void *arg, const char *net, int state),
                        void *arg, struct sqlrelay_answer *a)
{
  struct keys k;
  char q[1024];
  MYSQL_RES *res;
  MYSQL_ROW row;
  long n = 0;
  size_t i;
  int w;

  if (!r->c->netblocks) return 0;
  if (ip) {
    netbits(&k, ip);
    if (k.bitsnull) { setwhy(r, a, 0, "bad client address"); return -1; }
  }
  w = netblocks_text(r->c, ip ? k.bits : NULL, q, sizeof q);
  if (w < 0 || (size_t) w >= sizeof q) { setwhy(r, a, 0, "names too long"); return -1; }
  for (i = 0; r->cur < 0 && i < r->c->nservers; ++i) {
    setserver(a, r->c->server[i]);
    if (connect_to(r, (int) i, a) < 0) continue;
  }
  if (r->cur < 0) return -1;
  if (mysql_real_query(r->m, q, (unsigned long) w) || !(res = mysql_store_result(r->m))) {
    mysqlwhy(r, NULL, a);
    return -1;
  }
  while ((row = mysql_fetch_row(res)) != NULL) {
    int state = row[1] ? row[1][0] - '0' : SQLRELAY_NB_OK;
    fn(arg, row[0] ? row[0] : "", state >= SQLRELAY_NB_OK && state <= SQLRELAY_NB_NOLEN
                                  ? state : SQLRELAY_NB_OK);
    ++n;
  }
  mysql_free_result(res);
  return n;
}

/* The writing side: one server at a time, the caller tries them in
   order (sqlrelayopen, sqlrelayexpire). */

/* connected to server i for writing: 0, or -1 (a->why). strict: the
   writer's mode (an address too long for its column is an error, never
   cut short); else none (the expiry's comparisons on a char time column
   must not fail on a garbage value: such a row is deleted as old) */
static int open_writer(struct sqlrelay *r, size_t i, int strict,
                       struct sqlrelay_answer *a)
{
  memset(a, 0, sizeof *a);
  if (i >= r->c->nservers) { setwhy(r, a, 0, "no such server"); return -1; }
  setserver(a, r->c->server[i]);
  a->tried = 1;
  if (r->m && r->wserver == (int) i && r->wstrict == strict) return 0;
  if (open_server(r, (int) i, a) < 0) return -1;
  if (mysql_query(r->m, strict ? "SET SESSION sql_mode = "
                  "CONCAT(@@SESSION.sql_mode, ',STRICT_ALL_TABLES')"
                  : "SET SESSION sql_mode = ''")) {
    mysqlwhy(r, NULL, a);
    disconnect(r);
    return -1;
  }
  r->wserver = (int) i;        /* cur stays -1: never used for lookups */
  r->wstrict = strict;
  return 0;
}

static void bind_text(MYSQL_BIND *b, const char *s, unsigned long *len)
{
  *len = (unsigned long) strlen(s);
  b->buffer_type = MYSQL_TYPE_STRING;
  b->buffer = (void *) (uintptr_t) s;
  b->buffer_length = *len;
  b->length = len;
}

static void bind_ll(MYSQL_BIND *b, long long *v)
{
  b->buffer_type = MYSQL_TYPE_LONGLONG;
  b->buffer = v;
}

/* st prepared from q and executed with the bound parameters; the affected
   row count, or -1 (a->why; r->lasterr) */
static long long exec_once(struct sqlrelay *r, const char *q, MYSQL_BIND *param,
                           unsigned long nparam, struct sqlrelay_answer *a)
{
  MYSQL_STMT *st = mysql_stmt_init(r->m);
  long long n = -1;

  if (!st) { mysqlwhy(r, NULL, a); return -1; }
  if (mysql_stmt_prepare(st, q, strlen(q)) ||
      mysql_stmt_param_count(st) != nparam ||
      mysql_stmt_bind_param(st, param) || mysql_stmt_execute(st))
    mysqlwhy(r, st, a);
  else
    n = (long long) mysql_stmt_affected_rows(st);
  mysql_stmt_close(st);
  return n;
}

int sqlrelay_write(struct sqlrelay *r, size_t server, const char *ip,
                   struct sqlrelay_answer *a)
{
  const struct sqlconf *c = r->c;
  unsigned long long t0 = usecs();
  unsigned long len;
  MYSQL_BIND param[1];
  char q[512];
  int result = -1;

  if (open_writer(r, server, 1, a) < 0) goto done;
  snprintf(q, sizeof q, "REPLACE INTO `%s` (`%s`, `%s`) VALUES (?, UNIX_TIMESTAMP())",
           c->table, c->column, c->timecolumn);
  memset(param, 0, sizeof param);
  bind_text(&param[0], ip, &len);
  if (exec_once(r, q, param, 1, a) >= 0) result = 1;
  else if (r->lasterr == ER_DATA_TOO_LONG) {
    char why[sizeof a->why];
    snprintf(why, sizeof why, "address does not fit column %s", c->column);
    setwhy(r, a, ER_DATA_TOO_LONG, why);
    result = 0;
  } else disconnect(r);
done:
  a->result = result;
  a->usec = (unsigned long) (usecs() - t0);
  return result;
}

/* the window after key (NULL: from the start): its last key, the limit-th
   in index order, into hi; 1 found, 0 fewer keys are left, -1 error */
static int window_end(struct sqlrelay *r, const char *key, unsigned long limit,
                      char *hi, size_t himax, struct sqlrelay_answer *a)
{
  const struct sqlconf *c = r->c;
  MYSQL_BIND param[2], result[1];
  unsigned long klen, hlen = 0;
  long long off = (long long) limit - 1;
  my_bool isnull = 0, err = 0;
  MYSQL_STMT *st;
  char q[512];
  int f, n = 0, got = -1;

  snprintf(q, sizeof q, "SELECT `%s` FROM `%s`%s%s%s ORDER BY `%s` LIMIT 1 OFFSET ?",
           c->column, c->table, key ? " WHERE `" : "", key ? c->column : "",
           key ? "` > ?" : "", c->column);
  memset(param, 0, sizeof param);
  memset(result, 0, sizeof result);
  if (key) bind_text(&param[n++], key, &klen);
  bind_ll(&param[n++], &off);
  result[0].buffer_type = MYSQL_TYPE_STRING;
  result[0].buffer = hi;
  result[0].buffer_length = himax - 1;
  result[0].length = &hlen;
  result[0].is_null = &isnull;
  result[0].error = &err;
  if (!(st = mysql_stmt_init(r->m))) { mysqlwhy(r, NULL, a); return -1; }
  if (mysql_stmt_prepare(st, q, strlen(q)) || mysql_stmt_param_count(st) != (unsigned long) n ||
      mysql_stmt_bind_param(st, param) || mysql_stmt_bind_result(st, result) ||
      mysql_stmt_execute(st) || mysql_stmt_store_result(st))
    mysqlwhy(r, st, a);
  else if ((f = mysql_stmt_fetch(st)) == MYSQL_NO_DATA) got = 0;
  else if (f == 0 && !isnull && hlen < himax) { hi[hlen] = 0; got = 1; }
  else setwhy(r, a, 0, "key too long for the expiry window");
  mysql_stmt_close(st);
  return got;
}

long long sqlrelay_expire(struct sqlrelay *r, size_t server, unsigned long age,
                          unsigned long limit, char *key, size_t keymax,
                          int *more, struct sqlrelay_answer *a)
{
  const struct sqlconf *c = r->c;
  unsigned long long t0 = usecs();
  long long sage = (long long) age, sskew = (long long) c->skew, n = -1;
  char hi[SQLRELAY_KEYMAX], q[640];
  unsigned long klen, hlen;
  MYSQL_BIND param[4];
  int last, p = 0, after = *more;   /* 0: from the start */

  *more = 0;
  if (open_writer(r, server, 0, a) < 0) goto done;
  /* hi fits key: the walk never stops early for want of room */
  last = window_end(r, after ? key : NULL, limit, hi,
                    keymax < sizeof hi ? keymax : sizeof hi, a);
  if (last < 0) { disconnect(r); goto done; }
  snprintf(q, sizeof q, "DELETE FROM `%s` WHERE %s%s%s%s%s%s(`%s` <= UNIX_TIMESTAMP() - ? "
           "OR `%s` > UNIX_TIMESTAMP() + ? OR `%s` IS NULL)", c->table,
           after ? "`" : "", after ? c->column : "", after ? "` > ? AND " : "",
           last ? "`" : "", last ? c->column : "", last ? "` <= ? AND " : "",
           c->timecolumn, c->timecolumn, c->timecolumn);
  memset(param, 0, sizeof param);
  if (after) bind_text(&param[p++], key, &klen);
  if (last) bind_text(&param[p++], hi, &hlen);
  bind_ll(&param[p++], &sage);
  bind_ll(&param[p++], &sskew);
  n = exec_once(r, q, param, (unsigned long) p, a);
  if (n < 0) { disconnect(r); goto done; }
  if (last) {
    memcpy(key, hi, hlen + 1);
    *more = 1;
  }
done:
  a->result = n < 0 ? -1 : 0;
  a->usec = (unsigned long) (usecs() - t0);
  return n;
}
