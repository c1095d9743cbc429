#include <string.h>
#include <unistd.h>
#include "sgetopt.h"

void sgetopt_init(struct sgetopt *g)
{
  g->ind = 1;
  g->arg = NULL;
  g->pos = 0;
}

static void complain(char *const *argv, const char *what, char c)
{
  const char *prog = (argv && argv[0]) ? argv[0] : "";
  const char *slash = strrchr(prog, '/');
  char line[512];
  size_t n, plen;

  if (slash) prog = slash + 1;
  plen = strlen(prog);
  if (plen > sizeof line - 64) plen = sizeof line - 64;
  memcpy(line, prog, plen);
  n = plen;
  memcpy(line + n, what, strlen(what));
  n += strlen(what);
  line[n++] = c;
  line[n++] = '\n';
  if (write(2, line, n) < 0) return;
}

/* Returns 1 when argv[g->ind] starts a bundle of options, else 0. */
static int start_word(struct sgetopt *g, int argc, char *const *argv)
{
  const char *w;

  if (g->ind >= argc || !argv[g->ind]) return 0;
  w = argv[g->ind];
  if (w[0] != '-' || w[1] == '\0') return 0;
  if (w[1] == '-') {
    ++g->ind;
    return 0;
  }
  g->pos = 1;
  return 1;
}

int sgetopt(struct sgetopt *g, int argc, char *const *argv, const char *opts)
{
  const char *w, *o;
  char c;

  g->arg = NULL;
  if (g->pos == 0 && !start_word(g, argc, argv)) return SGETOPT_END;
  w = argv[g->ind];
  c = w[g->pos++];
  if (w[g->pos] == '\0') {
    ++g->ind;
    g->pos = 0;
  }
  o = (c == ':') ? NULL : strchr(opts, c);
  if (!o) {
    complain(argv, ": illegal option -- ", c);
    return SGETOPT_ERR;
  }
  if (o[1] != ':') return (unsigned char) c;
  if (g->pos) {
    g->arg = w + g->pos;
    ++g->ind;
    g->pos = 0;
  } else if (g->ind < argc && argv[g->ind]) {
    g->arg = argv[g->ind++];
  } else {
    complain(argv, ": option requires an argument -- ", c);
    return SGETOPT_ERR;
  }
  return (unsigned char) c;
}
