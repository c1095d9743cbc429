/* limitprog: the program behind tcpserver in suite-72. Prints
   "welcome MAXCONNIP=<value or unset>\r\n"; then, if HOLD is set (a rule
   sets it), reads its input until EOF (the client lets go) or HOLD
   seconds pass; else exits at once. */
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
  const char *v = getenv("MAXCONNIP"), *hold = getenv("HOLD");
  char buf[512];
  size_t n = 0;

  memcpy(buf, "welcome MAXCONNIP=", 18);
  n = 18;
  if (!v) v = "unset";
  while (*v && n < sizeof buf - 3) buf[n++] = *v++;
  buf[n++] = '\r';
  buf[n++] = '\n';
  if (write(1, buf, n) != (ssize_t) n) return 1;
  if (hold) {
    struct pollfd p = { 0, POLLIN, 0 };
    int ms = atoi(hold) * 1000;
    while (poll(&p, 1, ms) == 1 && read(0, buf, sizeof buf) > 0) {}
  }
  return 0;
}
