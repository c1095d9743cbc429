#ifndef CDB_MAKE_H
#define CDB_MAKE_H

#include <stddef.h>
#include <stdint.h>

#define CDB_MAKE_BUFSIZE 65536

struct cdb_make_rec {
  uint32_t hash;
  uint32_t pos;
};

/* Writer. The fd must be seekable; the header is written last. Output is
   byte-identical to ucspi-tcp's tcprules for the same records. */
struct cdb_make {
  int fd;
  uint32_t pos;               /* file offset of the next record */
  struct cdb_make_rec *rec;   /* every record, in insertion order */
  size_t nrec;
  size_t reccap;
  size_t buflen;
  char buf[CDB_MAKE_BUFSIZE];
};

int cdb_make_start(struct cdb_make *m, int fd);          /* 0 / -1 errno */
int cdb_make_add(struct cdb_make *m, const char *key, size_t klen,
                 const char *data, size_t dlen);         /* 0 / -1 errno */
int cdb_make_finish(struct cdb_make *m);                 /* 0 / -1 errno */
void cdb_make_free(struct cdb_make *m);  /* after an error: release memory */

#endif
