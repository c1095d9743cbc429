#ifndef PATHEXEC_H
#define PATHEXEC_H

/* Runs file with argv and envp (spec 2.2 step 14). A file containing '/'
   is run as it is; otherwise each element of path (the ORIGINAL $PATH;
   NULL means "/bin:/usr/bin"; an empty element is the current directory)
   is tried in turn, going on past ENOENT, EACCES, EPERM and EISDIR.
   Returns only on failure: -1 with the last error other than ENOENT, or
   ENOENT. */
int pathexec_run(const char *file, char *const *argv, char *const *envp,
                 const char *path);

#endif
