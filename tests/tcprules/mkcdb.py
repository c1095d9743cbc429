#!/usr/bin/env python3
"""Writes hand-made cdb fixtures (spec section 5) for suite-20-tcprules.

usage: mkcdb.py NAME OUTFILE, NAME one of: odd, badtable, badrecord, badslots
"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from cdbmodel import cdb as make, cdbhash  # noqa: E402,F401


ODD = [
    (b'1.1.1.1', b'+A=1\0+B'),           # unterminated last entry
    (b'2.2.2.2', b'D'),                  # D without NUL
    (b'3.3.3.3', b'X\0+NOEQ\0\0+C=3\0D\0+E=5\0'),
    (b'4.4.4.4', b'+A=1'),
    (b'5.5.5.5', b'\0\0D\0'),
    (b'6.6.6.6', b''),
    (b'7.7.7.7', b'Dxyz\0+A=1\0'),
    (b'8.8.8.8', b'+=empty\0+X=a=b\0+\0'),
    (b'9.9.9.9', b'\xff\x01+\xe9=\xe9\0'),
    (b'=h.example.com', b'+WHO=host\0'),
    (b'', b'+WHO=default\0'),
]


def main():
    name, path = sys.argv[1], sys.argv[2]
    img = make(ODD)
    hb = (cdbhash(b'1.1.1.1') & 255) * 8
    if name == 'badtable':      # table of 1.1.1.1's bucket beyond the end
        img[hb:hb + 8] = struct.pack('<II', 0xfffffff0, 2)
    elif name == 'badslots':    # slot count far larger than the file
        img[hb + 4:hb + 8] = struct.pack('<I', 0x7fffffff)
    elif name == 'badrecord':   # data length of 1.1.1.1 beyond the end
        img[2048 + 4:2048 + 8] = struct.pack('<I', 0xffffff00)
    elif name != 'odd':
        sys.exit('unknown fixture ' + name)
    with open(path, 'wb') as f:
        f.write(img)


main()
