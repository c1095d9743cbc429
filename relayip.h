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

/* vpopmail's get_remote_ip() (ipv6.md 1.3) of text into out (outmax
   bytes, NUL-terminated): longer than 30 characters unchanged; else a
   leading ':' drops the first two characters and then everything up to
   and including the next ':' (::ffff:1.2.3.4 -> 1.2.3.4, ::1 -> empty);
   then every character outside [A-Za-z0-9_.@-] becomes '_'. Returns the
   length; a result that does not fit is the empty string (0). */
size_t relayip_vpopmail(const char *text, char *out, size_t outmax);

/* The keys a relay lookup asks for a client address text (TCPREMOTEIP;
   any spelling net_ip_scan takes): forms[0] the table's text
   (relayip_normalise), forms[1], for IPv6, vpopmail's transform of it
   when that differs and names only this address: never for an address
   starting with ':' (vpopmail's rule 2 would make ::1 the empty string
   and ::2:3 "3"). Returns the number of keys (1 or 2), 0 if text is not
   an address. */
#define RELAYIP_FORMS 2
int relayip_forms(const char *text, char forms[RELAYIP_FORMS][NET_IPFMT]);

/* Courier's authentication chain (as relay-ctrl-allow reads it): AUTHUSER
   and AUTHARGV0 both set and AUTHENTICATED empty or unset means the login
   failed. 1 then, else 0. */
int relayip_courier_failed(const char *authuser, const char *authargv0,
                           const char *authenticated);

#endif
