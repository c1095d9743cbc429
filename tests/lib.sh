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
# wait_port FILE: wait (max 5 s) for a -1 port line in FILE, print it
wait_port() {
  i=0
  while [ $i -lt 100 ]; do
    p=$(head -n 1 "$1" 2>/dev/null)
    case "$p" in [0-9]*) echo "$p"; return 0;; esac
    sleep 0.05; i=$((i+1))
  done
  return 1
}
: "${TOP:?}" "${BIN:=$TOP}" "${T:?}"
