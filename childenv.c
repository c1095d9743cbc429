#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "childenv.h"

#define FROMRULE 1            /* env[i] was set by a rule */
#define OWNED 2               /* env[i] was malloc'd here */

/* The first SMALL entries and ARENA bytes of strings are static, next
   to the rest of this file's state: a forked child then writes one page
   of it and none of the heap (each page it writes is a page fault). */
#define SMALL 128
#define ARENA 1024
static char *envsmall[SMALL];
static unsigned char rulesmall[SMALL];
static char **env = envsmall; /* env[0..len) then NULL */
static unsigned char *rule = rulesmall;  /* FROMRULE | OWNED bits of env[i] */
static char arena[ARENA];
static size_t arenaused;
static size_t len, cap = SMALL;

/* cur resized to size bytes on the heap; cur may still be the static
   small (smallsize bytes), which is copied, never freed. NULL on error. */
static void *resize(void *cur, void *small, size_t smallsize, size_t size)
{
  void *p = realloc(cur == small ? NULL : cur, size);

  if (p && cur == small) memcpy(p, small, smallsize);
  return p;
}

static int grow(size_t want)
{
  char **e;
  unsigned char *r;
  size_t c;

  if (want <= cap) return 0;
  c = want + want / 2 + 8;
  if (c < want || c > ((size_t) -1) / sizeof *e) goto nomem;
  e = resize(env, envsmall, sizeof envsmall, c * sizeof *e);
  if (!e) goto nomem;
  env = e;
  r = resize(rule, rulesmall, sizeof rulesmall, c);
  if (!r) goto nomem;
  rule = r;
  cap = c;
  return 0;
nomem:
  errno = ENOMEM;
  return -1;
}

int childenv_init(char *const *inherited)
{
  size_t n = 0;

  for (; len > 0; --len)   /* a fresh start forgets earlier changes */
    if (rule[len - 1] & OWNED) free(env[len - 1]);
  while (inherited && inherited[n]) ++n;
  arenaused = 0;
  if (grow(n + 1) == -1) return -1;
  for (len = 0; len < n; ++len) {
    env[len] = inherited[len];
    rule[len] = 0;
  }
  env[len] = NULL;
  return 0;
}

static int matches(const char *entry, const char *name, size_t namelen)
{
  return strncmp(entry, name, namelen) == 0 && entry[namelen] == '=';
}

static void drop(const char *name, size_t namelen)
{
  size_t i = 0, j = 0;

  for (; i < len; ++i)
    if (!matches(env[i], name, namelen)) {
      env[j] = env[i];
      rule[j++] = rule[i];
    } else if (rule[i] & OWNED) {
      free(env[i]);
    }
  len = j;
  env[len] = NULL;
}

static int add(const char *name, size_t namelen, const char *value,
               size_t valuelen, unsigned char fromrule)
{
  size_t total = namelen + valuelen + 2;
  unsigned char owned = 0;
  char *s;

  if (total < namelen || grow(len + 2) == -1) goto nomem;
  if (total <= sizeof arena - arenaused) {
    s = arena + arenaused;
    arenaused += total;
  } else {
    s = malloc(total);
    if (!s) goto nomem;
    owned = OWNED;
  }
  memcpy(s, name, namelen);
  s[namelen] = '=';
  memcpy(s + namelen + 1, value, valuelen);
  s[total - 1] = '\0';
  drop(name, namelen);
  env[len] = s;
  rule[len++] = (unsigned char) (fromrule | owned);
  env[len] = NULL;
  return 0;
nomem:
  errno = ENOMEM;
  return -1;
}

int childenv_set(const char *name, size_t namelen,
                 const char *value, size_t valuelen)
{
  return add(name, namelen, value, valuelen, 0);
}

int childenv_setrule(const char *name, size_t namelen,
                     const char *value, size_t valuelen)
{
  return add(name, namelen, value, valuelen, FROMRULE);
}

int childenv_sets(const char *name, const char *value)
{
  return add(name, strlen(name), value, strlen(value), 0);
}

void childenv_unset(const char *name)
{
  drop(name, strlen(name));
}

int childenv_fromrulen(const char *name, size_t namelen)
{
  size_t i;

  for (i = len; i > 0; --i)
    if (matches(env[i - 1], name, namelen)) return rule[i - 1] & FROMRULE;
  return 0;
}

int childenv_fromrule(const char *name)
{
  return childenv_fromrulen(name, strlen(name));
}

const char *childenv_value(const char *name)
{
  size_t i, n = strlen(name);

  for (i = len; i > 0; --i)
    if (matches(env[i - 1], name, n)) return env[i - 1] + n + 1;
  return NULL;
}

char **childenv_get(void)
{
  return env;
}
