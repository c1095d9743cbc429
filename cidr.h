#ifndef CIDR_H
#define CIDR_H

#include <stddef.h>
#include "net.h"

/* CIDR rules (spec/cidr.md): their text, and their cdb keys, which are
   ucspi-tcp6's: '_' (IPv4) or '^' (IPv6) then one character per prefix
   bit, most significant first. A clear bit is '0'; a set bit at position
   i is, for IPv4, character i of "abcdefghijklmnopqrstuvwxyz123456", for
   IPv6 the byte 0x60 plus the number of set bits before it. The key of
   a /n network is the first 1 + n bytes of its address's /32 (/128) key.
   Pure: no I/O. */

#define CIDR_KEYMAX 129      /* '^' and 128 bits */
#define CIDR_FMTMAX (NET_IPFMT + 4) /* "ADDR/128" plus NUL */
#define CIDR_LENS 16         /* bytes of a length set: bit n-1 is /n */

/* rulekey-style marker our tcprules stores when it stores CIDR keys:
   key "_" (IPv4) or "^" (IPv6), data '/' then the length set of that
   family's rules (4 or 16 bytes). Rule data never starts with '/'. */
#define CIDR_MARK4 "_"
#define CIDR_MARK6 "^"

#define CIDR_NO 0            /* not CIDR text: stored as written */
#define CIDR_OK 1
#define CIDR_BADADDR (-1)    /* the part before '/' is no address */
#define CIDR_BADLEN (-2)     /* length not 1-32 (IPv4) or 1-128 (IPv6) */
#define CIDR_INFO (-3)       /* info@a/n: only plain addresses */

/* A rule address with a '/' that is not a host key (=...): CIDR text
   ADDR/N, strict ADDR (a dotted quad, or IPv6 as inet_pton takes it),
   N decimal. On CIDR_OK net holds the masked network. */
int cidr_parse(const char *s, size_t len, struct net_ip *net, unsigned *bits);

/* The key of net/bits into out (CIDR_KEYMAX bytes); returns its length
   (1 + bits). bits must be within the family's range. */
size_t cidr_key(const struct net_ip *net, unsigned bits, char *out);

/* 1 and net/bits if key[0..len) is a well-formed CIDR key, else 0. */
int cidr_unkey(const char *key, size_t len, struct net_ip *net,
               unsigned *bits);

/* "ADDR/N" into out (CIDR_FMTMAX bytes), ADDR RFC 5952 or dotted. */
size_t cidr_fmt(char *out, const struct net_ip *net, unsigned bits);

/* '_' or '^' then the address's 32 or 128 bits as '0' and '1' (the
   nkey of the -S netblocks table, control-sql.example) into out
   (CIDR_KEYMAX + 1 bytes), NUL-terminated; returns its length. */
size_t cidr_bits(const struct net_ip *ip, char *out);

/* Length sets: add /n; 1 if /n is in the set. */
void cidr_lens_add(unsigned char *lens, unsigned bits);
int cidr_lens_has(const unsigned char *lens, unsigned bits);

#endif
