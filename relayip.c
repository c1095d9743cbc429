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

size_t relayip_vpopmail(const char *text, char *out, size_t outmax)
{
  size_t i, n = strlen(text);
  const char *colon;

  if (n <= 30 && text[0] == ':') {
    text += n < 2 ? n : 2;
    colon = strchr(text, ':');
    text = colon ? colon + 1 : text + strlen(text);
    n = strlen(text);
  }
  if (!outmax || n >= outmax) { if (outmax) out[0] = 0; return 0; }
  for (i = 0; i < n; ++i) {
    char c = text[i];
    int keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '@' || c == '-';
    out[i] = n > 30 || keep ? c : '_';
  }
  out[n] = 0;
  return n;
}

int relayip_forms(const char *text, char forms[RELAYIP_FORMS][NET_IPFMT])
{
  if (!relayip_normalise(text, forms[0])) return 0;
  if (!strchr(forms[0], ':') || forms[0][0] == ':') return 1;
  relayip_vpopmail(forms[0], forms[1], NET_IPFMT);
  return strcmp(forms[0], forms[1]) ? 2 : 1;
}

int relayip_courier_failed(const char *authuser, const char *authargv0,
                           const char *authenticated)
{
  return authuser && authargv0 && !(authenticated && *authenticated);
}
