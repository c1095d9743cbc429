#!/bin/bash
# CIDR rules (spec/cidr.md Part 2): tcprules takes a.b.c.d/n and ipv6/n,
# stores ucspi-tcp6's keys (host bits masked), rejects bad text leaving the
# old cdb alone; tcprulescheck decides every prefix-length edge, longest
# prefix first, a dotted prefix before any CIDR rule, and shows a CIDR hit
# as its rule; a rules file without CIDR rules compiles to the bytes of
# 0.88's tcprules. Then tcpserver -x decides by CIDR rules for real
# connections from several addresses in a private network namespace.
. "$(dirname "$0")/lib.sh"
RULES=$BIN/tcprules
CHECK=$BIN/tcprulescheck
DATA=$TOP/tests/tcprules
DUMP="python3 $DATA/cdbdump.py"
SELF=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
W=$T/w24
if [ "${1:-}" != inner ]; then
rm -rf "$W"; mkdir -p "$W" || exit 1
trap 'rm -rf "$W"' EXIT
trap 'exit 130' INT TERM
for p in "$RULES" "$CHECK" /usr/bin/tcprules; do
  [ -x "$p" ] || { notok "programs present" "missing $p"; exit 0; }
done

# --- 0.88 byte identity without CIDR rules ---------------------------------
for f in "$DATA"/*.rules; do
  n=$(basename "$f")
  /usr/bin/tcprules "$W/o.cdb" "$W/o.tmp" <"$f" >/dev/null 2>&1; orc=$?
  "$RULES" "$W/m.cdb" "$W/m.tmp" <"$f" >/dev/null 2>&1; mrc=$?
  if [ $orc -ne 0 ]; then continue; fi
  if [ $mrc -eq 0 ] && cmp -s "$W/o.cdb" "$W/m.cdb"; then ok "no CIDR rules ($n): the bytes of 0.88's tcprules"
  else notok "no CIDR rules ($n): the bytes of 0.88's tcprules" "rc $mrc or cdb differs"; fi
done
printf '=a/b:allow\njoe@=x/y.example:deny\n1.2.3.:allow\n:allow,A="1/2"\n' >"$W/slash.txt"
/usr/bin/tcprules "$W/o.cdb" "$W/o.tmp" <"$W/slash.txt"
"$RULES" "$W/m.cdb" "$W/m.tmp" <"$W/slash.txt"
check "a '/' in host keys and values: the bytes of 0.88's tcprules" cmp -s "$W/o.cdb" "$W/m.cdb"

# --- keys ---------------------------------------------------------------------
# keyof RULE: the keys tcprules stores for "RULE:allow" (the markers left out)
keyof() { printf '%s:allow\n' "$1" | "$RULES" "$W/k.cdb" "$W/k.tmp" && $DUMP "$W/k.cdb" | sed -n 's/ -> .*//p' | grep -vx '[_^]'; }
same "10.0.0.0/8 is stored as ucspi-tcp6 stores it" "_0000e0g0" "$(keyof 10.0.0.0/8)"
same "10.3.0.0/8: host bits masked" "_0000e0g0" "$(keyof 10.3.0.0/8)"
same "2001:db8::/32 is stored as ucspi-tcp6 stores it" '^00`000000000000a0000bc0de0fgh000' "$(keyof 2001:db8::/32)"
same "2001:db8:ffff::1/32: host bits masked" '^00`000000000000a0000bc0de0fgh000' "$(keyof 2001:DB8:ffff::1/32)"
printf '10.0.0.0/8:allow\n10.2.0.0/16:deny\n2001:db8::/32:allow\n' | "$RULES" "$W/k.cdb" "$W/k.tmp"
same "the markers name the lengths stored" '_ -> /\x80\x80\0\0
^ -> /\0\0\0\x80\0\0\0\0\0\0\0\0\0\0\0\0' "$($DUMP "$W/k.cdb" | grep '^[_^] ->')"

