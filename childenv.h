#ifndef CHILDENV_H
#define CHILDENV_H

#include <stddef.h>

/* The environment the program will get: a copy of the inherited one,
   changed in order, the last change to a name winning. A name is any
   bytes without '=' (it may be empty). The functions return 0, or -1
   with errno ENOMEM. */
int childenv_init(char *const *inherited);
int childenv_set(const char *name, size_t namelen,
                 const char *value, size_t valuelen);
int childenv_sets(const char *name, const char *value);
/* Removes every inherited or earlier value of name. */
void childenv_unset(const char *name);

/* As childenv_set, and remembers that a rule set the name. */
int childenv_setrule(const char *name, size_t namelen,
                     const char *value, size_t valuelen);
/* 1 if name's current value was set by childenv_setrule, else 0. */
int childenv_fromrule(const char *name);
int childenv_fromrulen(const char *name, size_t namelen);

/* The current value of name, or NULL if it is not set. */
const char *childenv_value(const char *name);

/* NULL-terminated, for execve. */
char **childenv_get(void);

#endif
