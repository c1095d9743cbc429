#ifndef TEXTFILE_H
#define TEXTFILE_H

#include <stddef.h>
#include <sys/types.h>

/* Small text files read whole: system tables (/etc/services,
   /etc/hosts) and the -S control file. */

/* Up to max bytes from fd into buf (retrying short reads and EINTR):
   how many, -1 with errno. */
ssize_t textfile_readall(int fd, char *buf, size_t max);

/* The whole file at path, NUL-terminated, in a malloc'd *buf; -1 with
   errno (EFBIG if it has max bytes or more). */
int textfile_slurp(const char *path, size_t max, char **buf);

/* The next line of *s with any '#' comment cut off (NUL-terminated in
   place); *s moves to the line after it. NULL at the end. */
char *textfile_line(char **s);

/* The next word of *s separated by blanks (space, tab, CR), cut off with
   a NUL; *s moves past it. NULL when none is left. */
char *textfile_word(char **s);

#endif
