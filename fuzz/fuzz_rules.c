/* libFuzzer target: the rules key ladder (spec 3.2; ip prefixes end at '.'
   or ':', ipv6.md) and the data decoders.
   Input: flags, then ip, host, info (each ended by a 0 byte), then cdb
   bytes. flags & 1: host unknown (NULL); & 2: info unknown; & 12 picks the
   cdb: 0 a fixed cdb with a default rule, 4 the same without one, else
   the remaining input (zero-padded to 2048 bytes when & 16).
   The ladder (rules_walk, every CIDR length) is compared with an
   independent model of spec 3.2 plus the CIDR stage of spec/cidr.md
   (ucspi-tcp6's keys, /32 or /128 down to /1), and a hit in a fixed cdb
   (CIDR rules and their markers included) with the first model key that
   the cdb holds. */
#include <arpa/inet.h>
#include <errno.h>
#include "fuzz.h"
#include "cdb/cdb_make.h"
#include "rules.h"

struct rec { const char *key, *data; size_t dlen; };

#define R(k, d) { k, d, sizeof d - 1 }
static const struct rec fixed[] = {
  R("joe@1.2.3.4", "+WHO=joe\0"),
  R("@=", "D\0"),
  R("1.2.3.4", "+A=1\0+B\0"),
  R("1.2.3.4", "D\0"),                 /* duplicate: the first one wins */
  R("=a.b.c", "+H=\0Ajunk"),
  R("1.2.", "D\0+X=y\0"),
  R("=.c", "+=empty name\0"),
  R("10.", ""),
  R("=", "+HOST=known\0"),
  R("=.example.com", "+E=1\0D"),
  R("2001:db8::1", "+V6=ip\0"),
  R("2001:db8:", "D\0"),
  R("joe@::1", "+WHO=joe6\0"),
  R("::ffff:1.2.", "+MAPPED=1\0"),
  R("::", "+V6=dcolon\0"),
  R("_0000e0g0", "+NET=10/8\0"),                      /* 10.0.0.0/8 */
  R("_0000e0g0000000o0000000wx", "D\0"),               /* 10.2.3.0/24 */
  R("_a", "+NET=/1\0"),                                /* 128.0.0.0/1 */
  R("^00`000000000000a0000bc0de0fgh000", "+NET=v6\0"), /* 2001:db8::/32 */
  R("_", "/\x81\0\x80\0"),       /* markers: lengths 1, 8, 24 */
  R("^", "/\0\0\0\x80\0\0\0\0\0\0\0\0\0\0\0\0"), /* 32 */
  R("", "D\0"),                        /* default rule, cdb 0 only */
};
#define NFIXED (sizeof fixed / sizeof fixed[0])

static int fixedfd[2] = { -1, -1 };

static int makefixed(size_t nrec)
{
  static struct cdb_make m;
  int fd = memfd_create("fixed", MFD_CLOEXEC);
  size_t i;

  if (fd == -1 || cdb_make_start(&m, fd) == -1) abort();
  for (i = 0; i < nrec; ++i)
    if (cdb_make_add(&m, fixed[i].key, strlen(fixed[i].key), fixed[i].data,
                     fixed[i].dlen) == -1)
      abort();
  if (cdb_make_finish(&m) == -1) abort();
  return fd;
}

/* The model: keys of spec 3.2 joined as len-prefixed records. */
struct keys { char *s; size_t len, cap, n; };

static void add(struct keys *k, const char *a, size_t al, const char *b,
                size_t bl)
{
  size_t need = k->len + sizeof al + al + bl;
  if (need > k->cap) {
    k->cap = need * 2;
    k->s = realloc(k->s, k->cap);
    if (!k->s) abort();
  }
  al += bl;
  memcpy(k->s + k->len, &al, sizeof al);
  memcpy(k->s + k->len + sizeof al, a, al - bl);
  memcpy(k->s + k->len + sizeof al + al - bl, b, bl);
  k->len += sizeof al + al;
  ++k->n;
}

/* the CIDR keys of ip (an address as inet_pton takes it, a scope id
   dropped), longest first */
static void cidr(const char *ip, size_t il, struct keys *k)
{
  static const char b4[] = "abcdefghijklmnopqrstuvwxyz123456";
  unsigned char a[16];
  char text[64], key[130];
  size_t tl = strcspn(ip, "%"), n, w, i, set = 0;
  int v6;

  (void) il;
  if (tl >= sizeof text) return;
  memcpy(text, ip, tl);
  text[tl] = 0;
  v6 = strchr(text, ':') != NULL;
  if (inet_pton(v6 ? AF_INET6 : AF_INET, text, a) != 1) return;
  w = v6 ? 128 : 32;
  key[0] = v6 ? '^' : '_';
  for (i = 0; i < w; ++i)
    key[1 + i] = !((a[i / 8] << (i % 8)) & 0x80) ? '0'
                 : v6 ? (char) (0x60 + set++) : b4[i];
  for (n = w; n >= 1; --n) add(k, key, 1 + n, "", 0);
}

static int alllens(void *arg, int v6, unsigned char *set)
{
  (void) arg;
  (void) v6;
  memset(set, 0xff, 16);
  return 1;
}

static void model(const char *ip, const char *host, const char *info,
                  struct keys *k)
{
  size_t il = strlen(ip), hl = host ? strlen(host) : 0, j;

