#include <stdlib.h>
#include <string.h>
#include "childenv.h"
#include "fmt.h"
#include "iplimits.h"
#include "logfield.h"
#include "msg.h"

static const char *const names[] = { "MAXCONNIP", "MAXCONNC", "MAXLOAD" };

int limits_isname(const char *name, size_t len)
{
  size_t i;

  if (len == 6 && !memcmp(name, "DIEMSG", 6)) return 1;
  for (i = 0; i < 3; ++i)
    if (len == strlen(names[i]) && !memcmp(name, names[i], len)) return 1;
  return 0;
}

static unsigned long *field(struct limits *l, size_t i)
{
  return i == 0 ? &l->maxconnip : i == 1 ? &l->maxconnc : &l->maxload;
}

int limits_env(struct limits *l, const char **bad)
{
  const char *v;
  size_t i;

  for (i = 0; i < 3; ++i) {
    *field(l, i) = LIMITS_OFF;
    if (!(v = getenv(names[i]))) continue;
    if (!connlimit_scan(v, field(l, i))) {
      *bad = names[i];
      return -1;
    }
  }
  if (l->maxload == 0) l->maxload = LIMITS_OFF;
  l->diemsg = getenv("DIEMSG");
  return 0;
}

int limits_any(const struct limits *l)
{
  return l->maxconnip != LIMITS_OFF || l->maxconnc != LIMITS_OFF
         || l->maxload != LIMITS_OFF;
}

static void rulevalues(struct limits *l, const char *ip)
{
  char f[LOGFIELD_SIZE], where[LOGFIELD_SIZE];
  const char *v;
  size_t i;

  for (i = 0; i < 3; ++i) {
    if (!childenv_fromrule(names[i])) continue;
    v = childenv_value(names[i]);
    if (!connlimit_scan(v, field(l, i))) {
      *field(l, i) = LIMITS_OFF;
      logfield(f, v);
      logfield_ip(where, ip);
      msg_warn("ignoring ", names[i], "=", f, " from the rules for ", where,
               ": not a decimal number", NULL);
    }
  }
  if (l->maxload == 0) l->maxload = LIMITS_OFF;
  if (childenv_fromrule("DIEMSG")) l->diemsg = childenv_value("DIEMSG");
}

static void suffix_of(char *out, const char *name, unsigned long n)
{
  size_t len = strlen(name);

  out[0] = ' ';
  memcpy(out + 1, name, len);
  out[len + 1] = ':';
  fmt_ulong(out + len + 2, n);
}

/* the patch's order: the load first, then the address, then the net */
int limits_decide(const struct limits *env, int fromrule,
                  const struct connlimit_seen *seen, const char *ip,
                  char *suffix, const char **diemsg)
{
  struct limits l = *env;
  double load;

  if (fromrule) rulevalues(&l, ip);
  *diemsg = l.diemsg && *l.diemsg ? l.diemsg : NULL;
  if (l.maxload != LIMITS_OFF && getloadavg(&load, 1) == 1 && load >= 0
      && (unsigned long) (load * 100) > l.maxload) {
    suffix_of(suffix, "LOAD", (unsigned long) (load * 100));
    return 1;
  }
  if (seen->ip >= l.maxconnip) {
    suffix_of(suffix, "MAXCONNIP", l.maxconnip);
    return 1;
  }
  if (seen->net >= l.maxconnc) {
    suffix_of(suffix, "MAXCONNC", l.maxconnc);
    return 1;
  }
  return 0;
}
