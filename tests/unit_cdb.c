/* cdb reader and writer: round trips, hash values, damaged files. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cdb/cdb.h"
#include "cdb/cdb_hash.h"
#include "cdb/cdb_make.h"
#include "tests/unit.h"

static char path[4096];

static void key_of(size_t i, char *buf, size_t size, size_t *len)
{
  int n = snprintf(buf, size, "key%zu", i);
  *len = (size_t) n;
}

static int build(size_t n, size_t dups)
{
  static struct cdb_make m;
  char k[32], d[64];
  size_t i, j, kl;
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);

  if (fd == -1 || cdb_make_start(&m, fd) == -1) return -1;
  for (j = 0; j < dups; ++j)
    for (i = 0; i < n; ++i) {
      key_of(i, k, sizeof k, &kl);
      snprintf(d, sizeof d, "data%zu-%zu", i, j);
      if (cdb_make_add(&m, k, kl, d, strlen(d)) == -1) return -1;
    }
  if (cdb_make_finish(&m) == -1) return -1;
  return fd;
}

/* every key found, duplicates in insertion order, then not found */
static int verify(int fd, size_t n, size_t dups)
{
  struct cdb c;
  char k[32], d[64], got[64];
  size_t i, j, kl;

  if (cdb_init(&c, fd) == -1) return 0;
  for (i = 0; i < n; ++i) {
    key_of(i, k, sizeof k, &kl);
    cdb_findstart(&c);
    for (j = 0; j < dups; ++j) {
      snprintf(d, sizeof d, "data%zu-%zu", i, j);
      if (cdb_findnext(&c, k, kl) != 1 || cdb_datalen(&c) != strlen(d)) return 0;
      if (cdb_read(&c, got, strlen(d), cdb_datapos(&c)) == -1) return 0;
      if (memcmp(got, d, strlen(d))) return 0;
    }
    if (cdb_findnext(&c, k, kl) != 0) return 0;
  }
  if (cdb_find(&c, "nokey", 5) != 0 || cdb_find(&c, "", 0) != 0) return 0;
  cdb_free(&c);
  return 1;
}

static void test_hash(void)
{
  char all[256];
  int i;

  for (i = 0; i < 256; ++i) all[i] = (char) i;
  check(cdb_hash("", 0) == 5381, "hash of empty key", "not 5381");
  check(cdb_hash("a", 1) == 177604, "hash of a", "wrong");
  check(cdb_hash("1.2.3.4", 7) == 1011677903U, "hash of 1.2.3.4", "wrong");
  check(cdb_hash("=.example.com", 13) == 3983726289U, "hash of a host key",
        "wrong");
  check(cdb_hash(all, 256) == 3862580485U, "hash uses unsigned bytes",
        "wrong");
}

static void test_empty(void)
{
  struct stat st;
  unsigned char b[2048];
  int fd = build(0, 0), good = 1, i;

  check(fd != -1 && fstat(fd, &st) == 0 && st.st_size == 2048,
        "empty database is 2048 bytes", "size differs");
  if (pread(fd, b, sizeof b, 0) != 2048) good = 0;
  for (i = 0; good && i < 256; ++i)
    if (b[8 * i] != 0 || b[8 * i + 1] != 8 || b[8 * i + 2] || b[8 * i + 3]
        || b[8 * i + 4] || b[8 * i + 5] || b[8 * i + 6] || b[8 * i + 7])
      good = 0;
  check(good, "empty database header is (2048,0) x 256", "bytes differ");
  check(fd != -1 && verify(fd, 0, 0), "empty database finds nothing",
        "lookup failed");
  if (fd != -1) close(fd);
}

static void test_roundtrip(size_t n, size_t dups, const char *what)
{
  int fd = build(n, dups);

  check(fd != -1 && verify(fd, n, dups), what, "lookup mismatch");
  if (fd != -1) close(fd);
}

static void put32(unsigned char *b, uint32_t u)
{
  b[0] = (unsigned char) u;
  b[1] = (unsigned char) (u >> 8);
  b[2] = (unsigned char) (u >> 16);
  b[3] = (unsigned char) (u >> 24);
}

/* writes len bytes of img to path; result of looking up key in it */
static int lookup_in(const unsigned char *img, size_t len, const char *key,
                     int *err)
{
  struct cdb c;
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644), r;

  if (fd == -1 || write(fd, img, len) != (ssize_t) len) return -2;
  errno = 0;
  r = cdb_init(&c, fd);
  if (r == 0) {
    r = cdb_find(&c, key, strlen(key));
    cdb_free(&c);
  }
  *err = errno;
  close(fd);
  return r;
}

static unsigned char img[4096];

/* an empty database, then bucket of "a" pointed at (pos, slots) */
static void img_bucket(uint32_t pos, uint32_t slots)
{
  int i;
  uint32_t b = cdb_hash("a", 1) & 255;

  memset(img, 0, sizeof img);
  for (i = 0; i < 256; ++i) put32(img + 8 * i, 2048);
  put32(img + 8 * b, pos);
  put32(img + 8 * b + 4, slots);
}

