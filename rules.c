#include <errno.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>
#include "cidr.h"
#include "rules.h"
#include "cdb/cdb.h"

/* the ladder's keys: on the stack unless info or host is long */
#define KEYSMALL 128
struct keybuf {
  char *s;
  size_t cap;
  char small[KEYSMALL];
};

static void cat(struct keybuf *k, size_t *len, const char *a, size_t alen,
                const char *b, size_t blen)
{
  memcpy(k->s, a, alen);
  memcpy(k->s + alen, b, blen);
  *len = alen + blen;
}

/* prefixes of ip ending at a '.' or a ':', longest first (an IPv4 text
   has no ':': its ladder is 0.88's) */
static int ladder_ip(const char *ip, size_t iplen,
                     int (*try)(void *, const char *, size_t), void *arg)
{
  size_t j;
  int r;

  for (j = iplen; j > 0; --j)
    if ((ip[j - 1] == '.' || ip[j - 1] == ':')
        && (r = try(arg, ip, j)) != 0)
      return r;
  return 0;
}

static int ladder_host(struct keybuf *k, const char *host, size_t hostlen,
                       int (*try)(void *, const char *, size_t), void *arg)
{
  size_t j, len;
  int r;

  for (j = 0; j < hostlen; ++j)
    if (host[j] == '.') {
      cat(k, &len, "=", 1, host + j, hostlen - j);
      if ((r = try(arg, k->s, len)) != 0) return r;
    }
  return try(arg, "=", 1);
}

/* k has room for infolen + 2 + max(iplen, hostlen) bytes */
static int ladder_info(struct keybuf *k, const char *ip, size_t iplen,
                       const char *host, size_t hostlen, const char *info,
                       int (*try)(void *, const char *, size_t), void *arg)
{
  size_t infolen = strlen(info), len;
  int r;

  memcpy(k->s, info, infolen);
  k->s[infolen] = '@';
  memcpy(k->s + infolen + 1, ip, iplen);
  if ((r = try(arg, k->s, infolen + 1 + iplen)) != 0) return r;
  if (!host) return 0;
  k->s[infolen + 1] = '=';
  memcpy(k->s + infolen + 2, host, hostlen);
  len = infolen + 2 + hostlen;
  return try(arg, k->s, len);
}

/* CIDR keys of ip (a strict address text, a scope id ignored) for the
   lengths p->lens gives, longest first */
static int ladder_cidr(const char *ip, size_t iplen,
                       const struct rules_probe *p)
{
  unsigned char lens[CIDR_LENS];
  char text[NET_IPFMT], key[CIDR_KEYMAX];
  const char *pct = memchr(ip, '%', iplen);
  struct net_ip a;
  unsigned n;
  int r;

  if (pct) iplen = (size_t) (pct - ip);
  if (iplen >= sizeof text) return 0;
  memcpy(text, ip, iplen);
  text[iplen] = 0;
  if (!net_ip_scan(text, &a)) return 0;
  memset(lens, 0, sizeof lens);
  r = p->lens(p->arg, a.family != AF_INET, lens);
  if (r != 1) return r;
  n = a.family == AF_INET ? 32 : 128;
  cidr_key(&a, n, key);
  for (; n >= 1; --n)
    if (cidr_lens_has(lens, n) && (r = p->try(p->arg, key, 1 + n)) != 0)
      return r;
  return 0;
}

int rules_ladder(const char *ip, const char *host, const char *info,
                 int (*try)(void *arg, const char *key, size_t len),
                 void *arg)
{
  struct rules_probe p;

  p.try = try;
  p.lens = NULL;
  p.arg = arg;
  return rules_walk(ip, host, info, &p);
}

int rules_walk(const char *ip, const char *host, const char *info,
               const struct rules_probe *p)
{
  int (*try)(void *, const char *, size_t) = p->try;
  void *arg = p->arg;
  size_t iplen = strlen(ip), hostlen = host ? strlen(host) : 0, len;
  struct keybuf k;
  int r, e;

  k.cap = (info ? strlen(info) : 0) + 2 + (iplen > hostlen ? iplen : hostlen);
  if (k.cap < 2 + iplen) { /* wrapped: lengths near SIZE_MAX */
    errno = ENOMEM;
    return -1;
  }
  k.s = k.cap <= KEYSMALL ? k.small : malloc(k.cap);
  if (!k.s) {
    errno = ENOMEM;
    return -1;
  }
  r = 0;
  if (info) r = ladder_info(&k, ip, iplen, host, hostlen, info, try, arg);
  if (!r) r = try(arg, ip, iplen);
  if (!r && host) {
    cat(&k, &len, "=", 1, host, hostlen);
    r = try(arg, k.s, len);
  }
  if (!r) r = ladder_ip(ip, iplen, try, arg);
  if (!r && p->lens) r = ladder_cidr(ip, iplen, p);
  if (!r && host) r = ladder_host(&k, host, hostlen, try, arg);
  if (!r) r = try(arg, "", 0);
  if (k.s != k.small) {
    e = errno;
    free(k.s);
    errno = e;
  }
  return r;
}

