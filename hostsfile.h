#ifndef HOSTSFILE_H
#define HOSTSFILE_H

#include <stddef.h>
#include "net.h"

/* IPv4 addresses of name in a hosts(5) file such as /etc/hosts, read
   directly (no NSS): from every line whose canonical name or an alias
   equals name, ignoring ASCII case, and whose address is a dotted quad,
   in file order, at most max of them into ip[]. Returns how many
   (0: none), -1 if the file is unreadable (errno). */
int hostsfile_ip4(const char *path, const char *name, struct net_ip *ip,
                  size_t max);
/* The same for IPv6 lines (inet_pton's text, no scope id). */
int hostsfile_ip6(const char *path, const char *name, struct net_ip *ip,
                  size_t max);

#endif
