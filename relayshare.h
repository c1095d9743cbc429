#ifndef RELAYSHARE_H
#define RELAYSHARE_H

#include <stddef.h>
#include <stdint.h>
#include "relaymsg.h"

/* sqlrelayd: one statement's answers shared by many connections.
   A statement sent after a connection was accepted reads the relay table
   after that, so its answer honours every row that was there when the
   connection arrived: as fresh, for that connection, as a statement of
   its own. A request (its connection accepted at q->arrived) may take
   the answer of a statement about its address sent at or after that
   time under the same control file version: one already answered (the
   last answer per address is kept) or one a worker has in flight (the
   request joins it). Failed statements are not kept. Thread-safe. */

#define RELAYSHARE_KEPT 64       /* slots for kept answers, by address */
#define RELAYSHARE_JOINMAX 32    /* requests joining one flight */
#define RELAYSHARE_FLIGHTS 64    /* workers */

/* A worker's statement, while in flight, and the requests that joined
   it. Written only under the module's lock; the owner reads join[]
   after relayshare_land. */
struct relayshare_flight {
  int active;
  unsigned long gen;
  uint64_t sent;
  const char *const *ip;         /* the owner's, nip of them */
  size_t nip;
  struct relaymsg_request join[RELAYSHARE_JOINMAX];
  int jwhich[RELAYSHARE_JOINMAX]; /* each joiner's address: ip[jwhich] */
  size_t njoin;
};

/* Once per worker, before its first takeoff. 0, or -1 if the table of
   flights is full (the worker then neither shares nor is joined). */
int relayshare_enlist(struct relayshare_flight *f);

/* How q can be answered without a statement of its own, gen being the
   control file version: 1 by a kept answer (*res 1 relay / 0 not, and
   server, RELAYMSG_TEXTMAX + 1 bytes, the server that gave it); 2 it
   joined another worker's flight (that worker answers it); 0 neither. */
int relayshare_find(const struct relaymsg_request *q, unsigned long gen,
                    const struct relayshare_flight *self, int *res,
                    char *server);

/* self's statement about ip[0..nip) (nip >= 1, distinct addresses that
   stay in place until relayshare_land) is about to be sent. */
void relayshare_takeoff(struct relayshare_flight *self, unsigned long gen,
                        const char *const *ip, size_t nip);

/* self's statement ended: ok with res[i] for ip[i] (kept for later
   requests, as given by server), or failed. Nothing joins it any more;
   returns njoin: self->join[0..njoin) are the requests that did. */
size_t relayshare_land(struct relayshare_flight *self, int ok, const int *res,
                       const char *server);

#endif
