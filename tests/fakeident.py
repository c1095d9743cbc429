#!/usr/bin/env python3
"""Scripted RFC 1413 identd for the tests (run it inside a private network
namespace; it binds 127.0.0.1:113 by default).

fakeident.py [-a ADDR]... [-p PORT] [-l LOG] [-r READYFILE] MODE [ARG]

-a may be given several times: one listener per address, each an IPv4 or
an IPv6 address (`::` listens on every IPv6 address, IPv6 only, so that
`-a 0.0.0.0 -a ::` covers both families).

Modes (the query line is read first; QUERY below is its text without the
line end):
  userid NAME   QUERY : USERID : UNIX : NAME\\r\\n
  error         QUERY : ERROR : NO-USER\\r\\n
  raw TEXT      TEXT exactly (Python escapes: \\r \\n \\t \\xHH), then close
  silent        never answers; keeps the connection until the peer closes
  nonewline     QUERY : USERID : UNIX : partial   (no line end), then close
  big N         QUERY : USERID : UNIX : followed by N bytes of 'a' and \\r\\n
  file PATH     the bytes of PATH, read again for every connection, then close
Every query is appended to LOG as `query from IP: 'QUERY-BYTES'`.
"""
import argparse
import socket
import sys
import threading


def unescape(s):
    return s.encode("latin-1").decode("unicode_escape").encode("latin-1")


def serve(conn, peer, a):
    try:
        conn.settimeout(30)
        data = b""
        while b"\n" not in data and len(data) < 1000:
            b = conn.recv(1000)
            if not b:
                break
            data += b
        if a.log:
            with open(a.log, "a") as f:
                f.write("query from %s: %r\n" % (peer[0], data))
        q = data.split(b"\n")[0].rstrip(b"\r")
        if a.mode == "userid":
            conn.sendall(q + b" : USERID : UNIX : " + unescape(a.arg) + b"\r\n")
        elif a.mode == "error":
            conn.sendall(q + b" : ERROR : NO-USER\r\n")
        elif a.mode == "raw":
            conn.sendall(unescape(a.arg))
        elif a.mode == "nonewline":
            conn.sendall(q + b" : USERID : UNIX : partial")
        elif a.mode == "big":
            conn.sendall(q + b" : USERID : UNIX : " + b"a" * int(a.arg) + b"\r\n")
        elif a.mode == "file":
            with open(a.arg, "rb") as f:
                conn.sendall(f.read())
        elif a.mode == "silent":
            while conn.recv(1000):
                pass
    except OSError:
        pass
    finally:
        conn.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-a", dest="addr", action="append")
    ap.add_argument("-p", dest="port", type=int, default=113)
    ap.add_argument("-l", dest="log")
    ap.add_argument("-r", dest="ready")
    ap.add_argument("mode", choices=["userid", "error", "raw", "silent", "nonewline", "big", "file"])
    ap.add_argument("arg", nargs="?", default="")
    a = ap.parse_args()
    socks = []
    for addr in a.addr or ["127.0.0.1"]:
        six = ":" in addr
        s = socket.socket(socket.AF_INET6 if six else socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if six:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        s.bind((addr, a.port))
        s.listen(20)
        socks.append(s)
    for s in socks[1:]:
        threading.Thread(target=accept_loop, args=(s, a), daemon=True).start()
    if a.ready:
        with open(a.ready, "w") as f:
            f.write("%d\n" % socks[0].getsockname()[1])
    accept_loop(socks[0], a)


def accept_loop(s, a):
    while True:
        conn, peer = s.accept()
        threading.Thread(target=serve, args=(conn, peer, a), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
