#ifndef RELAYIP_H
#define RELAYIP_H

#include <stddef.h>
#include "net.h"

/* The client address of a login, as the relay table stores it and
   tcpserver -S looks it up: IPv4 dotted, an IPv4-mapped address as its
   IPv4 part, IPv6 in RFC 5952 text. */

/* text is an address as a POP/IMAP server gives it (any spelling inet_pton
   takes; no scope id). 1 and the table's text in out (NET_IPFMT bytes),
   0 if it is not an address. */
int relayip_normalise(const char *text, char *out);

/* Courier's authentication chain (as relay-ctrl-allow reads it): AUTHUSER
   and AUTHARGV0 both set and AUTHENTICATED empty or unset means the login
   failed. 1 then, else 0. */
int relayip_courier_failed(const char *authuser, const char *authargv0,
                           const char *authenticated);

#endif
