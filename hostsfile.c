#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "hostsfile.h"
#include "textfile.h"

#define HOSTS_MAX (16u << 20)   /* a bigger hosts file is refused */

/* 1 with *ip if line (comment cut off) gives name an address of
   family */
static int match(char *line, const char *name, int family, struct net_ip *ip)
{
  char *addr = textfile_word(&line), *n;
  unsigned char b[16];

  if (!addr || inet_pton(family, addr, b) != 1) return 0;
  while ((n = textfile_word(&line)))
    if (!strcasecmp(n, name)) {
      memset(ip, 0, sizeof *ip);
      ip->family = family;
      memcpy(ip->b, b, family == AF_INET6 ? 16 : 4);
      return 1;
    }
  return 0;
}

static int lookup(const char *path, const char *name, int family,
                  struct net_ip *ip, size_t max)
{
  char *buf, *rest, *line;
  size_t n = 0;

  if (textfile_slurp(path, HOSTS_MAX, &buf) == -1) return -1;
  rest = buf;
  while (n < max && (line = textfile_line(&rest)))
    n += (size_t) match(line, name, family, &ip[n]);
  free(buf);
  return (int) n;
}

int hostsfile_ip4(const char *path, const char *name, struct net_ip *ip,
                  size_t max)
{
  return lookup(path, name, AF_INET, ip, max);
}

int hostsfile_ip6(const char *path, const char *name, struct net_ip *ip,
                  size_t max)
{
  return lookup(path, name, AF_INET6, ip, max);
}
