#ifndef IDENT_H
#define IDENT_H

#include <stddef.h>
#include "net.h"

/* RFC 1413 user id (spec 2.5). */
#define IDENT_MAX 257

struct ident_parser {
  unsigned colons;          /* ':' seen so far, counted up to 3 */
  size_t len;               /* bytes in value */
  int done;                 /* 1: a '\n' was seen or value is full */
  char value[IDENT_MAX + 1];
};

void ident_init(struct ident_parser *p);
/* Feeds reply bytes; returns how many were used (all of them unless the
   reply is done). Spaces, tabs and CRs are dropped; after the third ':'
   bytes are collected until '\n' or IDENT_MAX bytes. */
size_t ident_feed(struct ident_parser *p, const char *buf, size_t len);

/* Whole-buffer form of the above: 1 complete (value NUL-terminated in
   out, IDENT_MAX + 1 bytes, length in *outlen), 0 incomplete. */
int ident_parse(const char *buf, size_t len, char *out, size_t *outlen);

/* Asks the identd at remote:113, from local, for the connection
   remoteport/localport, within timeout seconds in all.
   1 answered (out as above), 0 no answer (errno says why). */
int ident_query(const struct net_ip *local, unsigned int localport,
                const struct net_ip *remote, unsigned int remoteport,
                unsigned long timeout, char *out);

#endif