# --- bad text: exit 100 in 0.88's shape, the old cdb untouched ------------------
printf 'old:allow\n' | "$RULES" "$W/old.cdb" "$W/old.tmp"
bad() {
  cp "$W/old.cdb" "$W/x.cdb"
  printf '1.2.3.4:allow\n%s:allow\n' "$1" | "$RULES" "$W/x.cdb" "$W/x.tmp" 2>"$W/err"; rc=$?
  if [ $rc -eq 100 ] && cmp -s "$W/old.cdb" "$W/x.cdb" &&
     [ "$(tail -n 1 "$W/err")" = "tcprules: fatal: unable to parse this line: $1:allow" ] &&
     [ "$(head -n 1 "$W/err")" = "tcprules: warning: $2: $1:allow" ]; then
    ok "$1 rejected ($2), old cdb untouched"
  else notok "$1 rejected ($2), old cdb untouched" "rc=$rc $(tr '\n' '|' <"$W/err")"; fi
}
for r in 10.0.0.0/0 10.0.0.0/33 10.0.0.0/ 10.0.0.0/x 10.0.0.0/8/8 ::/0 2001:db8::/129 2001:db8::/1000; do
  bad "$r" "invalid prefix length"
done
for r in 10.0.0/8 10./8 010.0.0.0/8 10.0.0.256/8 10.0.0.1-5/24 2001:db8:/32 fe80::1%lo/64 /8 x/8; do
  bad "$r" "not an IPv4 or IPv6 network"
done
bad joe@10.0.0.0/8 "a CIDR rule takes no info@"

# --- decisions: every edge, longest first, dotted before CIDR -------------------
cat >"$W/r.txt" <<'EOF'
128.0.0.0/1:allow,R="/1"
10.0.0.0/8:allow,R="/8"
10.2.0.0/16:allow,R="/16"
10.2.3.0/24:allow,R="/24"
10.2.3.4/31:deny
10.2.3.7/32:allow,R="/32"
10.1.:allow,R="dot"
10.1.2.0/24:allow,R="never: 10.1. wins"
192.0.2.64/26:allow,R="/26"
8000::/1:allow,R="v6/1"
2001:db8::/32:allow,R="v6/32"
2001:db8::/64:allow,R="v6/64"
2001:db8::4/127:deny
2001:db8::7/128:allow,R="v6/128"
2001:db8::8/128:allow,R="v6/128 b"
2001:db8::8:allow,R="exact"
2001:db8:0:1:allow,R="never compact"
=.example.com:allow,R="host"
:allow,R="default"
EOF
"$RULES" "$W/r.cdb" "$W/r.tmp" <"$W/r.txt" 2>"$W/r.err" || notok "rules compiled" "$(cat "$W/r.err")"
# decide IP [HOST]: the rule line and the R value or the deny
decide() { TCPREMOTEIP=$1 TCPREMOTEHOST=$2 "$CHECK" "$W/r.cdb" | tr '\n' '|'; }
d() { same "$1 ${2:+(host $2) }decides by ${3%%|*}" "$3" "$(decide "$1" "$2")"; }
A='allow connection|'
d 200.1.1.1 "" "rule 128.0.0.0/1:|set environment variable R=/1|$A"
d 10.200.1.1 "" "rule 10.0.0.0/8:|set environment variable R=/8|$A"
d 10.2.200.1 "" "rule 10.2.0.0/16:|set environment variable R=/16|$A"
d 10.2.3.200 "" "rule 10.2.3.0/24:|set environment variable R=/24|$A"
d 10.2.3.4 "" "rule 10.2.3.4/31:|deny connection|"
d 10.2.3.5 "" "rule 10.2.3.4/31:|deny connection|"
d 10.2.3.6 "" "rule 10.2.3.0/24:|set environment variable R=/24|$A"
d 10.2.3.7 "" "rule 10.2.3.7/32:|set environment variable R=/32|$A"
d 10.1.2.3 "" "rule 10.1.:|set environment variable R=dot|$A"
d 192.0.2.127 "" "rule 192.0.2.64/26:|set environment variable R=/26|$A"
d 192.0.2.63 "" "rule 128.0.0.0/1:|set environment variable R=/1|$A"
d 127.0.0.1 "" "rule :|set environment variable R=default|$A"
d 127.0.0.1 a.example.com "rule =.example.com:|set environment variable R=host|$A"
d 10.200.1.1 a.example.com "rule 10.0.0.0/8:|set environment variable R=/8|$A"
d 2001:db8:1::1 "" "rule 2001:db8::/32:|set environment variable R=v6/32|$A"
d 2001:db8::ffff "" "rule 2001:db8::/64:|set environment variable R=v6/64|$A"
d 2001:db8::4 "" "rule 2001:db8::4/127:|deny connection|"
d 2001:DB8::5 "" "rule 2001:db8::4/127:|deny connection|"
d 2001:db8::7 "" "rule 2001:db8::7/128:|set environment variable R=v6/128|$A"
d 2001:db8::8 "" "rule 2001:db8::8:|set environment variable R=exact|$A"
d 2001:db8:0:1::1 "" "rule 2001:db8::/32:|set environment variable R=v6/32|$A"
d ffff::1 "" "rule 8000::/1:|set environment variable R=v6/1|$A"
d ::1 "" "rule :|set environment variable R=default|$A"
d ::ffff:10.2.3.4 "" "rule :|set environment variable R=default|$A"
printf '10.0.0.0/8:deny\n' | "$RULES" "$W/n.cdb" "$W/n.tmp"
same "no match and no default: 0.88's default line" "default:|$A" "$(TCPREMOTEIP=11.0.0.1 "$CHECK" "$W/n.cdb" | tr '\n' '|')"
# a literal key in CIDR form without a '/' rule in the file: no marker, no CIDR stage
printf '_0000e0g0:deny\n' | "$RULES" "$W/l.cdb" "$W/l.tmp"
same "CIDR-shaped literal key without the marker is not looked up" "default:|$A" "$(TCPREMOTEIP=10.0.0.1 "$CHECK" "$W/l.cdb" | tr '\n' '|')"

