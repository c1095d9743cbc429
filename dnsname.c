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

static int octal(const char *s)
{
  if (s[0] < '0' || s[0] > '3' || s[1] < '0' || s[1] > '7' || s[2] < '0'
      || s[2] > '7')
    return -1;
  return ((s[0] - '0') << 6) | ((s[1] - '0') << 3) | (s[2] - '0');
}

int dnsname_fromtext(const char *text, unsigned char *wire, size_t *wirelen)
{
  size_t lp = 0, out = 1;

  if (!strcmp(text, ".")) text = "";
  for (;; ++text) {
    int c = (unsigned char) *text;

    if (c == '.' || c == 0) {
      if (out - lp == 1) {
        if (c == '.') return bad();
        break;
      }
      wire[lp] = (unsigned char) (out - lp - 1);
      lp = out++;
      if (c == 0) break;
      continue;
    }
    if (c == '\\' && (c = octal(text + 1)) >= 0) text += 3;
    else if (c == '\\') return bad();
    if (out - lp > 63 || out + 1 >= DNSNAME_WIREMAX) return bad();
    wire[out++] = (unsigned char) c;
  }
  wire[lp] = 0;
  *wirelen = lp + 1;
  return 1;
}
