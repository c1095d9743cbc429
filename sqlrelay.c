#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <mysql.h>
#include <errmsg.h>
#include "sqlconf.h"
#include "sqlfail.h"
#include "sqlrelay.h"

#define IPMAX 64

/* One connection (to server index cur) with its prepared statement.
   The bind arrays point into this struct, so it never moves. */
struct sqlrelay {
  const struct sqlconf *c;
  MYSQL *m;
  MYSQL_STMT *st;
  int cur;                    /* -1: not connected */
  unsigned lasterr;           /* mysql errno of the last failure */
  char query[512];
  MYSQL_BIND param[2], result[1];
  char ip[IPMAX];
  unsigned long iplen, onelen;
  long long age, one;
  my_bool onenull, oneerr;
};

int sqlrelay_init(void)
{
  return mysql_library_init(0, NULL, NULL) ? -1 : 0;
}

struct sqlrelay *sqlrelay_new(const struct sqlconf *c)
{
  struct sqlrelay *r;
  int n;
  if (!c->database || !c->user || !c->nservers) { errno = EINVAL; return NULL; }
  r = calloc(1, sizeof *r);
  if (!r) return NULL;
  r->c = c;
  r->cur = -1;
  if (c->time)
    n = snprintf(r->query, sizeof r->query, "SELECT 1 FROM `%s` WHERE `%s` = ? "
                 "AND `%s` > UNIX_TIMESTAMP() - ? LIMIT 1",
                 c->table, c->column, c->timecolumn);
  else
    n = snprintf(r->query, sizeof r->query,
                 "SELECT 1 FROM `%s` WHERE `%s` = ? LIMIT 1", c->table, c->column);
  if (n < 0 || (size_t)n >= sizeof r->query) { free(r); errno = EINVAL; return NULL; }
  return r;
}

static void disconnect(struct sqlrelay *r)
{
  if (r->st) mysql_stmt_close(r->st);
  if (r->m) mysql_close(r->m);
  r->st = NULL;
  r->m = NULL;
  r->cur = -1;
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

static void mysqlwhy(struct sqlrelay *r, struct sqlrelay_answer *a)
{
  if (r->st && mysql_stmt_errno(r->st))
    setwhy(r, a, mysql_stmt_errno(r->st), mysql_stmt_error(r->st));
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

static void bind(struct sqlrelay *r)
{
  memset(r->param, 0, sizeof r->param);
  memset(r->result, 0, sizeof r->result);
  r->param[0].buffer_type = MYSQL_TYPE_STRING;
  r->param[0].buffer = r->ip;
  r->param[0].buffer_length = sizeof r->ip;
  r->param[0].length = &r->iplen;
  r->param[1].buffer_type = MYSQL_TYPE_LONGLONG;
  r->param[1].buffer = &r->age;
  r->result[0].buffer_type = MYSQL_TYPE_LONGLONG;
  r->result[0].buffer = &r->one;
  r->result[0].buffer_length = sizeof r->one;
  r->result[0].length = &r->onelen;
  r->result[0].is_null = &r->onenull;
  r->result[0].error = &r->oneerr;
}

static int prepare(struct sqlrelay *r, struct sqlrelay_answer *a)
{
  unsigned long want = r->c->time ? 2 : 1;
  r->st = mysql_stmt_init(r->m);
  if (!r->st) { mysqlwhy(r, a); return -1; }
  if (mysql_stmt_prepare(r->st, r->query, strlen(r->query))) { mysqlwhy(r, a); return -1; }
  if (mysql_stmt_param_count(r->st) != want || mysql_stmt_field_count(r->st) != 1) {
    setwhy(r, a, 0, "prepared statement has unexpected shape");
    return -1;
  }
  bind(r);
  if (mysql_stmt_bind_param(r->st, r->param) ||
      mysql_stmt_bind_result(r->st, r->result)) { mysqlwhy(r, a); return -1; }
  return 0;
}

static int connect_to(struct sqlrelay *r, int i, struct sqlrelay_answer *a)
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
    mysqlwhy(r, a);
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
  if (prepare(r, a) < 0) { disconnect(r); return -1; }
  r->cur = i;
  return 0;
}

/* One round trip: execute, then the whole (at most one row) result. */
static int query(struct sqlrelay *r, struct sqlrelay_answer *a)
{
  int f, result;
  if (mysql_stmt_execute(r->st) || mysql_stmt_store_result(r->st)) {
    mysqlwhy(r, a);
    return -1;
  }
  f = mysql_stmt_fetch(r->st);
  if (f == 0 && !r->onenull && r->one == 1) result = 1;
  else if (f == MYSQL_NO_DATA) result = 0;
  else if (f == MYSQL_DATA_TRUNCATED || f == 0) {
    setwhy(r, a, 0, "unexpected result value");
    result = -1;
  } else { mysqlwhy(r, a); result = -1; }
  mysql_stmt_free_result(r->st);
  return result;
}

static int lost(unsigned e)
{
  return e == CR_SERVER_GONE_ERROR || e == CR_SERVER_LOST ||
         e == CR_SERVER_LOST_EXTENDED || e == 1053 /* server shutdown */ ||
         e == 1927 /* connection killed */ || e == 4031 /* idle timeout */;
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
static int try_server(struct sqlrelay *r, int i, struct sqlrelay_answer *a)
{
  int reused = r->cur == i, res;
  unsigned long long t0;
  if (!reused && connect_to(r, i, a) < 0) return -1;
  t0 = usecs();
  res = query(r, a);
  if (res < 0 && reused && lost(r->lasterr) &&
      usecs() - t0 < (unsigned long long)r->c->read_timeout * 1000000ULL) {
    if (connect_to(r, i, a) < 0) return -1;
    res = query(r, a);
  }
  if (res < 0) disconnect(r);
  return res;
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

static int setip(struct sqlrelay *r, const char *ip, struct sqlrelay_answer *a)
{
  size_t n;
  if (!strncasecmp(ip, "::ffff:", 7) && strchr(ip + 7, '.')) ip += 7;
  n = strlen(ip);
  if (n == 0 || n >= IPMAX) { setwhy(r, a, 0, "bad client address"); return -1; }
  memcpy(r->ip, ip, n);
  r->iplen = n;
  r->age = (long long)r->c->time;
  return 0;
}

int sqlrelay_lookup(struct sqlrelay *r, const char *ip, struct sqlrelay_answer *a)
{
  const struct sqlconf *c = r->c;
  unsigned long long t0 = usecs();
  char key[400], why[SQLFAIL_WHY];
  int res = -1, tried = 0;
  size_t i;
  memset(a, 0, sizeof *a);
  setserver(a, c->server[0]);
  if (setip(r, ip, a) < 0) goto done;
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
    res = try_server(r, (int)i, a);
    if (res >= 0) { sqlfail_ok(key); a->why[0] = 0; break; }
    sqlfail_failed(key, c->retry, a->why);
  }
done:
  a->tried = tried;
  a->result = res;
  a->usec = (unsigned long)(usecs() - t0);
  return res;
}
