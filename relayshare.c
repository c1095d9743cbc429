#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "relayshare.h"

struct kept {
  unsigned long gen;             /* 0: empty (versions count from 1) */
  uint64_t sent;                 /* when its statement was sent */
  int res;
  char ip[RELAYMSG_IPMAX + 1];
  char server[RELAYMSG_TEXTMAX + 1];
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct kept kept[RELAYSHARE_KEPT];
static struct relayshare_flight *flights[RELAYSHARE_FLIGHTS];
static size_t nflights;

static struct kept *kept_for(const char *ip)
{
  uint32_t h = 2166136261u;   /* FNV-1a */

  while (*ip) h = (h ^ (unsigned char) *ip++) * 16777619u;
  return &kept[h % RELAYSHARE_KEPT];
}

/* 1 if e holds an answer for ip under control file version gen */
static int kept_is(const struct kept *e, unsigned long gen, const char *ip)
{
  return e->gen == gen && !strcmp(e->ip, ip);
}

/* index of ip among f's addresses, or -1 */
static int flight_has(const struct relayshare_flight *f, const char *ip)
{
  size_t j;

  for (j = 0; j < f->nip; ++j)
    if (!strcmp(f->ip[j], ip)) return (int) j;
  return -1;
}

int relayshare_enlist(struct relayshare_flight *f)
{
  int r = -1;

  memset(f, 0, sizeof *f);
  pthread_mutex_lock(&lock);
  if (nflights < RELAYSHARE_FLIGHTS) { flights[nflights++] = f; r = 0; }
  pthread_mutex_unlock(&lock);
  return r;
}

int relayshare_find(const struct relaymsg_request *q, unsigned long gen,
                    const struct relayshare_flight *self, int *res,
                    char *server)
{
  struct kept *e = kept_for(q->ip);
  struct relayshare_flight *f;
  size_t k;
  int j, r = 0;

  pthread_mutex_lock(&lock);
  if (kept_is(e, gen, q->ip) && e->sent >= q->arrived) {
    *res = e->res;
    memcpy(server, e->server, sizeof e->server);
    r = 1;
  }
  for (k = 0; !r && k < nflights; ++k) {
    f = flights[k];
    if (f == self || !f->active || f->gen != gen || f->sent < q->arrived ||
        f->njoin == RELAYSHARE_JOINMAX || (j = flight_has(f, q->ip)) < 0)
      continue;
    f->join[f->njoin] = *q;
    f->jwhich[f->njoin++] = j;
    r = 2;
  }
  pthread_mutex_unlock(&lock);
  return r;
}

void relayshare_takeoff(struct relayshare_flight *self, unsigned long gen,
                        const char *const *ip, size_t nip)
{
  pthread_mutex_lock(&lock);
  self->gen = gen;
  self->ip = ip;
  self->nip = nip;
  self->njoin = 0;
  /* taken before the statement goes out, so never later than it */
  self->sent = relaymsg_now();
  self->active = 1;
  pthread_mutex_unlock(&lock);
}

size_t relayshare_land(struct relayshare_flight *self, int ok, const int *res,
                       const char *server)
{
  struct kept *e;
  size_t j;

  pthread_mutex_lock(&lock);
  self->active = 0;
  for (j = 0; ok && j < self->nip; ++j) {
    e = kept_for(self->ip[j]);
    /* a newer answer for the same address stays */
    if (kept_is(e, self->gen, self->ip[j]) && e->sent >= self->sent) continue;
    e->gen = self->gen;
    e->sent = self->sent;
    e->res = res[j];
    snprintf(e->ip, sizeof e->ip, "%s", self->ip[j]);
    snprintf(e->server, sizeof e->server, "%s", server);
  }
  pthread_mutex_unlock(&lock);
  return self->njoin;
}
