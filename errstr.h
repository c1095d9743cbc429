#ifndef ERRSTR_H
#define ERRSTR_H

/* djb-style error text for errno e; "unknown error" for anything unlisted. */
const char *errstr(int e);

#endif
