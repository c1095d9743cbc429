#ifndef DNSNAME_H
#define DNSNAME_H

#include <stddef.h>

/* Wire-format names: labels of 1..63 bytes, each preceded by its length,
   ended by a zero byte; at most 255 bytes in all. */
#define DNSNAME_WIREMAX 255
/* Text form: every label byte may become 4 characters (\ooo). */
#define DNSNAME_TEXTMAX 1024

/* Reads the name at *pos in the message msg[0..len), following
   compression pointers (loops are refused), into wire (an uncompressed
   copy, DNSNAME_WIREMAX bytes) and sets *wirelen. *pos moves past the name
   as it appears at its original place. 1 done, -1 EPROTO if malformed.
   Never reads outside msg. */
int dnsname_unpack(const unsigned char *msg, size_t len, size_t *pos,
                   unsigned char *wire, size_t *wirelen);

/* Text of an uncompressed wire name (spec 2.3): lowercased, any byte
   outside [a-z0-9_-] as a backslash and 3 octal digits, labels joined by
   dots, the root as ".". out has DNSNAME_TEXTMAX bytes and is
   NUL-terminated. 1 done, -1 EPROTO if the name is malformed or does not
   end inside wire[0..len). */
int dnsname_text(const unsigned char *wire, size_t len, char *out);

/* The inverse of dnsname_text: text (dot-joined labels, \ooo escapes) to
   an uncompressed wire name in wire (DNSNAME_WIREMAX bytes). 1 done,
   -1 EPROTO if a label is empty or over 63 bytes, the name over 255, or
   an escape is not 3 octal digits. */
int dnsname_fromtext(const char *text, unsigned char *wire, size_t *wirelen);

#endif
