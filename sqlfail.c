#include <pthread.h>
#include <string.h>
#include <time.h>
#include "sqlfail.h"

#define KEYMAX 320

struct entry {
  char key[KEYMAX];             /* "" = free slot */
  time_t until;                 /* monotonic seconds */
  char why[SQLFAIL_WHY];
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct entry table[SQLFAIL_MAX];

static time_t now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec;
}

static void copy(char *dst, size_t n, const char *src)
{
  size_t len = strlen(src);
  if (!n) return;
  if (len >= n) len = n - 1;
  memcpy(dst, src, len);
  dst[len] = 0;
}

/* caller holds lock */
static struct entry *find(const char *key)
{
  size_t i;
  for (i = 0; i < SQLFAIL_MAX; ++i)
    if (table[i].key[0] && !strncmp(table[i].key, key, KEYMAX - 1))
      return &table[i];
  return NULL;
}

/* caller holds lock: a free slot, else the one expiring first */
static struct entry *slot(void)
{
  struct entry *best = &table[0];
  size_t i;
  for (i = 0; i < SQLFAIL_MAX; ++i) {
    if (!table[i].key[0]) return &table[i];
    if (table[i].until < best->until) best = &table[i];
  }
  return best;
}

int sqlfail_check(const char *key, unsigned retry, char *why, size_t whylen)
{
  struct entry *e;
  time_t t = now();
  int skip = 0;
  pthread_mutex_lock(&lock);
  e = find(key);
  if (e && t < e->until) {
    skip = 1;
    if (why) copy(why, whylen, e->why);
  } else if (e)
    e->until = t + (time_t)retry;
  pthread_mutex_unlock(&lock);
  return skip;
}

void sqlfail_ok(const char *key)
{
  struct entry *e;
  pthread_mutex_lock(&lock);
  e = find(key);
  if (e) e->key[0] = 0;
  pthread_mutex_unlock(&lock);
}

void sqlfail_failed(const char *key, unsigned retry, const char *why)
{
  struct entry *e;
  time_t t = now();
  pthread_mutex_lock(&lock);
  e = find(key);
  if (!e) { e = slot(); copy(e->key, KEYMAX, key); }
  e->until = t + (time_t)retry;
  copy(e->why, SQLFAIL_WHY, why);
  pthread_mutex_unlock(&lock);
}

void sqlfail_forget(void)
{
  pthread_mutex_lock(&lock);
  memset(table, 0, sizeof table);
  pthread_mutex_unlock(&lock);
}
