#ifndef RULESPARSE_H
#define RULESPARSE_H

#include <stddef.h>

/* Pure parser for one tcprules input line (spec 4.2-4.4). No I/O, no
   allocation; every access is within [line, line + len). */

#define RULESPARSE_IGNORE 0 /* comment, empty, or no ':' */
#define RULESPARSE_RULE 1
#define RULESPARSE_ERROR (-1) /* "unable to parse this line" */

/* Room the encoded data of a line of len bytes can need. */
#define RULESPARSE_DATAMAX(len) ((len) + 2)

struct rulesparse_rule {
  const char *addr; /* points into the line */
  size_t addrlen;
  int deny;
  size_t datalen;   /* encoded data (spec 4.4) is in the caller's buffer */
};

/* Length of line once trailing spaces, tabs and newlines are removed. */
size_t rulesparse_trim(const char *line, size_t len);

/* Where address and instructions split (ipv6.md, Rules): the first ':'
   directly followed by "allow" or "deny"; if there is none, the first ':'
   (the line is then a parse error, as in 0.88); NULL if no ':'. */
const char *rulesparse_colon(const char *line, size_t len);

/* Parse one trimmed line. data must have room for RULESPARSE_DATAMAX(len)
   bytes (if datasize is smaller, RULESPARSE_ERROR). */
int rulesparse_line(const char *line, size_t len, struct rulesparse_rule *r,
                    char *data, size_t datasize);

/* Address range expansion (spec 4.3). */
struct rulesparse_range {
  const char *left;    /* up to and including the last '.' before '-' */
  size_t leftlen;
  const char *suffix;  /* from the '.' after top to the end */
  size_t suffixlen;
  unsigned long bot;
  unsigned long top;   /* capped at 255; bot > top means no keys */
};

/* Longest key a range can produce. */
#define RULESPARSE_KEYMAX(r) ((r)->leftlen + 3 + (r)->suffixlen)

/* 0: store addr literally; 1: a range, rg filled; -1: parse error. */
int rulesparse_range(const char *addr, size_t len, struct rulesparse_range *rg);

/* Key for n (bot <= n <= top) into buf; returns its length, or 0 if buf is
   smaller than RULESPARSE_KEYMAX(rg). */
size_t rulesparse_rangekey(const struct rulesparse_range *rg, unsigned long n,
                           char *buf, size_t bufsize);

#endif
