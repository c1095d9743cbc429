#!/usr/bin/env python3
"""mkcdb.py OUT KEY=DATA...: write a cdb (any standard writer's layout) with
one record per argument, in order. KEY is up to the first `=`; both take
Python escapes (\\0, \\xHH). Used to hand-build rules data tcprules never
writes."""
import struct
import sys


def h(key):
    v = 5381
    for c in key:
        v = ((v << 5) + v ^ c) & 0xFFFFFFFF
    return v


def main():
    out = sys.argv[1]
    recs = []
    for arg in sys.argv[2:]:
        k, _, d = arg.partition("=")
        conv = lambda s: s.encode("latin-1").decode("unicode_escape").encode("latin-1")
        recs.append((conv(k), conv(d)))
    body, pos, buckets = bytearray(), 2048, [[] for _ in range(256)]
    for k, d in recs:
        buckets[h(k) & 255].append((h(k), pos))
        rec = struct.pack("<II", len(k), len(d)) + k + d
        body += rec
        pos += len(rec)
    header, tables = bytearray(), bytearray()
    for b in buckets:
        slots = 2 * len(b)
        table = [(0, 0)] * slots
        for hv, p in b:
            i = (hv >> 8) % slots
            while table[i][1]:
                i = (i + 1) % slots
            table[i] = (hv, p)
        header += struct.pack("<II", pos + len(tables), slots)
        for hv, p in table:
            tables += struct.pack("<II", hv, p)
    with open(out, "wb") as f:
        f.write(bytes(header) + bytes(body) + bytes(tables))


if __name__ == "__main__":
    main()
