#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "msg.h"
#include "sqlconf.h"
#include "textfile.h"

/* Reading the control file; the parsing is in sqlconf.c. */

int sqlconf_load(struct sqlconf *c, const char *path,
                 sqlconf_report *rep, void *arg)
{
  struct stat st;
  char *buf;
  ssize_t n;
  int fd, e, r;
  memset(c, 0, sizeof *c);
  fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return -1;
  if (fstat(fd, &st) < 0) { e = errno; close(fd); errno = e; return -1; }
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    if (rep) rep(arg, "not a regular file");
    return 0;
  }
  buf = malloc(SQLCONF_MAXFILE + 1);
  if (!buf) { close(fd); errno = ENOMEM; return -1; }
  n = textfile_readall(fd, buf, SQLCONF_MAXFILE + 1);
  e = errno;
  close(fd);
  if (n < 0) { free(buf); errno = e; return -1; }
  if ((size_t)n > SQLCONF_MAXFILE) {
    free(buf);
    if (rep) rep(arg, "too large");
    return 0;
  }
  r = sqlconf_parse(c, buf, (size_t)n, rep, arg);
  free(buf);
  if ((st.st_mode & 004) && rep) rep(arg, "readable by other users");
  return r;
}

static const char *env_or(const char *var, const char *dflt)
{
  const char *s = getenv(var);
  return (s && *s) ? s : dflt;
}

const char *sqlconf_path(void)
{
  return env_or("TCPSERVER_SQL_CONTROL", "/var/qmail/control/sql");
}

const char *sqlconf_writepath(void)
{
  return env_or("SQLRELAY_WRITE_CONTROL", "/var/qmail/control/sqlwrite");
}

void sqlconf_warn(void *path, const char *problem)
{
  const char *const *p = path;
  msg_warn(*p, strncmp(problem, "line ", 5) ? ": " : " ", problem, NULL);
}
