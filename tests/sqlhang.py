#!/usr/bin/env python3
"""sqlhang.py SECONDS [UNIXPATH]: a database server that hangs. Listens on
127.0.0.1 port 0 (printed on stdout) or on UNIXPATH, accepts every
connection and never sends a byte. Exits after SECONDS."""
import os, socket, sys, time

life = float(sys.argv[1])
if len(sys.argv) > 2:
    s = socket.socket(socket.AF_UNIX)
    s.bind(sys.argv[2])
    print(sys.argv[2], flush=True)
else:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1], flush=True)
s.listen(128)
s.settimeout(0.2)
held = []
end = time.time() + life
while time.time() < end:
    try:
        c, _ = s.accept()
        held.append(c)
    except socket.timeout:
        pass
