/* bench/cluster/percheck.c: what a user builds without tcpserver -S, for
   bench/cluster/oldway (part B) only. NOT part of the product: the rule
   that sqlrelay.c is the only file including <mysql.h> applies to the
   programs we ship; this bench program links the MariaDB client library
   itself (cc percheck.c $(mariadb_config --cflags --libs)).

   The relay-ctrl-check shape, with a database instead of a directory:
     tcpserver ... percheck PROG [ARGS...]
   runs in every connection's child: a fresh connection to MySQL, one
   SELECT of the client's row (TCPREMOTEIP) in the relay table, then
   RELAYCLIENT="" if the row is younger than PERCHECK_TIME seconds (0: any
   row), and exec PROG. Any failure (no server, no row, bad answer) execs
   PROG without RELAYCLIENT: the mail still flows, it just may not relay.
   Environment: PERCHECK_HOST (127.0.0.1), PERCHECK_PORT (3306),
   PERCHECK_USER, PERCHECK_PASS, PERCHECK_DB, PERCHECK_TABLE (relay),
   PERCHECK_TIME (1800), PERCHECK_TIMEOUT (connect/read seconds, 1). */
#define _POSIX_C_SOURCE 200809L
#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *env(const char *name, const char *dflt)
{
  const char *v = getenv(name);
  return v && *v ? v : dflt;
}

/* only digits, dots, colons and hex letters: the address goes into the
   statement text, as a shell-script check would put it there */
static int plain_ip(const char *ip)
{
  size_t i;
  if (!*ip || strlen(ip) > 45) return 0;
  for (i = 0; ip[i]; i++)
    if (!strchr("0123456789abcdefABCDEF.:", ip[i])) return 0;
  return 1;
}

/* 1: a fresh row, 0: none or any failure */
static int fresh(const char *ip)
{
  unsigned int tmo = (unsigned int) atoi(env("PERCHECK_TIMEOUT", "1"));
  long window = atol(env("PERCHECK_TIME", "1800"));
  char q[512];
  int yes = 0;
  MYSQL *db = mysql_init(NULL);
  MYSQL_RES *res;
  MYSQL_ROW row;

  if (!db) return 0;
  mysql_options(db, MYSQL_OPT_CONNECT_TIMEOUT, &tmo);
  mysql_options(db, MYSQL_OPT_READ_TIMEOUT, &tmo);
  if (!mysql_real_connect(db, env("PERCHECK_HOST", "127.0.0.1"), env("PERCHECK_USER", ""),
                          env("PERCHECK_PASS", ""), env("PERCHECK_DB", ""),
                          (unsigned int) atoi(env("PERCHECK_PORT", "3306")), NULL, 0))
    goto done;
  if (window > 0)
    snprintf(q, sizeof q, "SELECT 1 FROM `%s` WHERE ip_addr = '%s' AND timestamp > UNIX_TIMESTAMP() - %ld LIMIT 1",
             env("PERCHECK_TABLE", "relay"), ip, window);
  else
    snprintf(q, sizeof q, "SELECT 1 FROM `%s` WHERE ip_addr = '%s' LIMIT 1",
             env("PERCHECK_TABLE", "relay"), ip);
  if (mysql_query(db, q) || !(res = mysql_store_result(db))) goto done;
  row = mysql_fetch_row(res);
  yes = row && row[0] && !strcmp(row[0], "1");
  mysql_free_result(res);
done:
  mysql_close(db);
  return yes;
}

int main(int argc, char **argv)
{
  const char *ip = getenv("TCPREMOTEIP");
  if (argc < 2) {
    static const char usage[] = "percheck: usage: percheck prog [args...]\n";
    if (write(2, usage, sizeof usage - 1) < 0) return 100;
    return 100;
  }
  if (ip && plain_ip(ip) && fresh(ip)) setenv("RELAYCLIENT", "", 1);
  execvp(argv[1], argv + 1);
  perror("percheck: exec");
  return 111;
}
