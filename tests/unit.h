#ifndef TESTS_UNIT_H
#define TESTS_UNIT_H

/* Shared by the tests/unit_*.c programs: one `ok - ` or `FAIL - ` line per
   check, as tests/lib.sh prints them; main returns failures != 0. */
#include <stdio.h>

static int failures;

static void check(int cond, const char *what, const char *why)
{
  if (cond)
    printf("ok - %s\n", what);
  else {
    printf("FAIL - %s: %s\n", what, why);
    ++failures;
  }
}

#endif