  if (info) {
    size_t nl = strlen(info);
    char *t = malloc(nl + 2 + (il > hl ? il : hl));
    if (!t) abort();
    memcpy(t, info, nl);
    memcpy(t + nl, "@", 1);
    memcpy(t + nl + 1, ip, il);
    add(k, t, nl + 1 + il, "", 0);
    if (host) {
      memcpy(t + nl + 1, "=", 1);
      add(k, t, nl + 2, host, hl);
    }
    free(t);
  }
  add(k, ip, il, "", 0);
  if (host) add(k, "=", 1, host, hl);
  for (j = il; j > 0; --j)
    if (ip[j - 1] == '.' || ip[j - 1] == ':') add(k, ip, j, "", 0);
  cidr(ip, il, k);
  if (host) {
    for (j = 0; j < hl; ++j)
      if (host[j] == '.') add(k, "=", 1, host + j, hl - j);
    add(k, "=", 1, "", 0);
  }
  add(k, "", 0, "", 0);
}

struct seen { struct keys got; int stopat, n; };

static int record(void *arg, const char *key, size_t len)
{
  struct seen *s = arg;
  char *copy = malloc(len ? len : 1);     /* exact size: ASan checks len */

  if (!copy) abort();
  memcpy(copy, key, len);
  add(&s->got, copy, len, "", 0);
  free(copy);
  return ++s->n == s->stopat ? 7 : 0;
}

static void entry(void *arg, const char *e, size_t len)
{
  const char *end = arg;
  FUZZ_ASSERT(e + len < end);            /* the NUL that ends it is inside */
  FUZZ_ASSERT(memchr(e, 0, len) == NULL && e[len] == 0);
}

static void var(void *arg, const char *name, size_t nl, const char *value,
                size_t vl)
{
  const char *end = arg;
  FUZZ_ASSERT(name + nl < end && value + vl < end);
  FUZZ_ASSERT(!memchr(name, '=', nl) && name[-1] == '+' && name[nl] == '=');
  FUZZ_ASSERT(value == name + nl + 1 && value[vl] == 0);
}

static void decode(const char *data, size_t len)
{
  char *copy = malloc(len ? len : 1);
  if (!copy) abort();
  memcpy(copy, data, len);
  rules_entries(copy, len, entry, copy + len);
  rules_vars(copy, len, var, copy + len);
  FUZZ_ASSERT(rules_denied(copy, len) == 0 || rules_denied(copy, len) == 1);
  free(copy);
}

/* The first model key the fixed cdb holds, and its first record. */
static const struct rec *expect(const struct keys *k, size_t nrec)
{
  size_t off = 0, i, l;

  while (off < k->len) {
    memcpy(&l, k->s + off, sizeof l);
    for (i = 0; i < nrec; ++i)
      if (strlen(fixed[i].key) == l && !memcmp(fixed[i].key, k->s + off + sizeof l, l))
        return &fixed[i];
    off += sizeof l + l;
  }
  return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
  unsigned flags = fuzz_byte(&d, &n), which = (flags >> 2) & 3;
  char *ip = fuzz_field(&d, &n, 0), *host = fuzz_field(&d, &n, 0),
       *info = fuzz_field(&d, &n, 0);
  const char *h = flags & 1 ? NULL : host, *in = flags & 2 ? NULL : info;
  struct keys want = { 0 };
  struct seen s = { { 0 }, 0, 0 };
  struct rules_result r;
  struct rules_probe p;
  int fd, ret;

  if (fixedfd[0] == -1) {
    fixedfd[0] = makefixed(NFIXED);
    fixedfd[1] = makefixed(NFIXED - 1);
  }
  model(ip, h, in, &want);
  p.try = record;
  p.lens = alllens;
  p.arg = &s;
  FUZZ_ASSERT(rules_walk(ip, h, in, &p) == 0);
  FUZZ_ASSERT(s.got.n == want.n && s.got.len == want.len);
  FUZZ_ASSERT(!memcmp(s.got.s, want.s, want.len));
  free(s.got.s);
  memset(&s, 0, sizeof s);
  s.stopat = (int) (n % (want.n + 1)) + 1;  /* stops early, or never */
  ret = rules_walk(ip, h, in, &p);
  FUZZ_ASSERT(ret == ((size_t) s.stopat <= want.n ? 7 : 0));
  FUZZ_ASSERT(s.n == ((size_t) s.stopat <= want.n ? s.stopat : (int) want.n));
  free(s.got.s);

  if (which < 2) {
    const struct rec *e = expect(&want, which ? NFIXED - 1 : NFIXED);
    ret = rules_lookup(fixedfd[which], ip, h, in, &r);
    FUZZ_ASSERT(ret == (e ? 1 : 0));
    if (ret == 1) {
      FUZZ_ASSERT(r.keylen == strlen(e->key) && !memcmp(r.key, e->key, r.keylen));
      FUZZ_ASSERT(r.datalen == e->dlen && !memcmp(r.data, e->data, e->dlen));
      FUZZ_ASSERT((r.cidr != 0) == ((e->key[0] == '_' || e->key[0] == '^') && e->key[1]));
      FUZZ_ASSERT(!r.cidr || r.cidr == r.keylen - 1);
      decode(r.data, r.datalen);
    }
    FUZZ_ASSERT(ret == 1 || (r.key == NULL && r.data == NULL));
    rules_free(&r);
  } else if ((fd = fuzz_memfd(d, n, (flags & 16) && n < 2048 ? 2048 - n : 0)) != -1) {
    ret = rules_lookup(fd, ip, h, in, &r);
    FUZZ_ASSERT(ret == 1 || ret == 0 || ret == -1);
    if (ret == 1) decode(r.data, r.datalen);
    else FUZZ_ASSERT(r.key == NULL && r.data == NULL);
    rules_free(&r);
    close(fd);
  }
  free(want.s);
  free(ip);
  free(host);
  free(info);
  return 0;
}