struct lookup {
  struct cdb c;
  struct rules_result *r;
};

static int trykey(void *arg, const char *key, size_t len)
{
  struct lookup *l = arg;
  struct rules_result *r = l->r;
  int f = cdb_find(&l->c, key, len);

  if (f != 1) return f;
  r->keylen = len;
  r->datalen = cdb_datalen(&l->c);
  if (len + r->datalen + 2 <= sizeof r->small) {
    r->key = r->small;
    r->data = r->small + len + 1;
  } else {
    r->key = malloc(len + 1);
    r->data = malloc(r->datalen + 1);
    if (!r->key || !r->data) {
      errno = ENOMEM;
      return -1;
    }
  }
  memcpy(r->key, key, len);
  r->key[len] = 0;
  r->data[r->datalen] = 0;
  return cdb_read(&l->c, r->data, r->datalen, cdb_datapos(&l->c)) ? -1 : 1;
}

/* the length set our tcprules stored (cidr.h); a marker in another shape
   (a rule keyed "_" or "^") means every length */
static int marklens(void *arg, int v6, unsigned char *lens)
{
  struct lookup *l = arg;
  size_t want = v6 ? 16 : 4;
  char d[1 + CIDR_LENS];
  int f = cdb_find(&l->c, v6 ? CIDR_MARK6 : CIDR_MARK4, 1);

  if (f != 1) return f;
  if (cdb_datalen(&l->c) != 1 + want
      || cdb_read(&l->c, d, 1 + want, cdb_datapos(&l->c)) || d[0] != '/') {
    memset(lens, 0xff, CIDR_LENS);
    return 1;
  }
  memcpy(lens, d + 1, want);
  return 1;
}

int rules_lookup(int fd, const char *ip, const char *host, const char *info,
                 struct rules_result *r)
{
  struct rules_probe p;
  struct lookup l;
  struct net_ip a;
  unsigned bits;
  int ret, e = 0;

  r->key = r->data = NULL;
  r->keylen = r->datalen = 0;
  r->cidr = 0;
  if (cdb_init(&l.c, fd) == -1) return -1;
  l.r = r;
  p.try = trykey;
  p.lens = marklens;
  p.arg = &l;
  ret = rules_walk(ip, host, info, &p);
  if (ret == -1) e = errno;
  cdb_free(&l.c);
  if (ret == 1 && cidr_unkey(r->key, r->keylen, &a, &bits)) r->cidr = bits;
  if (ret != 1) rules_free(r);
  if (ret == -1) errno = e;
  return ret;
}

void rules_free(struct rules_result *r)
{
  if (r->key != r->small) {
    free(r->key);
    free(r->data);
  }
  r->key = r->data = NULL;
  r->keylen = r->datalen = 0;
}

void rules_entries(const char *data, size_t len,
                   void (*fn)(void *arg, const char *entry, size_t len),
                   void *arg)
{
  size_t i, start = 0;

  for (i = 0; i < len; ++i)
    if (!data[i]) {
      fn(arg, data + start, i - start);
      start = i + 1;
    }
}

static void denied(void *arg, const char *entry, size_t len)
{
  if (len && entry[0] == 'D') *(int *) arg = 1;
}

int rules_denied(const char *data, size_t len)
{
  int d = 0;

  rules_entries(data, len, denied, &d);
  return d;
}

struct vars {
  void (*fn)(void *, const char *, size_t, const char *, size_t);
  void *arg;
};

static void var(void *arg, const char *entry, size_t len)
{
  struct vars *v = arg;
  const char *eq;

  if (!len || entry[0] != '+') return;
  eq = memchr(entry + 1, '=', len - 1);
  if (!eq) return;
  v->fn(v->arg, entry + 1, (size_t) (eq - entry - 1), eq + 1,
        len - (size_t) (eq + 1 - entry));
}

void rules_vars(const char *data, size_t len,
                void (*fn)(void *arg, const char *name, size_t namelen,
                           const char *value, size_t valuelen),
                void *arg)
{
  struct vars v;

  v.fn = fn;
  v.arg = arg;
  rules_entries(data, len, var, &v);
}
