/* bench/hello.c: the trivial child for bench/run. Writes one line and
   exits: "relay=yes" when RELAYCLIENT is set, else "relay=no", so the
   load client can check what the server decided. */
#include <stdlib.h>
#include <unistd.h>

int main(void)
{
  static const char yes[] = "relay=yes\n", no[] = "relay=no\n";
  if (getenv("RELAYCLIENT"))
    return write(1, yes, sizeof yes - 1) == (ssize_t)(sizeof yes - 1) ? 0 : 1;
  return write(1, no, sizeof no - 1) == (ssize_t)(sizeof no - 1) ? 0 : 1;
}
