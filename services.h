#ifndef SERVICES_H
#define SERVICES_H

/* The port of service name for protocol proto ("tcp") in a services(5)
   file such as /etc/services, read directly: the first line whose name
   or one of whose aliases is name, with a decimal port/proto field,
   wins. No NSS, so a static tcpserver never loads a shared library for
   it. 1 found (*port, taken mod 65536), 0 not found, -1 unreadable
   (errno). */
int services_port(const char *path, const char *name, const char *proto,
                  unsigned int *port);

#endif
