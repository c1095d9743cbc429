#!/bin/sh
# tcprules and tcprulescheck with IPv6 keys against Debian's IPv6 build
# (ucspi-tcp-ipv6, fetched by tests/oracle6.sh): the same cdb bytes for
# compact keys, the same decisions over a ladder matrix, and the chosen
# deviations (ipv6.md, Rules) asserted one by one.
. "$(dirname "$0")/lib.sh"
RULES=$BIN/tcprules
CHECK=$BIN/tcprulescheck
O4=/usr/bin/tcprules
DATA=$TOP/tests/tcprules
DUMP="python3 $DATA/cdbdump.py"
W=$T/w6
rm -rf "$W"; mkdir -p "$W" || exit 1
trap 'rm -rf "$W"' EXIT
trap 'exit 130' INT TERM
if ! O6=$("$TOP/tests/oracle6.sh" "$T/oracle6" 2>"$W/oracle.err"); then
  notok "Debian's IPv6 tcprules fetched" "$(cat "$W/oracle.err")"
  exit 0
fi
ORULES=$O6/usr/bin/tcprules
OCHECK=$O6/usr/bin/tcprulescheck
for p in "$ORULES" "$OCHECK" "$RULES" "$CHECK" "$O4"; do
  [ -x "$p" ] || { notok "programs present" "missing $p"; exit 0; }
done
printf 'old:allow\n' | "$RULES" "$W/old.cdb" "$W/old.tmp" || exit 1

# side DIR PROG: PROG x.cdb x.tmp in a fresh DIR holding old.cdb as x.cdb,
# stdin from the caller; rc, out, err kept there
side() {
  rm -rf "$1"; mkdir -p "$1"; cp "$W/old.cdb" "$1/x.cdb"
  (cd "$1" && timeout 10 "$2" x.cdb x.tmp >out 2>err; echo $? >rc)
}
# differ A B: which of rc, err, x.cdb, x.tmp differ between dirs A and B
differ() {
  why=
  for f in rc err x.cdb x.tmp; do
    if [ -e "$1/$f" ] || [ -e "$2/$f" ]; then
      cmp -s "$1/$f" "$2/$f" || why="$why $f differs;"
    fi
  done
  echo "$why"
}
# rules_diff WHAT INPUT: ours and Debian's IPv6 tcprules agree byte for byte
rules_diff() {
  side "$W/o" "$ORULES" <"$2"
  side "$W/m" "$RULES" <"$2"
  why=$(differ "$W/o" "$W/m")
  if [ -z "$why" ]; then ok "$1"
  else notok "$1" "$why oracle rc=$(cat "$W/o/rc") err=$(head -c 200 "$W/o/err") ours rc=$(cat "$W/m/rc") err=$(head -c 200 "$W/m/err")"; fi
}

# 1. compact keys: the same cdb bytes, stderr and exit code
tab=$(printf '\t')
while IFS="$tab" read -r name fmt; do
  case $name in '#'*|'') continue;; esac
  # shellcheck disable=SC2059
  printf "$fmt" >"$W/case.in"
  rules_diff "tcprules6: $name" "$W/case.in"
done <"$DATA/cases6"
rules_diff "tcprules6: ipv6.rules" "$DATA/ipv6.rules"
grep -v '^:allow' "$DATA/ipv6.rules" >"$W/nodefault.rules"
rules_diff "tcprules6: ipv6.rules without a default" "$W/nodefault.rules"

# 2. decisions over the ladder matrix: ours reads the same environment
MATRIX_IPS='- @ 2001:db8::1 2001:db8::2 2001:db8::7 2001:db8:1::5
  2001:db8:2::1 2001:1::1 2002::1 ::1 ::2 :: ::ffff:10.1.2.3
  ::ffff:10.1.2.4 ::ffff:10.9.9.9 ::ffff:11.1.1.1 1.2.3.4 1.2.9.9
  fe80::1 2001:db8:0:1:1:1:1:1 2001:db8:0:1:1:1:1:2'
MATRIX_HOSTS='- @ h6.example.com x.example.com'
MATRIX_LABEL=tcprulescheck6
. "$TOP/tests/tcprules/matrix.sh"
"$ORULES" "$W/v6.cdb" "$W/v6.tmp" <"$DATA/ipv6.rules"
check_matrix "$W/v6.cdb" "ipv6.rules"
"$ORULES" "$W/v6nd.cdb" "$W/v6nd.tmp" <"$W/nodefault.rules"
check_matrix "$W/v6nd.cdb" "ipv6.rules without a default"
grep -v '^:::allow' "$DATA/ipv6.rules" >"$W/nodcolon.rules"
"$ORULES" "$W/v6nc.cdb" "$W/v6nc.tmp" <"$W/nodcolon.rules"
check_matrix "$W/v6nc.cdb" "ipv6.rules without ::"
# the key each address stops at, so a ladder step missing on both sides
# is seen too
want="2001:db8::1 2001:db8:: 2001:db8: 2001: :: ::ffff:10.1.2. ::ffff:10. 2001:db8:0:1:1:1:1:1 :"
got=
for ip in 2001:db8::1 2001:db8::2 2001:db8:2::1 2001:1::1 ::2 ::ffff:10.1.2.4 \
          ::ffff:10.9.9.9 2001:db8:0:1:1:1:1:1 ; do
  k=$(TCPREMOTEIP=$ip "$CHECK" "$W/v6.cdb" | sed -n '1s/^rule \(.*\):$/\1/p')
  got="${got:+$got }$k"
done
k=$(TCPREMOTEIP=::2 "$CHECK" "$W/v6nc.cdb" | sed -n '1s/^rule \(.*\):$/\1/p')
same "tcprulescheck6: each ladder step is reached" "$want" "$got $k"

. "$DATA/deviations6.sh"
exit 0
