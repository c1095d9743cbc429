#ifndef RELAYMSG_H
#define RELAYMSG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

/* The messages between a tcpserver child and sqlrelayd (one SOCK_SEQPACKET
   message each way), and the page the two share. Pure encode/decode: every
   length is checked against the buffer, nothing is trusted. */

#define RELAYMSG_IPMAX 64       /* longest client address text */
#define RELAYMSG_TEXTMAX 255    /* longest server name or cause */
#define RELAYMSG_VARSMAX 3072   /* NAME=VALUE\0... to set on relay */
#define RELAYMSG_MAX 4096       /* no message is longer */

#define RELAYMSG_RELAY 1
#define RELAYMSG_NORELAY 0
#define RELAYMSG_ERROR (-1)

struct relaymsg_request {
  uint64_t deadline;                  /* CLOCK_MONOTONIC, nanoseconds */
  char ip[RELAYMSG_IPMAX + 1];
};

struct relaymsg_reply {
  int result;                         /* RELAYMSG_RELAY, _NORELAY, _ERROR */
  int reported;                       /* the helper already logged the cause */
  unsigned long usec;                 /* time the lookup took */
  char server[RELAYMSG_TEXTMAX + 1];  /* "" when no server was involved */
  char why[RELAYMSG_TEXTMAX + 1];
  char vars[RELAYMSG_VARSMAX];        /* each entry NAME=VALUE\0, NAME != "" */
  size_t varslen;
};

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

/* Shared by tcpserver, its children and sqlrelayd (MAP_SHARED memfd). */
struct relaymsg_page {
  _Atomic int up;                     /* parent: 1 while a helper runs */
  _Atomic int pid;                    /* parent: the helper's pid */
  _Atomic unsigned budget_ms;         /* helper: longest wait for a reply */
  struct relayskip skip;              /* helper: known errors, for a moment */
};
#define RELAYMSG_BUDGET_DEFAULT 6500

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

#endif
