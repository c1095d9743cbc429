#ifndef SQLRELAY_H
#define SQLRELAY_H

#include "sqlconf.h"

/* The MySQL/MariaDB backend of -S. sqlrelay.c is the only file that
   includes <mysql.h>. One struct sqlrelay per thread; the memory of
   failed servers is shared by the whole process. */

struct sqlrelay;

struct sqlrelay_answer {
  int result;              /* same as the return value of sqlrelay_lookup */
  char server[256];        /* the server that answered (or failed last) */
  char why[256];           /* the cause of an error; never the password */
  unsigned long usec;      /* time taken by the lookup */
  int tried;               /* 1 if a server was contacted, 0 if all skipped */
};

/* Once, before any thread starts. 0 ok, -1 error. */
int sqlrelay_init(void);

/* No I/O. Keeps a pointer to c, which must stay valid until
   sqlrelay_free. NULL on out of memory (errno). */
struct sqlrelay *sqlrelay_new(const struct sqlconf *c);

/* 1 relay, 0 no relay, -1 error (a->why says why). ip is the text of
   the client address as stored in the table. */
int sqlrelay_lookup(struct sqlrelay *r, const char *ip,
                    struct sqlrelay_answer *a);

void sqlrelay_free(struct sqlrelay *r);

/* Forget every remembered failed server (after a control-file change). */
void sqlrelay_forget_failures(void);

#endif
