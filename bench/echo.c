/* bench/echo.c: a no-op lookup helper, for the floor rows of bench/run.
   echo LIFETIME_SECS: binds UDP 127.0.0.1 port 0, prints the port on
   stdout, sends every datagram back to its sender unchanged; exits after
   LIFETIME_SECS. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

int main(int argc, char **argv)
{
  struct sockaddr_in sa = { .sin_family = AF_INET }, from;
  struct timeval tv = { 0, 200000 };
  socklen_t sl = sizeof sa;
  time_t end = time(0) + (argc > 1 ? atoi(argv[1]) : 60);
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  char buf[512];

  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (s == -1 || bind(s, (struct sockaddr *)&sa, sizeof sa) == -1 ||
      getsockname(s, (struct sockaddr *)&sa, &sl) == -1 ||
      setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == -1) {
    perror("echo"); return 111;
  }
  printf("%u\n", ntohs(sa.sin_port)); fflush(stdout);
  while (time(0) < end) {
    socklen_t fl = sizeof from;
    ssize_t n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
    if (n >= 0) sendto(s, buf, (size_t)n, 0, (struct sockaddr *)&from, fl);
  }
  return 0;
}
