#include <errno.h>
#include <stddef.h>
#include "errstr.h"

struct errtext {
  int e;
  const char *text;
};

/* Order matters where two names share a value: the first entry wins. */
static const struct errtext table[] = {
  { ENOENT, "file does not exist" },
  { EACCES, "access denied" },
  { EPERM, "permission denied" },
  { EADDRINUSE, "address already used" },
  { EADDRNOTAVAIL, "address not available" },
  { ECONNREFUSED, "connection refused" },
  { ECONNRESET, "connection reset" },
  { ETIMEDOUT, "timed out" },
  { EPROTO, "protocol error" },
  { EINVAL, "invalid argument" },
  { EISDIR, "is a directory" },
  { ENOTDIR, "not a directory" },
  { ENOMEM, "out of memory" },
  { EAGAIN, "temporary failure" },
  { EWOULDBLOCK, "input/output would block" },
  { EINTR, "interrupted system call" },
  { EPIPE, "broken pipe" },
  { EIO, "input/output error" },
  { EMFILE, "process cannot open more files" },
  { ENFILE, "system cannot open more files" },
  { ENOEXEC, "exec format error" },
  { ETXTBSY, "text busy" },
  { EEXIST, "file already exists" },
  { ENOSPC, "out of disk space" },
  { EROFS, "read-only file system" },
  { ENAMETOOLONG, "file name too long" },
  { ELOOP, "symbolic link loop" },
  { EHOSTUNREACH, "host unreachable" },
  { ENETUNREACH, "network unreachable" },
  { EINPROGRESS, "operation in progress" },
  { ESPIPE, "unseekable descriptor" },
  { EFBIG, "file too big" },
  { EXDEV, "cross-device link" },
  { EAFNOSUPPORT, "address family not supported" },
  { ENODEV, "no such device" },
  { ENXIO, "device not configured" },
};

const char *errstr(int e)
{
  size_t i;

  for (i = 0; i < sizeof table / sizeof table[0]; ++i)
    if (table[i].e == e) return table[i].text;
  return "unknown error";
}
