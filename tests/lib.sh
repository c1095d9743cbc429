# Sourced by every tests/suite-*.sh. One line per check on stdout.
ok() { printf 'ok - %s\n' "$1"; }
notok() { printf 'FAIL - %s: %s\n' "$1" "$2"; }
# check WHAT CMD...: ok when CMD exits 0.
check() { w=$1; shift; if "$@"; then ok "$w"; else notok "$w" "command failed: $*"; fi; }
# same WHAT EXPECTED ACTUAL
same() { if [ "$2" = "$3" ]; then ok "$1"; else notok "$1" "expected [$2] got [$3]"; fi; }
# samefile WHAT EXPECTEDFILE ACTUALFILE: ok when identical, else a diff excerpt
samefile() {
  if cmp -s "$2" "$3"; then ok "$1"
  else notok "$1" "$(diff "$2" "$3" 2>&1 | head -n 20 | tr '\n' '|')"; fi
}
# waitfor SECS CMD...: poll CMD every 50 ms until it succeeds, for at
# most SECS (whole) seconds; 1 if it never did
waitfor() { local i=0 n=$(( $1 * 20 )); shift; until "$@"; do [ $i -ge $n ] && return 1; sleep 0.05; i=$((i+1)); done; }
# gone PID: no such process (any more)
gone() { ! kill -0 "$1" 2>/dev/null; }
# wait_port FILE [SECS]: wait (max SECS, 5 s) for a -1 port line in
# FILE, print it
portline() { head -n 1 "$1" 2>/dev/null | grep -E '^[0-9]+$'; }
wait_port() { waitfor "${2:-5}" portline "$1" >/dev/null && portline "$1"; }
: "${TOP:?}" "${BIN:=$TOP}" "${T:?}"
