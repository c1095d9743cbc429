#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cdb.h"
#include "cdb_hash.h"

#define CDB_HEADER 2048
#define CDB_MAXPOS 0xffffffffULL

static uint32_t unpack(const unsigned char *b)
{
  return (uint32_t) b[0] | (uint32_t) b[1] << 8 | (uint32_t) b[2] << 16
         | (uint32_t) b[3] << 24;
}

int cdb_init(struct cdb *c, int fd)
{
  struct stat st;
  void *m;

  memset(c, 0, sizeof *c);
  c->fd = fd;
  if (fstat(fd, &st) == -1) return -1;
  if (S_ISDIR(st.st_mode)) {
    errno = EISDIR;
    return -1;
  }
  c->size = st.st_size > 0 ? (uint64_t) st.st_size : 0;
  if (c->size < CDB_HEADER) {
    c->err = EPROTO;
    return 0;
  }
  if ((uint64_t) (size_t) c->size == c->size) {
    m = mmap(NULL, (size_t) c->size, PROT_READ, MAP_SHARED, fd, 0);
    if (m != MAP_FAILED) c->map = m;
  }
  return 0;
}

void cdb_free(struct cdb *c)
{
  if (c->map) munmap((void *) (uintptr_t) c->map, (size_t) c->size);
  c->map = NULL;
}

void cdb_findstart(struct cdb *c) { c->loop = 0; }

uint32_t cdb_datapos(const struct cdb *c) { return c->dpos; }
uint32_t cdb_datalen(const struct cdb *c) { return c->dlen; }

static int preadall(int fd, char *buf, size_t len, uint64_t pos)
{
  while (len > 0) {
    ssize_t r = pread(fd, buf, len, (off_t) pos);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return -1;
    if (r == 0) {
      errno = EPROTO;
      return -1;
    }
    buf += r;
    len -= (size_t) r;
    pos += (uint64_t) r;
  }
  return 0;
}

int cdb_read(struct cdb *c, char *buf, size_t len, uint32_t pos)
{
  if (c->err) {
    errno = c->err;
    return -1;
  }
  if ((uint64_t) len > c->size || (uint64_t) pos > c->size - len) {
    errno = EPROTO;
    return -1;
  }
  if (c->map) {
    memcpy(buf, c->map + pos, len);
    return 0;
  }
  return preadall(c->fd, buf, len, pos);
}

/* 1 if the len bytes at pos equal key, 0 if not, -1 on error */
static int match(struct cdb *c, const char *key, size_t len, uint32_t pos)
{
  char buf[64];

  while (len > 0) {
    size_t n = len < sizeof buf ? len : sizeof buf;
    if (cdb_read(c, buf, n, pos) == -1) return -1;
    if (memcmp(buf, key, n)) return 0;
    pos += (uint32_t) n;
    key += n;
    len -= n;
  }
  return 1;
}

/* Reads the bucket header; 0 with hslots == 0 if the key cannot exist. */
static int findbucket(struct cdb *c, const char *key, size_t len)
{
  unsigned char b[8];
  uint32_t h = cdb_hash(key, len);
  uint64_t end;

  if (cdb_read(c, (char *) b, 8, (h & 255) << 3) == -1) return -1;
  c->hpos = unpack(b);
  c->hslots = unpack(b + 4);
  if (!c->hslots) return 0;
  end = (uint64_t) c->hpos + ((uint64_t) c->hslots << 3);
  if (end > c->size || end > CDB_MAXPOS) {
    errno = EPROTO;
    return -1;
  }
  c->khash = h;
  c->kpos = c->hpos + (((h >> 8) % c->hslots) << 3);
  return 0;
}

static int checkrecord(struct cdb *c, const char *key, size_t len,
                       uint32_t pos)
{
  unsigned char b[8];
  uint64_t dpos;
  int r;

  if (cdb_read(c, (char *) b, 8, pos) == -1) return -1;
  if (unpack(b) != len) return 0;
  c->dlen = unpack(b + 4);
  dpos = (uint64_t) pos + 8 + len;
  if (dpos + c->dlen > c->size || dpos + c->dlen > CDB_MAXPOS) {
    errno = EPROTO;
    return -1;
  }
  r = match(c, key, len, pos + 8);
  if (r == 1) c->dpos = (uint32_t) dpos;
  return r;
}

int cdb_findnext(struct cdb *c, const char *key, size_t len)
{
  unsigned char b[8];
  uint32_t h, pos;
  int r;

  if (c->err) {
    errno = c->err;
    return -1;
  }
  if (len > CDB_MAXPOS) return 0;
  if (!c->loop) {
    if (findbucket(c, key, len) == -1) return -1;
    if (!c->hslots) return 0;
  }
  while (c->loop < c->hslots) {
    if (cdb_read(c, (char *) b, 8, c->kpos) == -1) return -1;
    h = unpack(b);
    pos = unpack(b + 4);
    if (!pos) return 0;
    ++c->loop;
    c->kpos += 8;
    if (c->kpos == c->hpos + (c->hslots << 3)) c->kpos = c->hpos;
    if (h == c->khash) {
      r = checkrecord(c, key, len, pos);
      if (r) return r;
    }
  }
  return 0;
}

int cdb_find(struct cdb *c, const char *key, size_t len)
{
  cdb_findstart(c);
  return cdb_findnext(c, key, len);
}
