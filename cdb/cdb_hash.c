#include "cdb_hash.h"

uint32_t cdb_hashadd(uint32_t h, unsigned char c)
{
  return ((h << 5) + h) ^ c;
}

uint32_t cdb_hash(const char *key, size_t len)
{
  uint32_t h = CDB_HASHSTART;
  size_t i;

  for (i = 0; i < len; ++i) h = cdb_hashadd(h, (unsigned char) key[i]);
  return h;
}
