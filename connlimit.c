#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "connlimit.h"

/* kind: 0 empty, 1 IPv4 address, 2 IPv6 address, 3 IPv4 /24, 4 IPv6 /64;
   b is zero past the bytes the kind uses */
struct key {
  unsigned char kind;
  unsigned char b[16];
};

/* One layout for both tables: the address table uses k and count, the
   child table pid (the key, 0 empty) and k (the child's address). */
struct slot {
  pid_t pid;
  uint32_t count;
  struct key k;
};

struct table {
  struct slot *s;
  size_t mask, used, room;   /* room: used never passes half the size */
  int bypid;
};

static struct table addrs, kids = { .bypid = 1 };
static uint64_t seed;
static struct key pending;   /* counted by open, not yet bound */

struct refusedq {
  _Atomic uint32_t tail;
  _Atomic int pid[];
};
static struct refusedq *rq;
static uint32_t rqmask, rqhead;

static uint64_t mix(uint64_t h)
{
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  return h ^ (h >> 33);
}

/* seeded at init: an address chosen by a client cannot aim at a chain */
static size_t slot_hash(const struct table *t, const struct slot *s)
{
  uint64_t h = seed ^ s->k.kind, w;
  size_t i;

  if (t->bypid) return (size_t) mix(seed ^ (uint64_t) (uint32_t) s->pid) & t->mask;
  for (i = 0; i < 16; i += 8) {
    memcpy(&w, s->k.b + i, 8);
    h = mix(h ^ w);
  }
  return (size_t) h & t->mask;
}

static int slot_empty(const struct table *t, const struct slot *s)
{
  return t->bypid ? s->pid == 0 : s->k.kind == 0;
}

static int slot_same(const struct table *t, const struct slot *a,
                     const struct slot *b)
{
  if (t->bypid) return a->pid == b->pid;
  return a->k.kind == b->k.kind && !memcmp(a->k.b, b->k.b, 16);
}

/* the slot holding want's key, or the empty slot where it would go */
static size_t slot_find(const struct table *t, const struct slot *want)
{
  size_t i = slot_hash(t, want);

  while (!slot_empty(t, &t->s[i]) && !slot_same(t, &t->s[i], want))
    i = (i + 1) & t->mask;
  return i;
}

/* linear probing's deletion: later slots of the run move back, so that
   no lookup ever stops at a hole before its key */
static void slot_delete(struct table *t, size_t i)
{
  size_t j = i, h;

  for (;;) {
    j = (j + 1) & t->mask;
    if (slot_empty(t, &t->s[j])) break;
    h = slot_hash(t, &t->s[j]);
    if (i <= j ? (i < h && h <= j) : (i < h || h <= j)) continue;
    t->s[i] = t->s[j];
    i = j;
  }
  memset(&t->s[i], 0, sizeof t->s[i]);
  --t->used;
}

static int table_init(struct table *t, size_t entries)
{
  size_t n = 4;

  while (n < 2 * entries) n *= 2;
  t->s = calloc(n, sizeof *t->s);
  if (!t->s) return -1;
  t->mask = n - 1;
  t->room = n / 2;
  t->used = 0;
  return 0;
}

int connlimit_init(unsigned long maxconn)
{
  size_t n = maxconn < CONNLIMIT_CAP ? (size_t) maxconn : CONNLIMIT_CAP;

  if (n == 0) n = 1;
  if (getrandom(&seed, sizeof seed, GRND_NONBLOCK) != (ssize_t) sizeof seed)
    seed = (uint64_t) time(NULL) ^ ((uint64_t) getpid() << 32);
  free(addrs.s);
  free(kids.s);
  addrs.s = kids.s = NULL;
  if (table_init(&addrs, 2 * n) == -1 || table_init(&kids, n) == -1) {
    errno = ENOMEM;
    return -1;
  }
  pending.kind = 0;
  return 0;
}

static void key_of(const struct net_ip *ip, struct key *a, struct key *net)
{
  struct net_ip u = *ip;

  net_ip_unmap(&u);
  memset(a, 0, sizeof *a);
  memset(net, 0, sizeof *net);
  if (u.family == AF_INET6) {
    a->kind = 2;
    memcpy(a->b, u.b, 16);
    net->kind = 4;
    memcpy(net->b, u.b, 8);
  } else {
    a->kind = 1;
    memcpy(a->b, u.b, 4);
    net->kind = 3;
    memcpy(net->b, u.b, 3);
  }
}

