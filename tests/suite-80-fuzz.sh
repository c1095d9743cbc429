#!/bin/sh
# Fuzz regression: every fuzz/fuzz_*.c target, built with libFuzzer and
# ASan/UBSan, replays its seed corpus and past crash reproducers
# (fuzz/regress/) and mutates briefly. Long runs: make fuzz.
. "$(dirname "$0")/lib.sh"
if ! command -v clang >/dev/null 2>&1; then
  notok "fuzz regression" "clang not installed"
  exit 0
fi
# a build or run problem always comes with a FAIL line on stdout
FUZZ_OUT=$T/fuzz TMPDIR=$T "$TOP/tests/fuzz" regress 5000 2>"$T/fuzz.err"
[ -s "$T/fuzz.err" ] && sed 's/^/# /' "$T/fuzz.err" >&2
exit 0
