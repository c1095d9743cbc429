#ifndef FUZZ_H
#define FUZZ_H

/* Helpers shared by the libFuzzer targets in fuzz/ (test code only). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Aborts: libFuzzer records the input as a crash. */
#define FUZZ_ASSERT(c) do { if (!(c)) abort(); } while (0)

/* An anonymous file holding exactly buf[0..len) followed by pad zero
   bytes; -1 if the kernel refuses (not a finding). */
static inline int fuzz_memfd(const void *buf, size_t len, size_t pad)
{
  static const char zero[4096];
  const char *p = buf;
  int fd = memfd_create("fuzz", MFD_CLOEXEC);

  if (fd == -1) return -1;
  while (len > 0) {
    ssize_t w = write(fd, p, len);
    if (w <= 0) { close(fd); return -1; }
    p += w;
    len -= (size_t) w;
  }
  while (pad > 0) {
    size_t n = pad < sizeof zero ? pad : sizeof zero;
    ssize_t w = write(fd, zero, n);
    if (w <= 0) { close(fd); return -1; }
    pad -= (size_t) w;
  }
  return fd;
}

/* Consumes one byte from the front of the input; 0 once it is empty. */
static inline unsigned fuzz_byte(const uint8_t **d, size_t *n)
{
  unsigned b;

  if (!*n) return 0;
  b = **d;
  ++*d;
  --*n;
  return b;
}

/* Consumes up to max bytes as a fresh heap copy of exactly that many bytes
   (so ASan sees any overread); sets *len. */
static inline char *fuzz_take(const uint8_t **d, size_t *n, size_t max,
                              size_t *len)
{
  size_t l = *n < max ? *n : max;
  char *s = malloc(l ? l : 1);

  if (!s) abort();
  memcpy(s, *d, l);
  *d += l;
  *n -= l;
  *len = l;
  return s;
}

/* A NUL-terminated heap copy of the input up to its first sep byte (which
   is consumed) or its end. */
static inline char *fuzz_field(const uint8_t **d, size_t *n, uint8_t sep)
{
  const uint8_t *e = memchr(*d, sep, *n);
  size_t l = e ? (size_t) (e - *d) : *n;
  char *s = malloc(l + 1);

  if (!s) abort();
  memcpy(s, *d, l);
  s[l] = 0;
  *d += l + (e ? 1 : 0);
  *n -= l + (e ? 1 : 0);
  return s;
}

#endif
