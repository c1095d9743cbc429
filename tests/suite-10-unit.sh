#!/bin/sh
# Runs every C unit test program (tests/unit_*.c, built by make testprogs).
. "$(dirname "$0")/lib.sh"
dir=$BIN/tests/bin
for need in unit_cdb unit_rules unit_rulesparse unit_rulekey unit_cidr; do
  [ -x "$dir/$need" ] || notok "$need built" "missing $dir/$need"
done
for p in "$dir"/unit_*; do
  [ -x "$p" ] || continue
  name=$(basename "$p")
  out=$T/$name.out
  T=$T timeout 120 "$p" >"$out" 2>"$T/$name.err"
  rc=$?
  grep -E '^(ok|FAIL) - ' "$out" | sed "s/^\(ok\|FAIL\) - /\1 - $name: /"
  if [ $rc -ne 0 ] && ! grep -q '^FAIL - ' "$out"; then
    notok "$name" "exited $rc without a FAIL line: $(tail -n 3 "$T/$name.err" | tr '\n' '|')"
  elif ! grep -q '^ok - ' "$out" && [ $rc -eq 0 ]; then
    notok "$name" "printed no checks"
  fi
done
exit 0
