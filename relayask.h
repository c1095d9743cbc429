#ifndef RELAYASK_H
#define RELAYASK_H

#include <stddef.h>
#include <sys/types.h>

/* tcpserver's side of -S (sql-relay.md Part 2). The parent starts and
   restarts sqlrelayd and never waits on it; each child asks it with a
   bounded wait and falls back to the -x rules alone on any failure. */

/* Parent, once, after the uid/gid change, before the accept loop.
   0 ok; -1 with errno when -S cannot work (every connection falls back).
   Every descriptor it keeps is close-on-exec and >= 3. */
int relayask_start(unsigned long limit);

/* Parent, SIGCHLD blocked, around each fork of a connection child:
   prefork gives the next child a reply slot of its own (limit slots,
   one per child that can run at once) and notes the time as the moment
   its connection arrived (so it is called after accept returned);
   forked(pid) records the child (pid > 0) or takes the slot back (fork
   failed). The slot is free again when relayask_reap sees the child
   end. */
void relayask_prefork(void);
void relayask_forked(pid_t pid);

/* For the SIGCHLD reaper (async-signal-safe): 1 if pid was the helper,
   0 if it was some other child (its reply slot is freed). */
int relayask_reap(pid_t pid, int status);

/* Parent, in the accept loop, SIGCHLD blocked: logs a helper that ended
   and restarts it once its backoff (1 s doubling to 30 s) has passed. */
void relayask_poll(void);

#define RELAYASK_SKIPPED 2

/* Child, after the rules were applied to childenv: the relay decision of
   Part 2 point 3 for client ip. denied: the rules deny (no query). A rule
   (or tcpserver's own environment) that set RELAYCLIENT: no query. On
   relay, sets each variable of the answer a rule did not set. Logs.
   Returns 1 relay, 0 no relay, -1 error (fall back to the rules alone),
   RELAYASK_SKIPPED when no query was made. Never exits. */
int relayask_child(const char *ip, int denied);

#endif
