/* limits.c: the values from tcpserver's environment, the rules' values
   over them, and the decision with its log suffix (spec/limits.md Part 2). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "childenv.h"
#include "iplimits.h"
#include "msg.h"
#include "tests/unit.h"

extern char **environ;

static void clear(void)
{
  unsetenv("MAXCONNIP");
  unsetenv("MAXCONNC");
  unsetenv("MAXLOAD");
  unsetenv("DIEMSG");
}

static void test_env(void)
{
  struct limits l;
  const char *bad = NULL;

  clear();
  check(limits_env(&l, &bad) == 0 && !limits_any(&l) && !l.diemsg,
        "no variable: no limit", "a limit is on");
  setenv("MAXCONNIP", "3", 1);
  setenv("MAXLOAD", "0", 1);
  setenv("DIEMSG", "421 busy", 1);
  check(limits_env(&l, &bad) == 0 && l.maxconnip == 3 && l.maxconnc == LIMITS_OFF
        && l.maxload == LIMITS_OFF && !strcmp(l.diemsg, "421 busy"),
        "MAXCONNIP=3, MAXLOAD=0 (off), DIEMSG read", "wrong values");
  setenv("DIEMSG", "x", 1);
  unsetenv("MAXCONNIP");
  unsetenv("MAXLOAD");
  check(limits_env(&l, &bad) == 0 && !limits_any(&l), "DIEMSG alone refuses nothing",
        "a limit is on");
  setenv("MAXCONNC", "", 1);
  check(limits_env(&l, &bad) == -1 && bad && !strcmp(bad, "MAXCONNC"),
        "an empty MAXCONNC is an error naming it", "accepted");
  setenv("MAXCONNC", "3a", 1);
  bad = NULL;
  check(limits_env(&l, &bad) == -1 && bad && !strcmp(bad, "MAXCONNC"),
        "MAXCONNC=3a is an error", "accepted");
  clear();
}

static void test_decide(void)
{
  struct limits env;
  struct connlimit_seen seen = { 1, 5 };
  char suffix[LIMITS_SUFFIX];
  const char *bad, *die = NULL;

  clear();
  setenv("MAXCONNIP", "2", 1);
  setenv("MAXCONNC", "6", 1);
  limits_env(&env, &bad);
  check(limits_decide(&env, 0, &seen, "192.0.2.7", suffix, &die) == 0 && !die,
        "one open of MAXCONNIP=2: let in", "refused");
  seen.ip = 2;
  check(limits_decide(&env, 0, &seen, "192.0.2.7", suffix, &die) == 1
        && !strcmp(suffix, " MAXCONNIP:2"), "two open of MAXCONNIP=2: refused, suffix",
        suffix);
  seen.net = 6;
  check(limits_decide(&env, 0, &seen, "192.0.2.7", suffix, &die) == 1
        && !strcmp(suffix, " MAXCONNIP:2"), "both limits reached: the suffix says MAXCONNIP",
        suffix);
  seen.ip = 0;
  check(limits_decide(&env, 0, &seen, "192.0.2.7", suffix, &die) == 1
        && !strcmp(suffix, " MAXCONNC:6"), "the network's limit: MAXCONNC suffix", suffix);
  if (childenv_init(environ) == -1) return;
  childenv_setrule("MAXCONNC", 8, "9", 1);
  childenv_setrule("DIEMSG", 6, "421 go away", 11);
  seen.net = 6;
  check(limits_decide(&env, 1, &seen, "192.0.2.7", suffix, &die) == 0
        && die && !strcmp(die, "421 go away"),
        "a rule raises MAXCONNC to 9 and sets DIEMSG", "refused or no DIEMSG");
  childenv_setrule("MAXCONNIP", 9, "x1", 2);
  seen.ip = 100;
  check(limits_decide(&env, 1, &seen, "192.0.2.7", suffix, &die) == 0,
        "a bad MAXCONNIP from a rule: warned, that limit is off", "refused");
  childenv_setrule("MAXCONNIP", 9, "0", 1);
  seen.ip = 0;
  check(limits_decide(&env, 1, &seen, "192.0.2.7", suffix, &die) == 1
        && !strcmp(suffix, " MAXCONNIP:0"), "MAXCONNIP=0 from a rule refuses all", suffix);
  clear();
}

int main(void)
{
  msg_init("unit_limits");
  test_env();
  test_decide();
  return failures ? 1 : 0;
}
