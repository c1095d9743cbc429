/* libFuzzer target: the RFC 1413 reply parser (ident.h), whole-buffer and
   fed in arbitrary chunks, both compared with a model of spec 2.5 step 3.
   Input: one byte of chunk size, then the reply. */
#include "fuzz.h"
#include "ident.h"

/* 1 complete, 0 incomplete; out holds IDENT_MAX + 1 bytes */
static int model(const char *s, size_t len, char *out, size_t *outlen)
{
  size_t i, n = 0;
  unsigned colons = 0;

  for (i = 0; i < len; ++i) {
    char c = s[i];
    if (c == '\n') break;
    if (c == ' ' || c == '\t' || c == '\r') continue;
    if (colons < 3) {
      if (c == ':') ++colons;
      continue;
    }
    out[n++] = c;
    if (n == IDENT_MAX) break;
  }
  out[n] = 0;
  *outlen = n;
  return i < len;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
  size_t chunk = fuzz_byte(&d, &n) + 1, len, wlen, outlen, off;
  char *buf, *out = malloc(IDENT_MAX + 1), want[IDENT_MAX + 1];
  struct ident_parser p;
  int r, w;

  if (!out) abort();
  buf = fuzz_take(&d, &n, n, &len);
  w = model(buf, len, want, &wlen);
  r = ident_parse(buf, len, out, &outlen);
  FUZZ_ASSERT(r == w);
  if (r == 1) FUZZ_ASSERT(outlen == wlen && !memcmp(out, want, wlen + 1));

  ident_init(&p);
  for (off = 0; off < len; ) {
    size_t take = len - off < chunk ? len - off : chunk, used;
    used = ident_feed(&p, buf + off, take);
    FUZZ_ASSERT(used <= take);
    off += used;
    if (used < take) {
      FUZZ_ASSERT(p.done);
      break;
    }
  }
  FUZZ_ASSERT(p.done == w && p.len <= IDENT_MAX && p.value[p.len] == 0);
  if (w) FUZZ_ASSERT(p.len == wlen && !memcmp(p.value, want, wlen));
  if (p.done) FUZZ_ASSERT(ident_feed(&p, "x:\n", 3) == 0);
  free(buf);
  free(out);
  return 0;
}
