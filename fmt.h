#ifndef FMT_H
#define FMT_H

#include <stddef.h>

/* Room for any unsigned long in decimal, plus NUL. */
#define FMT_ULONG 21

/* u in decimal into out (FMT_ULONG bytes), NUL-terminated; returns the
   number of digits. No stdio: children use it before exec. */
size_t fmt_ulong(char *out, unsigned long u);

#endif
