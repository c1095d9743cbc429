#ifndef SGETOPT_H
#define SGETOPT_H

/* A getopt in the style of djb's: bundling, attached or separate option
   arguments, stops at the first non-option word, at "-" (left in place)
   and after any word starting with "--" (consumed). Errors are reported
   on fd 2 as "<basename of argv[0]>: illegal option -- c" or
   "...: option requires an argument -- c". */
struct sgetopt {
  int ind;          /* next argv index to examine */
  const char *arg;  /* argument of the option just returned */
  int pos;          /* position inside argv[ind]; 0 = at word start */
};

#define SGETOPT_END (-1)
#define SGETOPT_ERR '?'

void sgetopt_init(struct sgetopt *g);
/* opts: letters, each followed by ':' when it takes an argument.
   Returns the letter, SGETOPT_ERR after printing a message, or
   SGETOPT_END. */
int sgetopt(struct sgetopt *g, int argc, char *const *argv,
            const char *opts);

#endif
