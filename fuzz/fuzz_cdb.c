/* libFuzzer target: the cdb reader on arbitrary file bytes.
   Input: flags, nkeys, then nkeys x (len byte, key bytes), then a 6-byte
   (pos, len) pair for a raw cdb_read, then the file. flags & 1: pad the
   file with zeros to 2048 bytes so short inputs still have a header.
   Every lookup runs twice: through the mmap, then (after cdb_free) through
   pread, and both must agree. */
#include <errno.h>
#include "fuzz.h"
#include "cdb/cdb.h"

#define MAXKEYS 4
#define MAXNEXT 64

struct found {
  int r[MAXNEXT + 1];
  uint32_t pos[MAXNEXT + 1];
  uint32_t len[MAXNEXT + 1];
  int n;
};

/* All records for key; checks what a hit promises. */
static void lookup(struct cdb *c, const char *key, size_t klen,
                   struct found *f)
{
  int r = cdb_find(c, key, klen);

  f->n = 0;
  for (;;) {
    f->r[f->n] = r;
    f->pos[f->n] = r == 1 ? cdb_datapos(c) : 0;
    f->len[f->n] = r == 1 ? cdb_datalen(c) : 0;
    ++f->n;
    FUZZ_ASSERT(r == 1 || r == 0 || r == -1);
    if (r != 1 || f->n > MAXNEXT) break;
    {
      uint32_t dl = cdb_datalen(c), dp = cdb_datapos(c);
      char *data = malloc(dl ? dl : 1), *k = malloc(klen ? klen : 1);
      if (!data || !k) abort();
      /* a hit lies inside the file: both reads must succeed */
      FUZZ_ASSERT(dp >= klen);
      FUZZ_ASSERT(cdb_read(c, data, dl, dp) == 0);
      FUZZ_ASSERT(cdb_read(c, k, klen, dp - (uint32_t) klen) == 0);
      FUZZ_ASSERT(memcmp(k, key, klen) == 0);
      free(data);
      free(k);
    }
    r = cdb_findnext(c, key, klen);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
  unsigned flags = fuzz_byte(&d, &n), nkeys = fuzz_byte(&d, &n) % (MAXKEYS + 1);
  char *key[MAXKEYS];
  size_t klen[MAXKEYS], rlen;
  uint32_t rpos;
  struct found mapped[MAXKEYS], plain;
  struct cdb c;
  unsigned i;
  int fd;

  for (i = 0; i < nkeys; ++i) {
    size_t want = fuzz_byte(&d, &n);
    key[i] = fuzz_take(&d, &n, want, &klen[i]);
  }
  rpos = fuzz_byte(&d, &n);
  rpos |= fuzz_byte(&d, &n) << 8;
  rpos |= (uint32_t) fuzz_byte(&d, &n) << 16;
  rpos |= (uint32_t) fuzz_byte(&d, &n) << 24;
  rlen = fuzz_byte(&d, &n);
  rlen |= fuzz_byte(&d, &n) << 8;
  fd = fuzz_memfd(d, n, (flags & 1) && n < 2048 ? 2048 - n : 0);
  if (fd != -1) {
    if (cdb_init(&c, fd) == 0) {
      char *buf = malloc(rlen ? rlen : 1);
      if (!buf) abort();
      for (i = 0; i < nkeys; ++i) lookup(&c, key[i], klen[i], &mapped[i]);
      if (cdb_read(&c, buf, rlen, rpos) == 0)
        FUZZ_ASSERT((uint64_t) rpos + rlen <= c.size);
      cdb_free(&c); /* from here on the reader uses pread */
      for (i = 0; i < nkeys; ++i) {
        lookup(&c, key[i], klen[i], &plain);
        FUZZ_ASSERT(plain.n == mapped[i].n);
        FUZZ_ASSERT(!memcmp(plain.r, mapped[i].r, sizeof plain.r[0] * (size_t) plain.n));
        FUZZ_ASSERT(!memcmp(plain.pos, mapped[i].pos, sizeof plain.pos[0] * (size_t) plain.n));
        FUZZ_ASSERT(!memcmp(plain.len, mapped[i].len, sizeof plain.len[0] * (size_t) plain.n));
      }
      cdb_read(&c, buf, rlen, rpos);
      free(buf);
    }
    close(fd);
  }
  for (i = 0; i < nkeys; ++i) free(key[i]);
  return 0;
}
