#ifndef RULEKEY_H
#define RULEKEY_H

#include <stddef.h>
#include "net.h"

/* What tcprules stores for a rule key (ipv6.md, Rules). Pure: no I/O.
   The ip part of a key is what follows its last '@' (info@ip), else the
   whole key. An IPv6 key is one whose ip part holds a ':' and does not
   start with '=' (a host); every other key is stored as written, as 0.88
   stores it. */
#define RULEKEY_LITERAL 0    /* not an IPv6 key: stored as written */
#define RULEKEY_IP6 1        /* a complete IPv6 address: out holds the key
                                with it in RFC 5952 form */
#define RULEKEY_PREFIX 2     /* a prefix some address's ladder tries:
                                stored as written */
/* IPv6 keys no address can match, stored as written (tcprules warns): */
#define RULEKEY_NOTCOMPACT 3 /* a prefix not in lowercase compact form */
#define RULEKEY_INFOPREFIX 4 /* info@prefix: info@ip uses the whole ip */
#define RULEKEY_NOTADDR 5    /* neither address nor prefix: a scope id,
                                a '/', anything malformed */

/* Room out needs for a key of len bytes. */
#define RULEKEY_MAX(len) ((len) + NET_IPFMT)

/* The class of key[0..len); for RULEKEY_IP6 the key to store is in out
   (*outlen bytes; outsize must be RULEKEY_MAX(len), else the key counts
   as RULEKEY_NOTADDR). */
int rulekey_class(const char *key, size_t len, char *out, size_t outsize,
                  size_t *outlen);

/* Why a class never matches (the warning's text), or NULL if it can. */
const char *rulekey_why(int cls);

/* 1 if some address, formatted as tcpserver formats it (RFC 5952), has
   p[0..len) (ending in ':' or '.') among its ladder prefixes. */
int rulekey_canmatch(const char *p, size_t len);

#endif
