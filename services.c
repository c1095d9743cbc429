#include <stdlib.h>
#include <string.h>
#include "scan.h"
#include "services.h"
#include "textfile.h"

#define SERVICES_MAX (16u << 20)   /* a bigger services file is refused */

/* 1 with *port if line (comment cut off) names name over proto */
static int match(char *line, const char *name, const char *proto,
                 unsigned int *port)
{
  char *official = textfile_word(&line), *pp = textfile_word(&line), *alias;
  unsigned long p;
  size_t digits;

  if (!official || !pp) return 0;
  digits = scan_ulong(pp, &p);
  if (!digits || pp[digits] != '/' || strcmp(pp + digits + 1, proto)) return 0;
  for (alias = official; alias; alias = textfile_word(&line))
    if (!strcmp(alias, name)) { *port = (unsigned int) (p & 65535); return 1; }
  return 0;
}

int services_port(const char *path, const char *name, const char *proto,
                  unsigned int *port)
{
  char *buf, *rest, *line;
  int found = 0;

  if (textfile_slurp(path, SERVICES_MAX, &buf) == -1) return -1;
  rest = buf;
  while (!found && (line = textfile_line(&rest)))
    found = match(line, name, proto, port);
  free(buf);
  return found;
}
