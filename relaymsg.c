#include <linux/futex.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "relaymsg.h"

/* request: 'q' 3 deadline(8, LE) arrived(8, LE) slot(4, LE) ticket(4, LE) iplen(1) ip
   reply:   'a' 1 result(1: R N E) reported(1) usec(8, LE)
            serverlen(1) server whylen(1) why varslen(2, LE) vars */

struct out { char *buf; size_t size, len; int bad; };
struct in { const char *buf; size_t len, pos; int bad; };

static void put(struct out *o, const void *p, size_t n)
{
  if (o->bad || n > o->size - o->len) { o->bad = 1; return; }
  memcpy(o->buf + o->len, p, n);
  o->len += n;
}

static void put_byte(struct out *o, unsigned c)
{
  unsigned char b = (unsigned char) c;
  put(o, &b, 1);
}

static void put_u64(struct out *o, uint64_t u)
{
  int i;
  for (i = 0; i < 8; ++i) put_byte(o, (unsigned) (u >> (8 * i)) & 255);
}

static void put_u32(struct out *o, uint32_t u)
{
  int i;
  for (i = 0; i < 4; ++i) put_byte(o, (unsigned) (u >> (8 * i)) & 255);
}

/* a string with a one-byte length; max: longest allowed */
static void put_str(struct out *o, const char *s, size_t max)
{
  size_t n = strnlen(s, max + 1);
  if (n > max || n > 255) { o->bad = 1; return; }
  put_byte(o, (unsigned) n);
  put(o, s, n);
}

static const char *get(struct in *i, size_t n)
{
  const char *p;
  if (i->bad || n > i->len - i->pos) { i->bad = 1; return NULL; }
  p = i->buf + i->pos;
  i->pos += n;
  return p;
}

static unsigned get_byte(struct in *i)
{
  const char *p = get(i, 1);
  return p ? (unsigned char) *p : 0;
}

static uint64_t get_u64(struct in *i)
{
  uint64_t u = 0;
  int k;
  for (k = 0; k < 8; ++k) u |= (uint64_t) get_byte(i) << (8 * k);
  return u;
}

static uint32_t get_u32(struct in *i)
{
  uint32_t u = 0;
  int k;
  for (k = 0; k < 4; ++k) u |= (uint32_t) get_byte(i) << (8 * k);
  return u;
}

/* s has room for max + 1 bytes; no NUL may occur inside the text */
static void get_str(struct in *i, char *s, size_t max)
{
  size_t n = get_byte(i);
  const char *p;

  s[0] = 0;
  if (n > max) { i->bad = 1; return; }
  p = get(i, n);
  if (!p) return;
  if (memchr(p, 0, n)) { i->bad = 1; return; }
  memcpy(s, p, n);
  s[n] = 0;
}

size_t relaymsg_request_pack(char *buf, size_t size,
                             const struct relaymsg_request *q)
{
  struct out o = { buf, size, 0, 0 };

  put_byte(&o, 'q');
  put_byte(&o, RELAYMSG_VERSION);
  put_u64(&o, q->deadline);
  put_u64(&o, q->arrived);
  put_u32(&o, q->slot);
  put_u32(&o, q->ticket);
  put_str(&o, q->ip, RELAYMSG_IPMAX);
  if (!q->ip[0]) o.bad = 1;
  return o.bad ? 0 : o.len;
}

int relaymsg_request_unpack(struct relaymsg_request *q,
                            const char *buf, size_t len)
{
  struct in i = { buf, len, 0, 0 };
  const char *h = get(&i, 2);

  if (!h || h[0] != 'q' || h[1] != RELAYMSG_VERSION) return 0;
  q->deadline = get_u64(&i);
  q->arrived = get_u64(&i);
  q->slot = get_u32(&i);
  q->ticket = get_u32(&i);
  get_str(&i, q->ip, RELAYMSG_IPMAX);
  return !i.bad && i.pos == len && q->ip[0];
}

