#!/bin/bash
# tests/asan.sh: builds everything with AddressSanitizer and UBSan into
# $TOP/build-asan and re-runs every tests/suite-*.sh (except 80 fuzz, 85-87
# packaging and 90 valgrind) with BIN=$TOP/build-asan. Prints ok/FAIL lines
# like a suite: one per suite run, one per sanitizer report. Reports are
# written to $TOP/build-asan/reports (world-writable: children may run under
# -u/-g, and programs started with `env -i` still find it, because the path
# is also compiled in) and copied to $T/reports at the end.
# Needs T (a private temp dir; made if unset) and MYSQL_SOCK/MYSQL_PORT (a
# private MariaDB is started when they are unset). ASAN_SUITES=REGEX runs
# only the suites whose name matches.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
export TOP
OWNT=
if [ -z "${T:-}" ]; then
  T=$(mktemp -d /tmp/tcpserver-asan.XXXXXX)
  OWNT=$T
fi
DB=
cleanup() {
  [ -n "$DB" ] && "$TOP/tests/mariadb.sh" stop "$DB" >/dev/null 2>&1
  [ -n "$OWNT" ] && rm -rf "$OWNT"
}
trap cleanup EXIT
export T
. "$TOP/tests/lib.sh"
B=$TOP/build-asan
R=$B/reports
SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -g"
mkdir -p "$B" "$R" "$T/reports" && chmod 1777 "$R" || { notok "asan build" "cannot create $R"; exit 1; }

# Default options compiled into every program, for children started with
# an empty environment; ASAN_OPTIONS/UBSAN_OPTIONS below take precedence.
cat >"$B/sandefaults.c.new" <<EOF
const char *__asan_default_options(void);
const char *__ubsan_default_options(void);
const char *__asan_default_options(void) { return "log_path=$R/asan:detect_leaks=1"; }
const char *__ubsan_default_options(void) { return "log_path=$R/ubsan:print_stacktrace=1"; }
EOF
cmp -s "$B/sandefaults.c.new" "$B/sandefaults.c" || mv "$B/sandefaults.c.new" "$B/sandefaults.c"
rm -f "$B/sandefaults.c.new"
cc=$(head -n 1 "$TOP/conf-cc" | awk '{print $1}')
if [ ! -e "$B/sandefaults.o" ] || [ "$B/sandefaults.c" -nt "$B/sandefaults.o" ]; then
  $cc -c -o "$B/sandefaults.o" "$B/sandefaults.c" || { notok "asan build" "sandefaults.o"; exit 1; }
fi
# conf-ld strips (-s); the sanitizer build keeps symbols for the reports
LD="$(head -n 1 "$TOP/conf-ld" | sed 's/[[:space:]]-s\([[:space:]]\|$\)/ /g') $SAN $B/sandefaults.o"
if ! make -s -C "$TOP" O="$B" STATIC= EXTRA_CFLAGS="$SAN -O1" EXTRA_LDFLAGS="$SAN" \
     LD_CMD="$LD" all testprogs >"$T/asan-build.log" 2>&1; then
  notok "asan build" "$(grep -m 5 -E 'error|Error' "$T/asan-build.log" | tr '\n' '|')"
  exit 1
fi
ok "asan build into $B"

export ASAN_OPTIONS="log_path=$R/asan:detect_leaks=1"
export UBSAN_OPTIONS="log_path=$R/ubsan:print_stacktrace=1"
rm -f "$R"/asan.* "$R"/ubsan.*

if [ -z "${MYSQL_SOCK:-}" ]; then
  DB=$T/mariadb
  eval "$("$TOP/tests/mariadb.sh" start "$DB")" || { notok "asan: private MariaDB" "did not start"; exit 1; }
  export MYSQL_SOCK MYSQL_PORT MYSQL_PID
fi

for s in "$TOP"/tests/suite-*.sh; do
  [ -x "$s" ] || continue
  name=$(basename "$s" .sh)
  case $name in suite-80-*|suite-8[5-7]-*|suite-90-*) continue;; esac
  [ -n "${ASAN_SUITES:-}" ] && ! [[ $name =~ $ASAN_SUITES ]] && continue
  mkdir -p "$T/asan/$name"
  # Under the sanitizers every fork costs several times more (the shadow
  # memory's page tables are copied), so the load suite runs half of
  # its connections with a longer cap: the same faults, a shorter run.
  # LOAD_N/LOAD_SECS set by the caller win.
  BIN=$B T="$T/asan/$name" LOAD_N=${LOAD_N:-10000} LOAD_SECS=${LOAD_SECS:-400} \
    timeout 1200 "$s" >"$T/asan/$name.out" 2>"$T/asan/$name.err"
  rc=$?
  p=$(grep -c '^ok - ' "$T/asan/$name.out"); f=$(grep -c '^FAIL - ' "$T/asan/$name.out")
  if [ "$f" -gt 0 ] || [ $rc -ne 0 ]; then
    grep '^FAIL - ' "$T/asan/$name.out" | head -n 20 | sed 's/^FAIL - /FAIL - asan: /'
    # the suite's own notes (timings, causes) say why; they go with it
    grep '^# ' "$T/asan/$name.out" | head -n 30 | sed 's/^# /# asan: /'
    [ $rc -ne 0 ] && notok "asan: $name" "exited $rc: $(tail -n 3 "$T/asan/$name.err" | tr '\n' '|')"
    [ $rc -eq 0 ] && [ "$f" -gt 20 ] && echo "# ... $f FAIL lines in all ($T/asan/$name.out)"
  else
    ok "asan: $name ($p checks pass)"
  fi
done

n=0
for f in "$R"/asan.* "$R"/ubsan.*; do
  [ -e "$f" ] || continue
  n=$((n + 1))
  cp "$f" "$T/reports/"
  # the first frames in this tree say where
  where=$(grep -E '^ +#[0-9]+ ' "$f" | grep -F "$TOP/" | head -n 3 | sed 's/^ *#[0-9]* 0x[0-9a-f]* in //; s|'"$TOP"'/||' | tr '\n' '|')
  notok "asan: sanitizer report" "$(basename "$f"): $(grep -m 1 -E 'ERROR: |runtime error|SUMMARY' "$f" | sed 's/^==[0-9]*==//' | cut -c 1-160); at ${where:-?}"
done
[ $n -eq 0 ] && ok "asan: no sanitizer reports"
exit 0
