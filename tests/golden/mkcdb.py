#!/usr/bin/env python3
"""mkcdb.py OUT KEY=DATA...: write a cdb (any standard writer's layout) with
one record per argument, in order. KEY is up to the first `=`; both take
Python escapes (\\0, \\xHH). Used to hand-build rules data tcprules never
writes."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from cdbmodel import cdb  # noqa: E402


def main():
    out = sys.argv[1]
    recs = []
    for arg in sys.argv[2:]:
        k, _, d = arg.partition("=")
        conv = lambda s: s.encode("latin-1").decode("unicode_escape").encode("latin-1")
        recs.append((conv(k), conv(d)))
    with open(out, "wb") as f:
        f.write(bytes(cdb(recs)))


if __name__ == "__main__":
    main()