int relaymsg_vars_ok(const char *vars, size_t varslen)
{
  size_t start = 0, k;

  if (varslen > RELAYMSG_VARSMAX) return 0;
  if (varslen && vars[varslen - 1]) return 0;
  for (k = 0; k < varslen; ++k) {
    if (vars[k]) continue;
    {
      const char *eq = memchr(vars + start, '=', k - start);
      if (!eq || eq == vars + start) return 0;
    }
    start = k + 1;
  }
  return 1;
}

static int result_code(int r)
{
  if (r == RELAYMSG_RELAY) return 'R';
  if (r == RELAYMSG_NORELAY) return 'N';
  return 'E';
}

size_t relaymsg_reply_pack(char *buf, size_t size,
                           const struct relaymsg_reply *a)
{
  struct out o = { buf, size, 0, 0 };

  if (!relaymsg_vars_ok(a->vars, a->varslen)) return 0;
  put(&o, "a\001", 2);
  put_byte(&o, (unsigned) result_code(a->result));
  put_byte(&o, a->reported ? 1 : 0);
  put_u64(&o, a->usec);
  put_str(&o, a->server, RELAYMSG_TEXTMAX);
  put_str(&o, a->why, RELAYMSG_TEXTMAX);
  put_byte(&o, (unsigned) (a->varslen & 255));
  put_byte(&o, (unsigned) (a->varslen >> 8));
  put(&o, a->vars, a->varslen);
  return o.bad ? 0 : o.len;
}

int relaymsg_reply_unpack(struct relaymsg_reply *a,
                          const char *buf, size_t len)
{
  struct in i = { buf, len, 0, 0 };
  const char *h = get(&i, 2), *v;
  unsigned code, rep;

  if (!h || memcmp(h, "a\001", 2)) return 0;
  code = get_byte(&i);
  if (code == 'R') a->result = RELAYMSG_RELAY;
  else if (code == 'N') a->result = RELAYMSG_NORELAY;
  else if (code == 'E') a->result = RELAYMSG_ERROR;
  else return 0;
  rep = get_byte(&i);
  if (rep > 1) return 0;
  a->reported = (int) rep;
  a->usec = (unsigned long) get_u64(&i);
  get_str(&i, a->server, RELAYMSG_TEXTMAX);
  get_str(&i, a->why, RELAYMSG_TEXTMAX);
  a->varslen = get_byte(&i);
  a->varslen |= (size_t) get_byte(&i) << 8;
  if (i.bad || a->varslen > RELAYMSG_VARSMAX) return 0;
  v = get(&i, a->varslen);
  if (!v || i.pos != len) return 0;
  memcpy(a->vars, v, a->varslen);
  return relaymsg_vars_ok(a->vars, a->varslen);
}

/* t in nanoseconds; 0 if reading the clock failed (r == -1) */
static uint64_t ns(int r, const struct timespec *t)
{
  if (r == -1) return 0;
  return (uint64_t) t->tv_sec * 1000000000u + (uint64_t) t->tv_nsec;
}

uint64_t relaymsg_now(void)
{
  struct timespec t;
  return ns(clock_gettime(CLOCK_MONOTONIC, &t), &t);
}

uint64_t relaymsg_now_child(void)
{
  struct timespec t;
  return ns((int) syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &t), &t);
}

void relaymsg_wait(_Atomic uint32_t *word, uint32_t expected, unsigned ms)
{
  struct timespec t;

  if (!ms) return;
  t.tv_sec = ms / 1000;
  t.tv_nsec = (long) (ms % 1000) * 1000000;
  /* shared memory of several processes: not FUTEX_PRIVATE */
  syscall(SYS_futex, (uint32_t *) (uintptr_t) word, FUTEX_WAIT, expected, &t, NULL, 0);
}

void relaymsg_wake(_Atomic uint32_t *word)
{
  syscall(SYS_futex, (uint32_t *) (uintptr_t) word, FUTEX_WAKE, 0x7fffffff, NULL, NULL, 0);
}
