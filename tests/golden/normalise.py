#!/usr/bin/env python3
"""normalise.py DIR...: print DIR/raw with run-specific values replaced,
for each DIR in turn (one case each).

MAP lines are `kind<TAB>value<TAB>name`: kind `str` replaces the text
anywhere (longest first), kind `num` replaces the number where it is not
part of a longer number. Pids in tcpserver log lines (`pid N`, `ok N`,
`deny N`, `end N`) become $PID1, $PID2, ... in order of first appearance.
Inode numbers in `socket:[N]` and `pipe:[N]` become N. With
NORMALISE_PORTS=collapse (differential runs), every $PORTn is $PORTn: the
kernel may hand a closed server's port to a later one in one run only.
"""
import os
import re
import sys


def normalise(d):
    raw = open(d + "/raw", encoding="latin-1").read()
    strs, nums = [], []
    for line in open(d + "/map", encoding="latin-1").read().splitlines():
        kind, value, name = line.split("\t")
        (strs if kind == "str" else nums).append((value, name))
    pids = {}

    def pid(m):
        n = pids.setdefault(m.group(2), "$PID%d" % (len(pids) + 1))
        return m.group(1) + " " + n

    out = []
    for line in raw.split("\n"):
        if re.search(r"tcpserver: ", line):
            line = re.sub(r"\b(pid|ok|deny|end) (\d+)\b", pid, line)
        for value, name in sorted(strs, key=lambda x: -len(x[0])):
            if value:
                line = line.replace(value, name)
        for value, name in nums:
            line = re.sub(r"(?<![0-9])%s(?![0-9])" % re.escape(value), lambda m, n=name: n, line)
        line = re.sub(r"(socket|pipe):\[\d+\]", r"\1:[N]", line)
        if os.environ.get("NORMALISE_PORTS") == "collapse":
            line = re.sub(r"\$PORT\d*", "$PORTn", line)
        out.append(line)
    return "\n".join(out)


def main():
    for d in sys.argv[1:]:
        sys.stdout.write(normalise(d))


if __name__ == "__main__":
    main()
