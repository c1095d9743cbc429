#include <string.h>
#include <sys/socket.h>
#include "net.h"
#include "relayip.h"

int relayip_normalise(const char *text, char *out)
{
  struct net_ip ip;

  if (!net_ip_scan(text, &ip)) return 0;
  if (net_ip_ismapped(&ip)) net_ip4(&ip, ip.b[12], ip.b[13], ip.b[14], ip.b[15]);
  net_ip_fmt(out, &ip);
  return 1;
}

int relayip_courier_failed(const char *authuser, const char *authargv0,
                           const char *authenticated)
{
  return authuser && authargv0 && !(authenticated && *authenticated);
}
