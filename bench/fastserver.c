#define _GNU_SOURCE
/* bench/fastserver.c: a trivially fast server to check that connrate is
   not the bottleneck. fastserver LIFETIME_SECS: listens on 127.0.0.1,
   port 0, prints the port on stdout (like tcpserver -1), answers every
   connection with "relay=no\n" and closes it; exits after LIFETIME_SECS. */
#include <netinet/in.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
  static const char line[] = "relay=no\n";
  struct sockaddr_in sa = { .sin_family = AF_INET };
  socklen_t sl = sizeof sa;
  time_t end = time(0) + (argc > 1 ? atoi(argv[1]) : 60);
  int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  signal(SIGPIPE, SIG_IGN);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (s == -1 || bind(s, (struct sockaddr *)&sa, sizeof sa) == -1 ||
      listen(s, 1024) == -1 || getsockname(s, (struct sockaddr *)&sa, &sl) == -1) {
    perror("fastserver"); return 111;
  }
  printf("%u\n", ntohs(sa.sin_port)); fflush(stdout);
  while (time(0) < end) {
    struct pollfd p = { .fd = s, .events = POLLIN };
    if (poll(&p, 1, 200) <= 0) continue;
    int c = accept4(s, 0, 0, SOCK_CLOEXEC);
    if (c == -1) continue;
    if (write(c, line, sizeof line - 1) < 0) { /* client went away */ }
    close(c);
  }
  return 0;
}
