#ifndef RELAYMSG_H
#define RELAYMSG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

/* The messages between a tcpserver child and sqlrelayd, and the memory
   they share. A request is one SOCK_SEQPACKET message naming the child's
   reply slot; the reply is written into that slot in the shared memory
   and the child is woken with a futex. Pure encode/decode: every length
   is checked against the buffer, nothing is trusted. */

#define RELAYMSG_IPMAX 64       /* longest client address text */
#define RELAYMSG_TEXTMAX 255    /* longest server name or cause */
#define RELAYMSG_VARSMAX 3072   /* NAME=VALUE\0... to set on relay */
#define RELAYMSG_MAX 4096       /* no message is longer */
#define RELAYMSG_REQMAX 96      /* no request is longer */

#define RELAYMSG_RELAY 1
#define RELAYMSG_NORELAY 0
#define RELAYMSG_ERROR (-1)

struct relaymsg_request {
  uint64_t deadline;                  /* CLOCK_MONOTONIC, nanoseconds */
  uint64_t arrived;                   /* the connection's accept, same clock */
  uint32_t slot;                      /* where the reply goes */
  uint32_t ticket;                    /* the child's request in that slot */
  char ip[RELAYMSG_IPMAX + 1];
};

/* Small fields first: a short reply touches one page of it. */
struct relaymsg_reply {
  int result;                         /* RELAYMSG_RELAY, _NORELAY, _ERROR */
  int reported;                       /* the helper already logged the cause */
  unsigned long usec;                 /* time the lookup took */
  size_t varslen;
  char server[RELAYMSG_TEXTMAX + 1];  /* "" when no server was involved */
  char why[RELAYMSG_TEXTMAX + 1];
  char vars[RELAYMSG_VARSMAX];        /* each entry NAME=VALUE\0, NAME != "" */
};

/* A reply slot. word is the futex: ticket << 2 | state. The child that
   owns the slot moves it to POSTED with a new ticket; the helper answers
   only that ticket (POSTED -> WRITING -> DONE, then a wake-up); a child
   that gives up moves POSTED back to IDLE, so a late answer is dropped. */
#define RELAYSLOT_IDLE 0u
#define RELAYSLOT_POSTED 1u
#define RELAYSLOT_WRITING 2u
#define RELAYSLOT_DONE 3u
#define RELAYSLOT_TICKETS 0x3fffffffu
struct relayslot {
  _Atomic uint32_t word;
  uint32_t len;                       /* bytes of reply */
  char reply[RELAYMSG_MAX];
};
#define RELAYMSG_SLOTSIZE 8192        /* a slot's stride: word and a short
                                         reply share one page */
#define RELAYMSG_SLOTMAX 65536        /* most slots (children asking at once) */
#define RELAYMSG_SLOTOFF(i) (4096 + (size_t) (i) * RELAYMSG_SLOTSIZE)

/* What identifies one version of the control file. */
struct relayskip_file {
  int err;
  dev_t dev;
  ino_t ino;
  off_t size;
  struct timespec mtim, ctim;
};

/* The shortcut sqlrelayd publishes (relayskip.h). */
struct relayskip {
  _Atomic unsigned seq;              /* odd while being written */
  uint64_t until;                    /* CLOCK_MONOTONIC ns; 0: none */
  struct relayskip_file file;
  int reported;
  char server[RELAYMSG_TEXTMAX + 1];
  char why[RELAYMSG_TEXTMAX + 1];
};

/* Shared by tcpserver, its children and sqlrelayd (MAP_SHARED memfd):
   this page, then nslots reply slots at RELAYMSG_SLOTOFF(i). */
struct relaymsg_page {
  _Atomic int up;                     /* parent: 1 while a helper runs */
  _Atomic int pid;                    /* parent: the helper's pid */
  _Atomic unsigned budget_ms;         /* helper: longest wait for a reply */
  uint32_t nslots;                    /* parent, before the helper starts */
  struct relayskip skip;              /* helper: known errors, for a moment */
};
#define RELAYMSG_BUDGET_DEFAULT 8500

/* The version of the requests and of this memory, kept at a place no
   version moves (the end of the first page; 0 before version 3).
   tcpserver writes it; a sqlrelayd of another version refuses to run,
   so when a running tcpserver restarts a helper that an upgrade
   replaced, its children fall back at once instead of waiting out
   their budget for answers that never come. From version 4 the helper
   also says its own version (hello, next to it) once it has mapped this
   memory: a helper older than tcpserver, which checks nothing, never
   does, and tcpserver stops it (relayask.c). */
#define RELAYMSG_VERSION 4
#define RELAYMSG_VERSION_OFF 4092
#define RELAYMSG_HELLO_OFF 4088
static inline uint32_t *relaymsg_version(struct relaymsg_page *p)
{
  return (uint32_t *) (void *) ((char *) p + RELAYMSG_VERSION_OFF);
}
static inline _Atomic uint32_t *relaymsg_hello(struct relaymsg_page *p)
{
  return (_Atomic uint32_t *) (void *) ((char *) p + RELAYMSG_HELLO_OFF);
}

/* Reply slot i of the shared memory that starts with page p. */
static inline struct relayslot *relaymsg_slot(struct relaymsg_page *p, uint32_t i)
{
  return (struct relayslot *) (void *) ((char *) p + RELAYMSG_SLOTOFF(i));
}

/* Bytes written to buf, 0 if it does not fit or a field is too long. */
size_t relaymsg_request_pack(char *buf, size_t size,
                             const struct relaymsg_request *q);
size_t relaymsg_reply_pack(char *buf, size_t size,
                           const struct relaymsg_reply *a);

/* 1 well formed (q/a filled, strings NUL-terminated), 0 malformed. */
int relaymsg_request_unpack(struct relaymsg_request *q,
                            const char *buf, size_t len);
int relaymsg_reply_unpack(struct relaymsg_reply *a,
                          const char *buf, size_t len);

/* 1 if vars (varslen bytes) is a well formed NAME=VALUE\0... list. */
int relaymsg_vars_ok(const char *vars, size_t varslen);

/* CLOCK_MONOTONIC now, in nanoseconds. */
uint64_t relaymsg_now(void);
/* The same by a plain system call, for a connection's child: the first
   clock_gettime of a freshly forked process cost three page faults
   (measured: the libc wrapper's code, the vDSO and one more), together
   dearer than the call. */
uint64_t relaymsg_now_child(void);

/* Futex on a word in shared memory: sleeps while *word == expected, at
   most ms milliseconds (0: returns at once); wakes every sleeper. */
void relaymsg_wait(_Atomic uint32_t *word, uint32_t expected, unsigned ms);
void relaymsg_wake(_Atomic uint32_t *word);

#endif
