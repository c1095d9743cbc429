#include <errno.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/stat.h>
#include "relayskip.h"

void relayskip_file_get(const char *path, struct relayskip_file *id)
{
  struct stat st;

  memset(id, 0, sizeof *id);
  if (stat(path, &st) == -1) {
    id->err = errno;
    return;
  }
  id->dev = st.st_dev;
  id->ino = st.st_ino;
  id->size = st.st_size;
  id->mtim = st.st_mtim;
  id->ctim = st.st_ctim;
}

int relayskip_file_same(const struct relayskip_file *a,
                        const struct relayskip_file *b)
{
  return a->err == b->err && a->dev == b->dev && a->ino == b->ino &&
         a->size == b->size && a->mtim.tv_sec == b->mtim.tv_sec &&
         a->mtim.tv_nsec == b->mtim.tv_nsec &&
         a->ctim.tv_sec == b->ctim.tv_sec && a->ctim.tv_nsec == b->ctim.tv_nsec;
}

void relayskip_publish(struct relayskip *s, const struct relaymsg_reply *a,
                       uint64_t until, const struct relayskip_file *file)
{
  s->seq++;
  atomic_thread_fence(memory_order_release);
  s->until = until;
  s->file = *file;
  s->reported = a->reported;
  memcpy(s->server, a->server, sizeof s->server);
  memcpy(s->why, a->why, sizeof s->why);
  atomic_thread_fence(memory_order_release);
  s->seq++;
}

void relayskip_clear(struct relayskip *s)
{
  if (!s->until) return;
  s->seq++;
  atomic_thread_fence(memory_order_release);
  s->until = 0;
  atomic_thread_fence(memory_order_release);
  s->seq++;
}

int relayskip_get(const struct relayskip *s, const char *path,
                  struct relaymsg_reply *a)
{
  struct relayskip_file now, pub;
  unsigned seq = s->seq;
  uint64_t until;

  if (seq & 1) return 0;
  atomic_thread_fence(memory_order_acquire);
  until = s->until;
  if (!until || relaymsg_now_child() >= until) return 0;
  pub = s->file;
  a->reported = s->reported;
  memcpy(a->server, s->server, sizeof a->server);
  memcpy(a->why, s->why, sizeof a->why);
  atomic_thread_fence(memory_order_acquire);
  if (s->seq != seq) return 0;
  a->server[sizeof a->server - 1] = 0;
  a->why[sizeof a->why - 1] = 0;
  relayskip_file_get(path, &now);
  if (!relayskip_file_same(&now, &pub)) return 0;
  a->result = RELAYMSG_ERROR;
  a->varslen = 0;
  return 1;
}
