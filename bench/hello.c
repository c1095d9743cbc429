/* bench/hello.c: the trivial child for bench/run. Writes one line and
   exits: "relay=yes" when RELAYCLIENT is set, else "relay=no", so the
   load client can check what the server decided.
   For the floor rows (no -S), it can first wait as a -S child does:
     hello -s USEC   sleeps USEC microseconds (case 6d: one round trip
                     of the delaying proxy);
     hello -e PORT   sends a 36-byte datagram to bench/bin/echo on
                     127.0.0.1 PORT and waits up to 1 s for it to come
                     back (case 2f: asking a local helper that does
                     nothing). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static void ask_echo(unsigned port)
{
  struct sockaddr_in sa = { .sin_family = AF_INET };
  struct timeval tv = { 1, 0 };
  char buf[36];
  int s = socket(AF_INET, SOCK_DGRAM, 0);

  if (s == -1) return;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sa.sin_port = htons((unsigned short)port);
  memset(buf, 0, sizeof buf);
  memcpy(buf, "127.0.0.1", 9);
  setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (sendto(s, buf, sizeof buf, 0, (struct sockaddr *)&sa, sizeof sa) == sizeof buf)
    if (recv(s, buf, sizeof buf, 0) < 0) { /* timed out: write anyway */ }
  close(s);
}

int main(int argc, char **argv)
{
  static const char yes[] = "relay=yes\n", no[] = "relay=no\n";
  if (argc > 2 && !strcmp(argv[1], "-s")) {
    long us = atol(argv[2]);
    struct timespec ts = { us / 1000000, us % 1000000 * 1000 };
    if (us > 0) nanosleep(&ts, NULL);
  }
  if (argc > 2 && !strcmp(argv[1], "-e")) ask_echo((unsigned)atoi(argv[2]));
  if (getenv("RELAYCLIENT"))
    return write(1, yes, sizeof yes - 1) == (ssize_t)(sizeof yes - 1) ? 0 : 1;
  return write(1, no, sizeof no - 1) == (ssize_t)(sizeof no - 1) ? 0 : 1;
}
