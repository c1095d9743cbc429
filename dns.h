#ifndef DNS_H
#define DNS_H

#include <stddef.h>
#include "dnsname.h"
#include "net.h"

/* PTR name of ip (in-addr.arpa or ip6.arpa) through the system resolver (/etc/resolv.conf), as text
   (dnsname_text) in out, DNSNAME_TEXTMAX bytes. 1 found, 0 no name,
   -1 lookup failed (errno). Only the first PTR record is used. */
int dns_ptr(const struct net_ip *ip, char *out);

/* The first PTR record in a DNS answer message, pure. 1 found, 0 none,
   -1 EPROTO if the message is malformed. Never reads outside msg. */
int dns_ptr_answer(const unsigned char *msg, size_t len, char *out);

/* IPv4 address of name: its lines in /etc/hosts (hostsfile.h), else its
   A records from DNS through the resolver (/etc/resolv.conf, search
   rules); no NSS. One of the addresses, chosen at random. 1 found, 0 no
   address, -1 temporary failure (errno; EPROTO for a label over 63
   bytes or a name over 255). */
int dns_ip4(const char *name, struct net_ip *ip);
/* The same for IPv6: /etc/hosts IPv6 lines, else AAAA records. */
int dns_ip6(const char *name, struct net_ip *ip);

/* 1 if one of the A (AF_INET ip) or AAAA (AF_INET6) records of name
   (text as dns_ptr gives it, asked byte for byte through the resolver's
   DNS servers) equals ip, 0 if none does or the lookup fails. */
int dns_ip_match(const char *name, const struct net_ip *ip);

/* 1 if an A record (AAAA for an AF_INET6 ip) in a DNS answer message
   equals ip, 0 if none does, -1 EPROTO if the message is malformed.
   Pure; never reads outside msg. */
int dns_a_answer_has(const unsigned char *msg, size_t len,
                     const struct net_ip *ip);

#endif
