#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "textfile.h"

ssize_t textfile_readall(int fd, char *buf, size_t max)
{
  size_t got = 0;

  while (got < max) {
    ssize_t r = read(fd, buf + got, max - got);
    if (r < 0) { if (errno == EINTR) continue; return -1; }
    if (r == 0) break;
    got += (size_t) r;
  }
  return (ssize_t) got;
}

int textfile_slurp(const char *path, size_t max, char **buf)
{
  struct stat st;
  ssize_t n;
  int fd = open(path, O_RDONLY | O_CLOEXEC), e;

  if (fd == -1) return -1;
  if (fstat(fd, &st) == -1) goto fail;
  if ((unsigned long long) st.st_size >= max) { errno = EFBIG; goto fail; }
  if (!(*buf = malloc((size_t) st.st_size + 1))) goto fail;
  n = textfile_readall(fd, *buf, (size_t) st.st_size);
  if (n < 0) { e = errno; free(*buf); errno = e; goto fail; }
  (*buf)[n] = 0;
  close(fd);
  return 0;
fail:
  e = errno;
  close(fd);
  errno = e;
  return -1;
}

char *textfile_line(char **s)
{
  char *line = *s, *next, *hash;

  if (!line) return NULL;
  next = strchr(line, '\n');
  if (next) *next++ = 0;
  if ((hash = strchr(line, '#'))) *hash = 0;
  *s = next;
  return line;
}

char *textfile_word(char **s)
{
  char *w = *s + strspn(*s, " \t\r"), *end;

  if (!*w) return NULL;
  end = w + strcspn(w, " \t\r");
  if (*end) *end++ = 0;
  *s = end;
  return w;
}
