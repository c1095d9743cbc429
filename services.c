#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "services.h"

#define SERVICES_MAX (16u << 20)   /* a bigger services file is refused */

/* The file's bytes, NUL-terminated, malloc'd in *buf; -1 with errno. */
static int slurp(const char *path, char **buf)
{
  struct stat st;
  size_t len = 0;
  ssize_t r;
  int fd = open(path, O_RDONLY | O_CLOEXEC), e;

  if (fd == -1) return -1;
  if (fstat(fd, &st) == -1) goto fail;
  if ((unsigned long long) st.st_size >= SERVICES_MAX) { errno = EFBIG; goto fail; }
  if (!(*buf = malloc((size_t) st.st_size + 1))) goto fail;
  while (len < (size_t) st.st_size) {
    r = read(fd, *buf + len, (size_t) st.st_size - len);
    if (r == 0) break;
    if (r < 0) { if (errno == EINTR) continue; free(*buf); goto fail; }
    len += (size_t) r;
  }
  (*buf)[len] = 0;
  close(fd);
  return 0;
fail:
  e = errno;
  close(fd);
  errno = e;
  return -1;
}

/* The next blank-separated word of *s (cut there with a NUL), or NULL. */
static char *word(char **s)
{
  char *w = *s + strspn(*s, " \t\r"), *end;

  if (!*w) return NULL;
  end = w + strcspn(w, " \t\r");
  if (*end) *end++ = 0;
  *s = end;
  return w;
}

/* 1 with *port if line (comment cut off) names name over proto */
static int match(char *line, const char *name, const char *proto,
                 unsigned int *port)
{
  char *official = word(&line), *pp = word(&line), *alias, *slash;
  unsigned long p = 0;

  if (!official || !pp || !(slash = strchr(pp, '/')) || slash == pp) return 0;
  for (char *d = pp; d < slash; ++d) {
    if (*d < '0' || *d > '9') return 0;
    p = (p * 10 + (unsigned long) (*d - '0')) & 65535;
  }
  if (strcmp(slash + 1, proto)) return 0;
  for (alias = official; alias; alias = word(&line))
    if (!strcmp(alias, name)) { *port = (unsigned int) p; return 1; }
  return 0;
}

int services_port(const char *path, const char *name, const char *proto,
                  unsigned int *port)
{
  char *buf, *line, *next, *hash;
  int found = 0;

  if (slurp(path, &buf) == -1) return -1;
  for (line = buf; line && !found; line = next) {
    next = strchr(line, '\n');
    if (next) *next++ = 0;
    if ((hash = strchr(line, '#'))) *hash = 0;
    found = match(line, name, proto, port);
  }
  free(buf);
  return found;
}
