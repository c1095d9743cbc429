#ifndef CDB_H
#define CDB_H

#include <stddef.h>
#include <stdint.h>

/* Reader for D. J. Bernstein's constant database format. Every position and
   length taken from the file is range-checked: anything pointing outside
   the file is EPROTO. Probe loops are bounded by the table size. */
struct cdb {
  int fd;
  const unsigned char *map; /* NULL: fall back to pread */
  uint64_t size;
  int err;                  /* nonzero: every lookup fails with this errno */
  uint32_t loop;            /* slots probed so far in this search */
  uint32_t khash;
  uint32_t kpos;            /* next slot to probe */
  uint32_t hpos;            /* start of the hash table */
  uint32_t hslots;
  uint32_t dpos;
  uint32_t dlen;
};

int cdb_init(struct cdb *c, int fd);        /* 0 ok, -1 errno */
void cdb_free(struct cdb *c);
void cdb_findstart(struct cdb *c);
int cdb_findnext(struct cdb *c, const char *key, size_t len); /* 1/0/-1 */
int cdb_find(struct cdb *c, const char *key, size_t len);     /* 1/0/-1 */
uint32_t cdb_datapos(const struct cdb *c);
uint32_t cdb_datalen(const struct cdb *c);
int cdb_read(struct cdb *c, char *buf, size_t len, uint32_t pos); /* 0/-1 */

#endif
