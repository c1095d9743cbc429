#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cdb_make.h"
#include "cdb_hash.h"

#define CDB_HEADER 2048
#define CDB_MAXPOS 0xffffffffULL

static void pack(char *b, uint32_t u)
{
  b[0] = (char) (u & 255);
  b[1] = (char) ((u >> 8) & 255);
  b[2] = (char) ((u >> 16) & 255);
  b[3] = (char) (u >> 24);
}

static int writeall(int fd, const char *b, size_t len)
{
  while (len > 0) {
    ssize_t w = write(fd, b, len);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return -1;
    b += w;
    len -= (size_t) w;
  }
  return 0;
}

static int flush(struct cdb_make *m)
{
  size_t n = m->buflen;

  m->buflen = 0;
  return writeall(m->fd, m->buf, n);
}

static int put(struct cdb_make *m, const char *b, size_t len)
{
  if (len > sizeof m->buf - m->buflen) {
    if (flush(m) == -1) return -1;
    if (len > sizeof m->buf) return writeall(m->fd, b, len);
  }
  memcpy(m->buf + m->buflen, b, len);
  m->buflen += len;
  return 0;
}

int cdb_make_start(struct cdb_make *m, int fd)
{
  m->fd = fd;
  m->pos = CDB_HEADER;
  m->rec = NULL;
  m->nrec = 0;
  m->reccap = 0;
  m->buflen = 0;
  if (lseek(fd, CDB_HEADER, SEEK_SET) == -1) return -1;
  return 0;
}

static int addrec(struct cdb_make *m, uint32_t h)
{
  struct cdb_make_rec *n;
  size_t cap;

  if (m->nrec == m->reccap) {
    cap = m->reccap ? m->reccap * 2 : 1024;
    if (cap > (size_t) -1 / sizeof *n / 2) {
      errno = ENOMEM;
      return -1;
    }
    n = realloc(m->rec, cap * sizeof *n);
    if (!n) {
      errno = ENOMEM;
      return -1;
    }
    m->rec = n;
    m->reccap = cap;
  }
  m->rec[m->nrec].hash = h;
  m->rec[m->nrec].pos = m->pos;
  ++m->nrec;
  return 0;
}

int cdb_make_add(struct cdb_make *m, const char *key, size_t klen,
                 const char *data, size_t dlen)
{
  char b[8];
  uint64_t end;

  /* the finished file (records, then 16 bytes of slots per record) must
     keep every offset below 4 GiB */
  end = (uint64_t) m->pos + 8 + (uint64_t) klen + (uint64_t) dlen
        + 16 * ((uint64_t) m->nrec + 1);
  if ((uint64_t) klen > CDB_MAXPOS || (uint64_t) dlen > CDB_MAXPOS
      || end > CDB_MAXPOS) {
    errno = ENOMEM;
    return -1;
  }
  pack(b, (uint32_t) klen);
  pack(b + 4, (uint32_t) dlen);
  if (put(m, b, 8) == -1 || put(m, key, klen) == -1
      || put(m, data, dlen) == -1)
    return -1;
  if (addrec(m, cdb_hash(key, klen)) == -1) return -1;
  m->pos += (uint32_t) (8 + klen + dlen);
  return 0;
}

/* Writes the table of one bucket: recs (n of them) into 2n slots. */
static int puttable(struct cdb_make *m, const struct cdb_make_rec *recs,
                    size_t n, struct cdb_make_rec *slot)
{
  size_t len = 2 * n, i, where;
  char b[8];

  memset(slot, 0, len * sizeof *slot);
  for (i = 0; i < n; ++i) {
    where = (recs[i].hash >> 8) % len;
    while (slot[where].pos)
      if (++where == len) where = 0;
    slot[where] = recs[i];
  }
  for (i = 0; i < len; ++i) {
    pack(b, slot[i].hash);
    pack(b + 4, slot[i].pos);
    if (put(m, b, 8) == -1) return -1;
  }
  m->pos += (uint32_t) (8 * len);
  return 0;
}

static int puttables(struct cdb_make *m, char *header,
                     struct cdb_make_rec *split, struct cdb_make_rec *slot,
                     const size_t *count)
{
  size_t i, at = 0;

  for (i = 0; i < 256; ++i) {
    pack(header + 8 * i, m->pos);
    pack(header + 8 * i + 4, (uint32_t) (2 * count[i]));
    if (puttable(m, split + at, count[i], slot) == -1) return -1;
    at += count[i];
  }
  return 0;
}

int cdb_make_finish(struct cdb_make *m)
{
  size_t count[256] = { 0 }, start[256], i, max = 0;
  struct cdb_make_rec *split, *slot;
  char header[CDB_HEADER];
  int r = -1, e;

  for (i = 0; i < m->nrec; ++i) ++count[m->rec[i].hash & 255];
  for (i = 0; i < 256; ++i) {
    start[i] = i ? start[i - 1] + count[i - 1] : 0;
    if (count[i] > max) max = count[i];
  }
  split = malloc((m->nrec ? m->nrec : 1) * sizeof *split);
  slot = malloc((max ? 2 * max : 1) * sizeof *slot);
  if (!split || !slot) {
    errno = ENOMEM;
    goto out;
  }
  for (i = 0; i < m->nrec; ++i) split[start[m->rec[i].hash & 255]++] = m->rec[i];
  if (puttables(m, header, split, slot, count) == -1 || flush(m) == -1)
    goto out;
  if (lseek(m->fd, 0, SEEK_SET) == -1) goto out;
  r = writeall(m->fd, header, sizeof header);
out:
  e = errno;
  free(split);
  free(slot);
  cdb_make_free(m);
  errno = e;
  return r;
}

void cdb_make_free(struct cdb_make *m)
{
  free(m->rec);
  m->rec = NULL;
  m->nrec = m->reccap = 0;
}
