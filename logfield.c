#include <string.h>
#include "logfield.h"

static size_t sanitise(char *out, const char *s, int colon)
{
  size_t n = 0;

  if (s)
    for (; s[n] && n < LOGFIELD_KEEP; ++n) {
      unsigned char c = (unsigned char) s[n];
      out[n] = (c < 33 || c > 126 || c == '%' || c == colon) ? '?' : (char) c;
    }
  if (n == LOGFIELD_KEEP) {
    memcpy(out + n, "...", 3);
    n += 3;
  }
  out[n] = '\0';
  return n;
}

size_t logfield(char *out, const char *s)
{
  return sanitise(out, s, ':');
}

size_t logfield_ip(char *out, const char *s)
{
  return sanitise(out, s, -1);
}
