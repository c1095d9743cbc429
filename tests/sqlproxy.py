#!/usr/bin/env python3
"""sqlproxy.py TARGETPORT FREEZEFILE SECONDS: a TCP proxy on 127.0.0.1
port 0 (printed on stdout) to 127.0.0.1:TARGETPORT. While FREEZEFILE
exists every byte is swallowed: the server looks hung in mid-session.
Exits after SECONDS."""
import os, select, socket, sys, time

tport, freeze, life = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(64)
print(s.getsockname()[1], flush=True)
peer = {}
end = time.time() + life
while time.time() < end:
    ready, _, _ = select.select([s] + list(peer), [], [], 0.2)
    for x in ready:
        if x is s:
            c, _ = s.accept()
            u = socket.create_connection(("127.0.0.1", tport))
            peer[c] = u
            peer[u] = c
            continue
        try:
            d = x.recv(65536)
        except OSError:
            d = b""
        if not d:
            y = peer.pop(x, None)
            if y is not None:
                peer.pop(y, None)
                y.close()
            x.close()
            continue
        if not os.path.exists(freeze):
            peer[x].sendall(d)
