#!/usr/bin/env python3
"""compare.py WHAT EXPECTED ACTUAL: split both files into `--- name` cases
and print `ok - WHAT: name` or `FAIL - WHAT: name: <diff>` for each case of
EXPECTED; cases that appear only in ACTUAL fail too. A case whose name
appears in neither file is not reported."""
import difflib
import sys


def cases(path):
    order, blocks, cur = [], {}, None
    try:
        text = open(path, encoding="latin-1").read()
    except FileNotFoundError:
        return order, blocks
    for line in text.splitlines():
        if line.startswith("--- "):
            cur = line[4:]
            order.append(cur)
            blocks[cur] = []
        elif cur is not None:
            blocks[cur].append(line)
    return order, blocks


def main():
    what, exp_path, act_path = sys.argv[1:4]
    eo, eb = cases(exp_path)
    ao, ab = cases(act_path)
    ran_only = len(sys.argv) > 4 and sys.argv[4] == "ran-only"
    for name in eo:
        if name not in ab and ran_only:
            continue
        if name not in ab:
            print("FAIL - %s: %s: case did not run" % (what, name))
        elif eb[name] == ab[name]:
            print("ok - %s: %s" % (what, name))
        else:
            d = list(difflib.unified_diff(eb[name], ab[name], "expected", "actual", n=0, lineterm=""))[2:]
            d = [l for l in d if not l.startswith("@@")]
            print("FAIL - %s: %s: %s" % (what, name, " | ".join(d[:12]) + (" | ..." if len(d) > 12 else "")))
    for name in ao:
        if name not in eb:
            print("FAIL - %s: %s: no expected output for this case" % (what, name))


if __name__ == "__main__":
    main()
