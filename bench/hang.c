/* bench/hang.c: a server that accepts and never answers (a hung
   database, or an ident server that never replies).
   hang [-p PORT] [-t LIFETIME_SECS]: listens on 127.0.0.1:PORT (default
   0), prints the port on stdout, accepts every connection and holds it
   open without reading or writing; exits (closing them all) after
   LIFETIME_SECS (default 60) or on SIGTERM. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
  struct sockaddr_in sa = { .sin_family = AF_INET };
  socklen_t sl = sizeof sa;
  long life = 60;
  int s, opt, one = 1;
  time_t end;

  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  while ((opt = getopt(argc, argv, "p:t:")) != -1) {
    if (opt == 'p') sa.sin_port = htons((unsigned short)atoi(optarg));
    else if (opt == 't') life = atol(optarg);
    else { fputs("usage: hang [-p port] [-t secs]\n", stderr); return 100; }
  }
  s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (s == -1 || bind(s, (struct sockaddr *)&sa, sizeof sa) == -1 ||
      listen(s, 1024) == -1 || getsockname(s, (struct sockaddr *)&sa, &sl) == -1) {
    perror("hang"); return 111;
  }
  printf("%u\n", ntohs(sa.sin_port)); fflush(stdout);
  end = time(0) + life;
  while (time(0) < end) {
    struct pollfd p = { .fd = s, .events = POLLIN };
    if (poll(&p, 1, 200) > 0)
      (void)accept4(s, 0, 0, SOCK_CLOEXEC); /* held until exit; fd limit caps it */
  }
  return 0;
}
