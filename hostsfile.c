#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "hostsfile.h"
#include "textfile.h"

#define HOSTS_MAX (16u << 20)   /* a bigger hosts file is refused */

/* 1 with *ip if line (comment cut off) gives name an IPv4 address */
static int match(char *line, const char *name, struct net_ip *ip)
{
  char *addr = textfile_word(&line), *n;
  unsigned char b[4];

  if (!addr || inet_pton(AF_INET, addr, b) != 1) return 0;
  while ((n = textfile_word(&line)))
    if (!strcasecmp(n, name)) {
      net_ip4(ip, b[0], b[1], b[2], b[3]);
      return 1;
    }
  return 0;
}

int hostsfile_ip4(const char *path, const char *name, struct net_ip *ip,
                  size_t max)
{
  char *buf, *rest, *line;
  size_t n = 0;

  if (textfile_slurp(path, HOSTS_MAX, &buf) == -1) return -1;
  rest = buf;
  while (n < max && (line = textfile_line(&rest)))
    n += (size_t) match(line, name, &ip[n]);
  free(buf);
  return (int) n;
}
