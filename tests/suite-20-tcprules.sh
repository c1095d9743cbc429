#!/bin/sh
# tcprules and tcprulescheck against Debian's binaries (the oracle): same
# cdb bytes, stderr, exit codes, tmp handling; plus the intended
# differences of spec Appendix A.
. "$(dirname "$0")/lib.sh"
ORULES=/usr/bin/tcprules
OCHECK=/usr/bin/tcprulescheck
RULES=$BIN/tcprules
CHECK=$BIN/tcprulescheck
DATA=$TOP/tests/tcprules
W=$T/w
sleeper=
cleanup() {
  [ -n "$sleeper" ] && kill "$sleeper" 2>/dev/null
  chmod -R u+w "$W" 2>/dev/null
  rm -rf "$W"
  rm -f /dev/shm/suite20.$$.cdb
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$W" || exit 1
for p in "$ORULES" "$OCHECK" "$RULES" "$CHECK"; do
  [ -x "$p" ] || { notok "programs present" "missing $p"; exit 0; }
done
printf 'old:allow\n' | "$ORULES" "$W/old.cdb" "$W/old.tmp" || exit 1

# prep DIR: a fresh DIR holding a copy of old.cdb as x.cdb
prep() { rm -rf "$1"; mkdir -p "$1"; cp "$W/old.cdb" "$1/x.cdb"; }
# run DIR PROG ARGS...: run PROG in DIR (stdin from the caller); keep its
# exit code, stdout and stderr there
run() { d=$1; shift; (cd "$d" && "$@" >out 2>err; echo $? >rc); }
side() { prep "$1"; run "$@"; }

# compare_sides WHAT: both sides' rc, stderr, stdout, x.cdb and x.tmp
compare_sides() {
  o=$W/o m=$W/m why=
  for f in rc err out x.cdb x.tmp; do
    if [ -e "$o/$f" ] || [ -e "$m/$f" ]; then
      cmp -s "$o/$f" "$m/$f" || why="$why $f differs;"
    fi
  done
  if [ -z "$why" ]; then ok "$1"
  else notok "$1" "$why oracle rc=$(cat "$o/rc") err=$(head -c 200 "$o/err") ours rc=$(cat "$m/rc") err=$(head -c 200 "$m/err")"; fi
}

# rules_diff WHAT INPUTFILE [ARGS]: both tcprules on the same input
rules_diff() {
  what=$1 in=$2; shift 2
  side "$W/o" "$ORULES" "$@" <"$in"
  side "$W/m" "$RULES" "$@" <"$in"
  compare_sides "$what"
}

# 1. the corpus of inputs
tab=$(printf '\t')
while IFS="$tab" read -r name fmt; do
  case $name in '#'*|'') continue;; esac
  # shellcheck disable=SC2059
  printf "$fmt" >"$W/case.in"
  rules_diff "tcprules: $name" "$W/case.in" x.cdb x.tmp
done <"$DATA/cases"
for f in mixed matrix nodefault; do
  rules_diff "tcprules: $f.rules" "$DATA/$f.rules" x.cdb x.tmp
done
awk 'BEGIN { printf "1.2.3.4:allow,A=\""; for (i = 0; i < 200000; i++) printf "xxxxx"; printf "\"\n" }' >"$W/long.in"
rules_diff "tcprules: a 1 MB line" "$W/long.in" x.cdb x.tmp
awk 'BEGIN { printf "x:allow"; for (i = 0; i < 20000; i++) printf ",V%d=\"%d\"", i, i; printf "\n" }' >"$W/vars.in"
rules_diff "tcprules: 20000 variables on one line" "$W/vars.in" x.cdb x.tmp
awk 'BEGIN { printf "x:allow"; for (i = 0; i < 20000; i++) printf ",V%d=\"%d\"", i, i; printf ",BAD\n" }' >"$W/vars.in"
rules_diff "tcprules: parse error after 20000 variables" "$W/vars.in" x.cdb x.tmp

# 2. a big generated file (1,000,000 lines, some expanding to ranges)
awk 'BEGIN {
  for (i = 0; i < 1000000; i++) {
    a = int(i / 65536) % 256; b = int(i / 256) % 256; c = i % 256; r = i % 10
    if (r == 0) printf "10.%d.%d.%d:deny\n", a, b, c
    else if (r == 1) printf "=h%d.example.com:allow,RELAYCLIENT=\"\",N=\"%d\"\n", i, i
    else if (r == 2) printf "u%d@10.%d.%d.%d:allow\n", i, a, b, c
    else if (r == 3 && i % 1000 == 3) printf "11.%d.%d.0-255:allow\n", a, b
    else printf "10.%d.%d.%d:allow,X=\"%d\"\n", a, b, c, i
  } }' >"$W/big.in"
side "$W/o" "$ORULES" x.cdb x.tmp <"$W/big.in"
start=$(date +%s)
side "$W/m" "$RULES" x.cdb x.tmp <"$W/big.in"
secs=$(( $(date +%s) - start ))
compare_sides "tcprules: 1,000,000-line file"
[ "$secs" -le 10 ] && ok "tcprules: 1,000,000 lines within 10 s" \
  || notok "tcprules: 1,000,000 lines quickly" "took ${secs}s"
