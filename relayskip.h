#ifndef RELAYSKIP_H
#define RELAYSKIP_H

#include <stdint.h>
#include "relaymsg.h"

/* A shortcut published by sqlrelayd in the shared page: "for a moment,
   every lookup ends in this error without touching a database" (the
   control file is unusable, or every server is in its retry period).
   Children then fall back at once instead of asking. The shortcut names
   the control file it was made under: once that file changes, children
   ask again, so an edit takes effect on the next connection. */

#define RELAYSKIP_NS 1000000000ull   /* longest shortcut: then ask again */

void relayskip_file_get(const char *path, struct relayskip_file *id);
int relayskip_file_same(const struct relayskip_file *a,
                        const struct relayskip_file *b);

/* Helper side; callers serialise. */
void relayskip_publish(struct relayskip *s, const struct relaymsg_reply *a,
                       uint64_t until, const struct relayskip_file *file);
void relayskip_clear(struct relayskip *s);

/* Child side: 1 and a filled with the error if a shortcut holds now for
   the control file at path, else 0 (ask the helper). */
int relayskip_get(const struct relayskip *s, const char *path,
                  struct relaymsg_reply *a);

#endif
