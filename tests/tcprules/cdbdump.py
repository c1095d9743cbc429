#!/usr/bin/env python3
"""tests/tcprules/cdbdump.py FILE: the records of a cdb in file order, one
per line as KEY -> DATA (bytes outside printable ASCII as \\xNN, NUL as
\\0), for tests to compare what tcprules stored."""
import struct
import sys


def esc(b):
    out = []
    for c in b:
        if c == 0:
            out.append("\\0")
        elif 32 <= c < 127 and c != 0x5c:
            out.append(chr(c))
        else:
            out.append("\\x%02x" % c)
    return "".join(out)


def main():
    with open(sys.argv[1], "rb") as f:
        d = f.read()
    end = min(struct.unpack_from("<I", d, 8 * i)[0] for i in range(256))
    pos = 2048
    while pos < end:
        kl, dl = struct.unpack_from("<II", d, pos)
        k = d[pos + 8:pos + 8 + kl]
        v = d[pos + 8 + kl:pos + 8 + kl + dl]
        print("%s -> %s" % (esc(k), esc(v)))
        pos += 8 + kl + dl


main()
