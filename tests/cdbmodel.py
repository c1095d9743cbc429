"""The cdb format of spec section 5, in Python, for test fixtures: the
tests' independent model of what cdb/cdb_make.c writes."""
import struct


def cdbhash(key):
    h = 5381
    for c in key:
        h = (((h << 5) + h) ^ c) & 0xffffffff
    return h


def cdb(records):
    """The bytes of a cdb holding the (key, data) pairs, in order."""
    body = bytearray()
    pos = 2048
    buckets = [[] for _ in range(256)]
    for k, d in records:
        h = cdbhash(k)
        buckets[h & 255].append((h, pos))
        body += struct.pack("<II", len(k), len(d)) + k + d
        pos += 8 + len(k) + len(d)
    head, tail = bytearray(), bytearray()
    for b in buckets:
        n = 2 * len(b)
        slots = [(0, 0)] * n
        for h, p in b:
            i = (h >> 8) % n
            while slots[i][1]:
                i = (i + 1) % n
            slots[i] = (h, p)
        head += struct.pack("<II", pos + len(tail), n)
        for h, p in slots:
            tail += struct.pack("<II", h, p)
    return bytearray(head + body + tail)
