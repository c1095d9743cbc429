#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "pathexec.h"

static int try_dir(const char *dir, size_t dirlen, const char *file,
                   char *const *argv, char *const *envp)
{
  size_t flen = strlen(file);
  char *buf;

  if (!dirlen) return execve(file, argv, envp);
  if (dirlen + flen + 2 < flen) {
    errno = ENOMEM;
    return -1;
  }
  buf = malloc(dirlen + flen + 2);
  if (!buf) {
    errno = ENOMEM;
    return -1;
  }
  memcpy(buf, dir, dirlen);
  buf[dirlen] = '/';
  memcpy(buf + dirlen + 1, file, flen + 1);
  execve(buf, argv, envp);
  free(buf);
  return -1;
}

int pathexec_run(const char *file, char *const *argv, char *const *envp,
                 const char *path)
{
  int saved = 0;

  if (strchr(file, '/')) return execve(file, argv, envp);
  if (!path) path = "/bin:/usr/bin";
  for (;;) {
    const char *colon = strchr(path, ':');
    size_t n = colon ? (size_t) (colon - path) : strlen(path);

    try_dir(path, n, file, argv, envp);
    if (errno != ENOENT) {
      saved = errno;
      if (saved != EACCES && saved != EPERM && saved != EISDIR) return -1;
    }
    if (!colon) break;
    path = colon + 1;
  }
  errno = saved ? saved : ENOENT;
  return -1;
}
