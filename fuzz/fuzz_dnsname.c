/* libFuzzer target: DNS wire names (dnsname.h) and PTR answers (dns.h).
   Input: 2 bytes of start position, then a message. dnsname_unpack on the
   message and dnsname_text on its result and on the raw bytes, each
   compared with a model of the header's contract and spec 2.3, and
   dnsname_fromtext checked as the inverse of dnsname_text (on those names
   and on the input read as text); then dns_ptr_answer and
   dns_a_answer_has on the message. Buffers are exact-size heap blocks. */
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

static void lower(unsigned char *w, size_t len)
{
  size_t i;
  for (i = 0; i < len; ++i)
    if (w[i] >= 'A' && w[i] <= 'Z') w[i] = (unsigned char) (w[i] - 'A' + 'a');
}

/* fromtext(text(w)) is w with its labels lowercased */
static void roundtrip(const unsigned char *w, size_t wl)
{
  char *t = malloc(DNSNAME_TEXTMAX);
  unsigned char *back = malloc(DNSNAME_WIREMAX), *want = malloc(wl ? wl : 1);
  size_t bl = 0, tl;
  char *copy;

  if (!t || !back || !want) abort();
  FUZZ_ASSERT(dnsname_text(w, wl, t) == 1);
  tl = strlen(t);
  copy = malloc(tl + 1);               /* exact size: overreads show */
  if (!copy) abort();
  memcpy(copy, t, tl + 1);
  FUZZ_ASSERT(dnsname_fromtext(copy, back, &bl) == 1);
  memcpy(want, w, wl);
  lower(want, wl);
  FUZZ_ASSERT(bl == wl && !memcmp(back, want, wl));
  free(copy);
  free(want);
  free(back);
  free(t);
}

/* any text that converts gives a well formed name */
static void fromtext(const unsigned char *msg, size_t len)
{
  char *s = malloc(len + 1);
  unsigned char *w = malloc(DNSNAME_WIREMAX);
  size_t wl = 0;

  if (!s || !w) abort();
  memcpy(s, msg, len);
  s[len] = 0;
  if (dnsname_fromtext(s, w, &wl) == 1) {
    FUZZ_ASSERT(wl >= 1 && wl <= DNSNAME_WIREMAX);
    roundtrip(w, wl);
  }
  free(w);
  free(s);
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
  if (len >= 4) {
    struct net_ip ip;
    net_ip4(&ip, msg[0], msg[1], msg[2], msg[3]);
    r = dns_a_answer_has(msg, len, &ip);
    FUZZ_ASSERT(r == 1 || r == 0 || r == -1);
  }
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
    roundtrip(wire, wl);
  } else
    FUZZ_ASSERT(pos == start);
  text(msg, len);
  ptr(msg, len);
  fromtext(msg, len);
  free(msg);
  free(wire);
  return 0;
}
