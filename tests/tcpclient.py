#!/usr/bin/env python3
"""Tiny TCP client for the tests.

tcpclient.py [-b SRCIP] [-s DATA] [-w FILE] [-P PORTFILE] [-t SECS] [-R] HOST PORT

Connects to HOST:PORT (optionally from SRCIP), appends its own local port to
PORTFILE, sends DATA (Python escapes allowed), waits for FILE to exist if -w
is given (at most SECS), shuts down its sending side, reads until EOF (at
most SECS) and writes what it got to stdout. -R: reset the connection (RST)
right after connecting and print nothing. Exit 0 on EOF, 1 on a connect
error (printed as `connect: <reason>`), 2 on a timeout (`timeout`).
"""
import argparse
import errno
import os
import socket
import struct
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-b", dest="src")
    ap.add_argument("-s", dest="data")
    ap.add_argument("-w", dest="waitfile")
    ap.add_argument("-P", dest="portfile")
    ap.add_argument("-t", dest="timeout", type=float, default=10.0)
    ap.add_argument("-R", dest="reset", action="store_true")
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    a = ap.parse_args()
    deadline = time.monotonic() + a.timeout
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if a.src:
        s.bind((a.src, 0))
    s.settimeout(a.timeout)
    try:
        s.connect((a.host, a.port))
    except OSError as e:
        reason = {errno.ECONNREFUSED: "connection refused"}.get(e.errno, str(e))
        print("connect: " + reason, flush=True)
        return 1
    if a.portfile:
        with open(a.portfile, "a") as f:
            f.write("%d\n" % s.getsockname()[1])
    if a.reset:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
        return 0
    if a.data is not None:
        s.sendall(a.data.encode("latin-1").decode("unicode_escape").encode("latin-1"))
    if a.waitfile:
        while not os.path.exists(a.waitfile):
            if time.monotonic() > deadline:
                print("timeout waiting for " + a.waitfile, flush=True)
                return 2
            time.sleep(0.01)
    try:
        s.shutdown(socket.SHUT_WR)
    except OSError:
        pass
    out = sys.stdout.buffer
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            out.write(b"timeout\n")
            out.flush()
            return 2
        s.settimeout(left)
        try:
            b = s.recv(65536)
        except socket.timeout:
            continue
        except ConnectionResetError:
            out.write(b"connection reset\n")
            break
        if not b:
            break
        out.write(b)
        out.flush()
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
