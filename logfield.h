#ifndef LOGFIELD_H
#define LOGFIELD_H

#include <stddef.h>

/* A field of the ok/deny log line (spec 2.6): bytes < 33, > 126, '%' and
   ':' become '?'; only the first 100 bytes are kept, and "..." follows
   when the field has 100 bytes or more. */
#define LOGFIELD_KEEP 100
#define LOGFIELD_SIZE (LOGFIELD_KEEP + 4)

/* s may be NULL (an empty field). out has LOGFIELD_SIZE bytes and is
   NUL-terminated; returns its length. */
size_t logfield(char *out, const char *s);
/* The same for an address field: ':' is kept (IPv6 text). */
size_t logfield_ip(char *out, const char *s);

#endif
