#include <errno.h>
#include <string.h>
#include "dnsname.h"

static int bad(void)
{
  errno = EPROTO;
  return -1;
}

int dnsname_unpack(const unsigned char *msg, size_t len, size_t *pos,
                   unsigned char *wire, size_t *wirelen)
{
  size_t p = *pos, out = 0, after = 0, jumps = 0;
  int jumped = 0;

  for (;;) {
    unsigned c;

    if (p >= len) return bad();
    c = msg[p];
    if (c >= 192) {
      if (p + 1 >= len || ++jumps > len) return bad();
      if (!jumped) after = p + 2;
      jumped = 1;
      p = ((c & 63u) << 8) | msg[p + 1];
      continue;
    }
    if (c >= 64) return bad();
    if (c == 0) break;
    if (p + 1 + c > len || out + 1 + c + 1 > DNSNAME_WIREMAX) return bad();
    memcpy(wire + out, msg + p, 1 + c);
    out += 1 + c;
    p += 1 + c;
  }
  wire[out++] = 0;
  *wirelen = out;
  *pos = jumped ? after : p + 1;
  return 1;
}

static size_t put_byte(char *out, unsigned char c)
{
  if (c >= 'A' && c <= 'Z') c = (unsigned char) (c + ('a' - 'A'));
  if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'
      || c == '-') {
    out[0] = (char) c;
    return 1;
  }
  out[0] = '\\';
  out[1] = (char) ('0' + (c >> 6));
  out[2] = (char) ('0' + ((c >> 3) & 7));
  out[3] = (char) ('0' + (c & 7));
  return 4;
}

int dnsname_text(const unsigned char *wire, size_t len, char *out)
{
  size_t p = 0, n = 0;

  for (;;) {
    unsigned c;

    if (p >= len || p >= DNSNAME_WIREMAX) return bad();
    c = wire[p++];
    if (c == 0) break;
    if (c >= 64 || p + c > len || p + c > DNSNAME_WIREMAX) return bad();
    if (n) out[n++] = '.';
    while (c--) n += put_byte(out + n, wire[p++]);
  }
  if (!n) out[n++] = '.';
  out[n] = '\0';
  return 1;
}
