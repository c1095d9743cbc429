#ifndef SQLFAIL_H
#define SQLFAIL_H

#include <stddef.h>

/* Process-wide memory of database servers that failed recently, shared
   by every thread (one mutex). A server is named by a key such as
   "db1:3306". Used by sqlrelay; no database code here. */

#define SQLFAIL_MAX 64
#define SQLFAIL_WHY 200

/* 0: go ahead and try the server. 1: skip it, why (may be NULL) gets
   the remembered cause. When a failure's retry period is over, the one
   caller that gets 0 is the prober: the period is extended by retry
   seconds for everybody else until the prober calls sqlfail_ok or
   sqlfail_failed. */
int sqlfail_check(const char *key, unsigned retry, char *why, size_t whylen);

void sqlfail_ok(const char *key);
void sqlfail_failed(const char *key, unsigned retry, const char *why);
void sqlfail_forget(void);

#endif