/* the count of k before, then one more */
static unsigned long count_up(const struct key *k)
{
  struct slot want = { .k = *k };
  size_t i = slot_find(&addrs, &want);

  if (slot_empty(&addrs, &addrs.s[i])) {
    addrs.s[i] = want;
    ++addrs.used;
  }
  return addrs.s[i].count++;
}

static void count_down(const struct key *k)
{
  struct slot want = { .k = *k };
  size_t i = slot_find(&addrs, &want);

  if (slot_empty(&addrs, &addrs.s[i])) return;
  if (--addrs.s[i].count == 0) slot_delete(&addrs, i);
}

static void net_of(const struct key *a, struct key *net)
{
  memset(net, 0, sizeof *net);
  net->kind = (unsigned char) (a->kind + 2);
  memcpy(net->b, a->b, a->kind == 1 ? 3 : 8);
}

void connlimit_open(const struct net_ip *ip, struct connlimit_seen *seen)
{
  struct key a, net;

  seen->ip = seen->net = 0;
  pending.kind = 0;
  if (!addrs.s || addrs.used + 2 > addrs.room || kids.used + 1 > kids.room)
    return;
  key_of(ip, &a, &net);
  seen->ip = count_up(&a);
  seen->net = count_up(&net);
  pending = a;
}

void connlimit_cancel(void)
{
  struct key net;

  if (!pending.kind) return;
  net_of(&pending, &net);
  count_down(&pending);
  count_down(&net);
  pending.kind = 0;
}

void connlimit_bind(pid_t pid)
{
  struct slot want = { .pid = pid };
  size_t i;

  if (!pending.kind) return;
  if (pid <= 0) {
    connlimit_cancel();
    return;
  }
  i = slot_find(&kids, &want);
  if (slot_empty(&kids, &kids.s[i])) ++kids.used;
  want.k = pending;
  kids.s[i] = want;
  pending.kind = 0;
}

int connlimit_close(pid_t pid)
{
  struct slot want = { .pid = pid };
  struct key a, net;
  size_t i;

  if (!kids.s || pid <= 0) return 0;
  i = slot_find(&kids, &want);
  if (slot_empty(&kids, &kids.s[i])) return 0;
  a = kids.s[i].k;
  slot_delete(&kids, i);
  net_of(&a, &net);
  count_down(&a);
  count_down(&net);
  return 1;
}

size_t connlimit_entries(void) { return addrs.used; }
size_t connlimit_children(void) { return kids.used; }

int connlimit_share(void)
{
  uint32_t n = 2;
  void *p;

  while (n < kids.room && n < CONNLIMIT_CAP) n *= 2;
  p = mmap(NULL, sizeof *rq + n * sizeof rq->pid[0], PROT_READ | PROT_WRITE,
           MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return -1;
  rq = p;
  rqmask = n - 1;
  rqhead = 0;
  return 0;
}

void connlimit_refused(pid_t pid)
{
  uint32_t i;

  if (!rq) return;
  i = atomic_fetch_add(&rq->tail, 1);
  atomic_store(&rq->pid[i & rqmask], (int) pid);
}

/* a slot still 0 belongs to a child between its two steps: it is
   taken at the next drain (the reaper drains before it reaps) */
void connlimit_drain(void)
{
  int pid;

  if (!rq) return;
  while (rqhead != atomic_load(&rq->tail)) {
    pid = atomic_exchange(&rq->pid[rqhead & rqmask], 0);
    if (!pid) break;
    connlimit_close((pid_t) pid);
    ++rqhead;
  }
}

int connlimit_scan(const char *s, unsigned long *u)
{
  unsigned long v = 0;

  if (!s || !*s) return 0;
  for (; *s; ++s) {
    if (*s < '0' || *s > '9') return 0;
    if (v > (~0UL - 9) / 10) v = ~0UL;
    else v = v * 10 + (unsigned long) (*s - '0');
  }
  *u = v;
  return 1;
}