static void expect_proto(size_t len, const char *what)
{
  int e, r = lookup_in(img, len, "a", &e);

  check(r == -1 && e == EPROTO, what, r == -1 ? strerror(e) : "no error");
}

static void test_bad(void)
{
  int e, r, fd, i;
  struct cdb c;
  char buf[8];

  img_bucket(2048, 0);
  expect_proto(0, "empty file gives EPROTO");
  expect_proto(100, "short file gives EPROTO");
  expect_proto(2047, "2047-byte file gives EPROTO");
  r = lookup_in(img, 2048, "a", &e);
  check(r == 0, "2048-byte empty database: not found", "wrong result");
  img_bucket(0xfffffff0U, 2);
  expect_proto(2048, "table offset past the end gives EPROTO");
  img_bucket(2048, 0x7fffffffU);
  expect_proto(2064, "huge slot count gives EPROTO");
  img_bucket(2048, 2);
  for (i = 0; i < 2; ++i) {
    put32(img + 2048 + 8 * i, cdb_hash("a", 1));
    put32(img + 2052 + 8 * i, 0xffffff00U);
  }
  expect_proto(2064, "record offset past the end gives EPROTO");
  img_bucket(2064, 2);
  put32(img + 2048, 1);
  put32(img + 2052, 0xfffffff0U);
  img[2056] = 'a';
  for (i = 0; i < 2; ++i) {
    put32(img + 2064 + 8 * i, cdb_hash("a", 1));
    put32(img + 2068 + 8 * i, 2048);
  }
  expect_proto(2080, "data length past the end gives EPROTO");
  img_bucket(2048, 2);
  for (i = 0; i < 2; ++i) {
    put32(img + 2048 + 8 * i, 12345);
    put32(img + 2052 + 8 * i, 2048);
  }
  r = lookup_in(img, 2064, "a", &e);
  check(r == 0, "full table without the key: bounded probe, not found",
        "wrong result");
  fd = open(path, O_RDONLY);
  r = fd == -1 ? -2 : cdb_init(&c, fd);
  check(r == 0 && cdb_read(&c, buf, 2, 0xffffffffU) == -1 && errno == EPROTO,
        "cdb_read past the end gives EPROTO", "no EPROTO");
  if (r == 0) cdb_free(&c);
  if (fd != -1) close(fd);
  fd = open(getenv("T") ? getenv("T") : "/tmp", O_RDONLY);
  r = cdb_init(&c, fd);
  if (r == 0) r = cdb_find(&c, "a", 1);
  check(r == -1 && errno == EISDIR, "directory gives EISDIR", "no EISDIR");
  if (fd != -1) close(fd);
}

/* random damage to a real database: lookups return -1, 0 or 1, no crash */
static void test_fuzz(void)
{
  struct stat st;
  unsigned char *orig, *cur;
  size_t len, i, round;
  int fd = build(60, 2), r, e, good = 1;
  char k[32];

  if (fd == -1 || fstat(fd, &st) == -1) {
    check(0, "random damage", "cannot build");
    return;
  }
  len = (size_t) st.st_size;
  orig = malloc(len);
  cur = malloc(len);
  if (!orig || !cur || pread(fd, orig, len, 0) != (ssize_t) len) good = 0;
  close(fd);
  srand(12345);
  for (round = 0; good && round < 300; ++round) {
    memcpy(cur, orig, len);
    for (i = 0; i < 1 + round % 16; ++i)
      cur[(size_t) rand() % len] = (unsigned char) rand();
    snprintf(k, sizeof k, "key%d", rand() % 70);
    r = lookup_in(cur, round % 7 ? len : (size_t) rand() % len, k, &e);
    if (r < -1 || r > 1) good = 0;
  }
  check(good, "300 randomly damaged files: no crash, sane results", "bad");
  free(orig);
  free(cur);
}

static void test_make_errors(void)
{
  static struct cdb_make m;
  int p[2], fd;

  check(pipe(p) == 0 && cdb_make_start(&m, p[1]) == -1 && errno == ESPIPE,
        "cdb_make_start on a pipe gives ESPIPE", "no ESPIPE");
  close(p[0]);
  close(p[1]);
  fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
  check(fd != -1 && cdb_make_start(&m, fd) == 0
        && cdb_make_add(&m, "k", 1, "d", (size_t) 0xfffffff0U) == -1
        && errno == ENOMEM,
        "record past 4 GiB is refused with ENOMEM", "accepted");
  cdb_make_free(&m);
  if (fd != -1) close(fd);
}

int main(void)
{
  const char *t = getenv("T");

  snprintf(path, sizeof path, "%s/unit_cdb.%ld", t ? t : "/tmp", (long) getpid());
  test_hash();
  test_empty();
  test_roundtrip(1, 1, "one record round trip");
  test_roundtrip(1000, 3, "1000 keys x 3 duplicates in insertion order");
  test_roundtrip(200000, 1, "200000 records round trip");
  test_bad();
  test_fuzz();
  test_make_errors();
  unlink(path);
  return failures ? 1 : 0;
}
