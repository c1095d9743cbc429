/* libFuzzer target: DNS wire names (dnsname.h) and PTR answers (dns.h).
   Input: 2 bytes of start position, then a message. dnsname_unpack on the
   message and dnsname_text on its result and on the raw bytes, each
   compared with a model of the header's contract and spec 2.3; then
   dns_ptr_answer on the message. Buffers are exact-size heap blocks. */
#include <stdio.h>
#include "fuzz.h"
#include "dnsname.h"
#include "dns.h"

/* 1 and the name, or -1; a pointer seen twice is a loop */
static int model_unpack(const unsigned char *m, size_t len, size_t *pos,
                        unsigned char *w, size_t *wl)
{
  unsigned char *visited = calloc(len ? len : 1, 1);
  size_t p = *pos, out = 0, after = 0;
  int jumped = 0, r = -1;

  if (!visited) abort();
  for (;;) {
    if (p >= len) goto done;
    if (m[p] >= 192) {
      if (p + 1 >= len || visited[p]) goto done;
      visited[p] = 1;
      if (!jumped) after = p + 2;
      jumped = 1;
      p = (size_t) (m[p] & 63) << 8 | m[p + 1];
      continue;
    }
    if (m[p] >= 64) goto done;
    if (!m[p]) break;
    if (p + 1 + m[p] > len || out + 1 + m[p] + 1 > DNSNAME_WIREMAX) goto done;
    memcpy(w + out, m + p, 1 + (size_t) m[p]);
    out += 1 + (size_t) m[p];
    p += 1 + (size_t) m[p];
  }
  w[out++] = 0;
  *wl = out;
  *pos = jumped ? after : p + 1;
  r = 1;
done:
  free(visited);
  return r;
}

static int model_text(const unsigned char *w, size_t len, char *out)
{
  size_t p = 0, n = 0, i;
  static const char ok[] = "abcdefghijklmnopqrstuvwxyz0123456789_-";

  for (;;) {
    if (p >= len || p >= DNSNAME_WIREMAX) return -1;
    size_t c = w[p++];
    if (!c) break;
    if (c >= 64 || p + c > len || p + c > DNSNAME_WIREMAX) return -1;
    if (n) out[n++] = '.';
    for (i = 0; i < c; ++i) {
      unsigned char b = w[p++];
      if (b >= 'A' && b <= 'Z') b = (unsigned char) (b - 'A' + 'a');
      if (b && strchr(ok, b)) out[n++] = (char) b;
      else n += (size_t) snprintf(out + n, 5, "\\%03o", b);
    }
  }
  if (!n) out[n++] = '.';
  out[n] = 0;
  return 1;
}

static int text(const unsigned char *w, size_t len)
{
  unsigned char *copy = malloc(len ? len : 1);
  char *out = malloc(DNSNAME_TEXTMAX), *want = malloc(DNSNAME_TEXTMAX + 8);
  int r, m;

  if (!copy || !out || !want) abort();
  memcpy(copy, w, len);
  r = dnsname_text(copy, len, out);
  m = model_text(copy, len, want);
  FUZZ_ASSERT(r == m);
  if (r == 1) {
    FUZZ_ASSERT(strlen(want) < DNSNAME_TEXTMAX);
    FUZZ_ASSERT(!strcmp(out, want));
  }
  free(want);
  free(out);
  free(copy);
  return r;
}

/* a PTR answer gives a name in the text form of spec 2.3, or nothing */
static void ptr(const unsigned char *msg, size_t len)
{
  char *out = malloc(DNSNAME_TEXTMAX);
  int r;
  size_t i, n;

  if (!out) abort();
  r = dns_ptr_answer(msg, len, out);
  FUZZ_ASSERT(r == 1 || r == 0 || r == -1);
  if (r == 1) {
    n = strnlen(out, DNSNAME_TEXTMAX);
    FUZZ_ASSERT(n > 0 && n < DNSNAME_TEXTMAX);
    for (i = 0; i < n; ++i)
      FUZZ_ASSERT((out[i] >= 'a' && out[i] <= 'z') || (out[i] >= '0' && out[i] <= '9')
                  || strchr("_-.\\", out[i]));
  }
  free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
  size_t start = fuzz_byte(&d, &n), len, pos, mpos, wl = 0, mwl = 0;
  unsigned char *msg, *wire = malloc(DNSNAME_WIREMAX), mw[DNSNAME_WIREMAX];
  int r, m;

  if (!wire) abort();
  start |= fuzz_byte(&d, &n) << 8;
  msg = (unsigned char *) fuzz_take(&d, &n, n, &len);
  pos = mpos = start;
  r = dnsname_unpack(msg, len, &pos, wire, &wl);
  m = model_unpack(msg, len, &mpos, mw, &mwl);
  FUZZ_ASSERT(r == m);
  if (r == 1) {
    FUZZ_ASSERT(pos == mpos && pos <= len && wl == mwl && wl <= DNSNAME_WIREMAX);
    FUZZ_ASSERT(!memcmp(wire, mw, wl));
    FUZZ_ASSERT(text(wire, wl) == 1); /* what unpack gives is a name */
  } else
    FUZZ_ASSERT(pos == start);
  text(msg, len);
  ptr(msg, len);
  free(msg);
  free(wire);
  return 0;
}
