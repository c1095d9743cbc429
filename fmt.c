#include "fmt.h"

size_t fmt_ulong(char *out, unsigned long u)
{
  char tmp[FMT_ULONG];
  size_t n = 0, i;

  do {
    tmp[n++] = (char) ('0' + u % 10);
    u /= 10;
  } while (u);
  for (i = 0; i < n; ++i) out[i] = tmp[n - 1 - i];
  out[n] = '\0';
  return n;
}
