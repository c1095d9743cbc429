#include "scan.h"

size_t scan_ulong(const char *s, unsigned long *u)
{
  size_t i = 0;
  unsigned long r = 0;

  while (s[i] >= '0' && s[i] <= '9') {
    r = r * 10 + (unsigned long) (s[i] - '0');
    ++i;
  }
  *u = r;
  return i;
}
