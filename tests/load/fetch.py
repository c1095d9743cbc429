#!/usr/bin/env python3
"""tests/load/fetch.py PORT N SECS: opens N connections to 127.0.0.1:PORT
at once, reads each to EOF (all within SECS), then prints one line per
connection, in connect order: `<bytes> <first line> <last line>`, or
`timeout` / `error <reason>`. Exit 0 when every connection reached EOF."""
import selectors
import socket
import sys
import time


def main():
    port, n, secs = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    deadline = time.monotonic() + secs
    sel = selectors.DefaultSelector()
    conns = []
    for i in range(n):
        s = socket.socket()
        try:
            s.connect(("127.0.0.1", port))
        except OSError as e:
            conns.append([None, b"", "error " + str(e)])
            continue
        s.setblocking(False)
        conns.append([s, b"", None])
        sel.register(s, selectors.EVENT_READ, i)
    open_ = sum(1 for c in conns if c[0])
    while open_ and time.monotonic() < deadline:
        for key, _ in sel.select(max(0.0, deadline - time.monotonic())):
            c = conns[key.data]
            try:
                d = c[0].recv(65536)
            except BlockingIOError:
                continue
            except OSError as e:
                d, c[2] = b"", "error " + str(e)
            if d:
                c[1] += d
                continue
            sel.unregister(c[0])
            c[0].close()
            c[0] = None
            if c[2] is None:
                c[2] = "eof"
            open_ -= 1
    rc = 0
    for s, data, state in conns:
        if state != "eof":
            print(state or "timeout")
            rc = 1
            continue
        lines = data.split(b"\n")
        last = lines[-2] if len(lines) > 1 else lines[-1]
        print(len(data), lines[0].decode("latin-1"), last.decode("latin-1"))
    return rc


if __name__ == "__main__":
    sys.exit(main())
