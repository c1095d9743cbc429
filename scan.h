#ifndef SCAN_H
#define SCAN_H

#include <stddef.h>

/* Longest run of leading decimal digits; wraps silently on overflow.
   Returns the number of digits used; none => *u = 0, returns 0. */
size_t scan_ulong(const char *s, unsigned long *u);

#endif