unshare -n true 2>/dev/null || { notok "private network namespace" "unshare -n failed"; exit 0; }
mkdir -p "$W/ns"
W=$W/ns timeout 60 unshare -n "$SELF" inner
exit 0
fi

# --- inside the namespace: tcpserver -x with CIDR rules -------------------------------
PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done' EXIT
ip link set lo up
for a in 192.0.2.1 192.0.2.65 192.0.2.66 192.0.2.130 198.51.100.7; do ip addr add "$a/32" dev lo; done
for a in 2001:db8::1 2001:db8::4 2001:db8:1::9 2001:db9::1; do ip addr add "$a/128" dev lo nodad; done
cat >"$W/rules.txt" <<'EOF'
192.0.2.64/26:allow,NET="26"
192.0.2.66/32:deny
192.0.2.0/24:allow,NET="24"
198.51.100.:allow,NET="dotted"
198.51.100.0/24:allow,NET="never"
2001:db8::/32:allow,NET="v6/32"
2001:db8::4/127:deny
:deny
EOF
"$RULES" "$W/rules.cdb" "$W/rules.tmp" <"$W/rules.txt" || { notok "rules compiled" "tcprules failed"; exit 0; }
# serve HOST N: started in this shell (not in a $(...)), so that the
# trap knows its pid and stops it
serve() {
  "$BIN/tcpserver" -1 -RHl0 -x "$W/rules.cdb" "$1" 0 sh -c 'echo "NET=${NET-none}"' >"$W/port$2" 2>"$W/log$2" &
  PIDS="$PIDS $!"
}
serve 0.0.0.0 4; serve :: 6
P4=$(wait_port "$W/port4") || { notok "tcpserver 0.0.0.0 started" "$(cat "$W/log4")"; exit 0; }
P6=$(wait_port "$W/port6") || { notok "tcpserver :: started" "$(cat "$W/log6")"; exit 0; }
# conn SRC DST PORT: what the server said, or nothing (denied)
conn() { "$BIN/tests/bin/tcpclient" -t 5 -b "$1" "$2" "$3" 2>&1 | tr -d '\n'; }
c() { same "tcpserver -x: $1 -> ${3:-denied}" "$3" "$(conn "$1" "$2" "$4")"; }
c 192.0.2.65 192.0.2.1 NET=26 "$P4"
c 192.0.2.66 192.0.2.1 "" "$P4"
c 192.0.2.130 192.0.2.1 NET=24 "$P4"
c 198.51.100.7 192.0.2.1 NET=dotted "$P4"
c 127.0.0.1 127.0.0.1 "" "$P4"
c 2001:db8:1::9 2001:db8::1 NET=v6/32 "$P6"
c 2001:db8::4 2001:db8::1 "" "$P6"
c 2001:db9::1 2001:db8::1 "" "$P6"
c 192.0.2.65 192.0.2.1 NET=26 "$P6"
