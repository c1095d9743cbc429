#ifndef CDB_HASH_H
#define CDB_HASH_H

#include <stddef.h>
#include <stdint.h>

#define CDB_HASHSTART 5381

uint32_t cdb_hash(const char *key, size_t len);
uint32_t cdb_hashadd(uint32_t h, unsigned char c);

#endif