cp "$W/m/x.cdb" "$W/big.cdb"
rm -f "$W/big.in"

# 3. command line, stdin, tmp, write and rename failures
: >"$W/one.in"; printf '1.2.3.4:allow\n' >"$W/one.in"
rules_diff "tcprules: no arguments" "$W/one.in"
rules_diff "tcprules: one argument" "$W/one.in" x.cdb
rules_diff "tcprules: extra arguments ignored" "$W/one.in" x.cdb x.tmp extra
side "$W/o" "$ORULES" x.cdb x.tmp <"$W"
side "$W/m" "$RULES" x.cdb x.tmp <"$W"
compare_sides "tcprules: stdin is a directory"
same "tcprules: stdin is a directory (message)" \
  "tcprules: fatal: unable to read input: is a directory" "$(cat "$W/m/err")"
for t in nodir/x.tmp x.cdb/x.tmp . "$(printf 'n%0300d' 0)"; do
  rules_diff "tcprules: tmp $(printf %s "$t" | cut -c 1-20) cannot be created" "$W/one.in" x.cdb "$t"
done
mkdir -p "$W/loop" && ln -sf loop "$W/loop/loop"
rules_diff "tcprules: tmp is a symlink loop" "$W/one.in" x.cdb "$W/loop/loop/x"
cp /bin/sleep "$W/busy"
"$W/busy" 60 & sleeper=$!
sleep 0.2
rules_diff "tcprules: tmp is a busy executable" "$W/one.in" x.cdb "$W/busy"
kill "$sleeper" 2>/dev/null; sleeper=
ln -sf /dev/full "$W/full"
rules_diff "tcprules: write error (out of disk space)" "$W/one.in" x.cdb "$W/full"
prep "$W/o"; prep "$W/m"
(trap '' XFSZ; ulimit -f 2 && run "$W/o" "$ORULES" x.cdb x.tmp <"$DATA/mixed.rules" &&
  run "$W/m" "$RULES" x.cdb x.tmp <"$DATA/mixed.rules")
compare_sides "tcprules: write error (file too big)"
for d in o m; do mkdir -p "$W/$d.dir/sub"; done
side "$W/o" "$ORULES" "$W/o.dir" x.tmp <"$W/one.in"
side "$W/m" "$RULES" "$W/m.dir" x.tmp <"$W/one.in"
sed -i "s|$W/[om]\.dir|DIR|" "$W/o/err" "$W/m/err"
compare_sides "tcprules: rename onto a directory fails, complete tmp kept"
if [ -d /dev/shm ] && [ "$(stat -c %d /dev/shm)" != "$(stat -c %d "$W")" ]; then
  rules_diff "tcprules: rename across file systems" "$W/one.in" /dev/shm/suite20.$$.cdb x.tmp
fi

# 4. tmp handling of our own, asserted directly
side "$W/m" "$RULES" x.cdb x.tmp <"$TOP/tests/tcprules/cases"
same "tcprules: parse error leaves a 0-byte tmp" "0" "$(stat -c %s "$W/m/x.tmp" 2>&1)"
samefile "tcprules: parse error leaves the old cdb" "$W/old.cdb" "$W/m/x.cdb"
(umask 077; side "$W/m" "$RULES" x.cdb x.tmp <"$W/one.in")
same "tcprules: umask 077 gives mode 600" "600" "$(stat -c %a "$W/m/x.cdb")"
(umask 022; side "$W/m" "$RULES" x.cdb x.tmp <"$W/one.in")
same "tcprules: umask 022 gives mode 644" "644" "$(stat -c %a "$W/m/x.cdb")"
(umask 077; side "$W/o" "$ORULES" x.cdb x.tmp <"$W/one.in")
(umask 077; side "$W/m" "$RULES" x.cdb x.tmp <"$W/one.in")
same "tcprules: mode matches the oracle" "$(stat -c %a "$W/o/x.cdb")" "$(stat -c %a "$W/m/x.cdb")"
if command -v setpriv >/dev/null; then
  for d in o m; do
    rm -rf "$W/ro.$d"; mkdir -p "$W/ro.$d"; chmod 555 "$W/ro.$d"
    p=$ORULES; [ $d = m ] && p=$RULES
    (cd "$W/ro.$d" && setpriv --reuid=65534 --regid=65534 --clear-groups \
       "$p" x.cdb x.tmp <"$W/one.in" >out 2>"$W/$d.roerr"; echo $? >"$W/$d.rorc")
  done
  same "tcprules: unwritable directory" \
    "$(cat "$W/o.roerr" "$W/o.rorc")" "$(cat "$W/m.roerr" "$W/m.rorc")"
  same "tcprules: unwritable directory (message)" \
    "tcprules: fatal: unable to create x.tmp: access denied" "$(cat "$W/m.roerr")"
else
  notok "tcprules: unwritable directory" "setpriv missing"
fi

. "$DATA/check.sh"
exit 0
