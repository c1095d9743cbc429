#!/bin/bash
# Oversized and hostile input end to end: a rules cdb of 1,000,000 records,
# peers that connect and send nothing, a flood of connections that reset at
# once. The server keeps serving, with the behaviour the spec names.
# (1 MB ident replies, DNS names with control bytes, '%' and ':' are golden
# cases in suite-30; junk and 1 MB control files are in suites 50 and 60.)
. "$(dirname "$0")/lib.sh"
TS=$BIN/tcpserver PROBE=$BIN/tests/bin/childprobe CLIENT=$BIN/tests/bin/tcpclient
TSPID=''
cleanup() { [ -n "$TSPID" ] && kill "$TSPID" 2>/dev/null; }
trap cleanup EXIT
for p in "$TS" "$PROBE" "$CLIENT" "$BIN/tcprules"; do
  [ -x "$p" ] || { notok "built $p" "missing"; exit 0; }
done
start() { # options... -- program...: tcpserver on 127.0.0.1, port 0
  "$TS" -1 -v -H -R -l 0 "$@" >"$T/port" 2>"$T/log" &
  TSPID=$!
  PORT=$(wait_port "$T/port") || { notok "server started" "no port: $(head -c 300 "$T/log")"; exit 0; }
}
stop() { kill "$TSPID" 2>/dev/null; wait "$TSPID" 2>/dev/null; TSPID=''; }
children() { ps -o pid= --ppid "$TSPID" 2>/dev/null | wc -l; }
nochildren() { [ "$(children)" -eq 0 ]; }
settle() { waitfor 10 nochildren; }   # (max 10 s) no children left

# --- a rules file of 1,000,000 records -----------------------------------
awk 'BEGIN { for (i = 0; i < 1000000; i++)
  printf "10.%d.%d.%d:allow,N=\"%d\"\n", int(i / 65536), int(i / 256) % 256, i % 256, i
  print "127.0.0.1:allow,BIG=\"last\""; print ":deny" }' >"$T/big.rules"
if "$BIN/tcprules" "$T/big.cdb" "$T/big.tmp" <"$T/big.rules"; then
  ok "tcprules compiles 1,000,002 rules ($(($(stat -c %s "$T/big.cdb") / 1048576)) MB cdb)"
else
  notok "tcprules compiles 1,000,002 rules" "exit $?"
fi
start -x "$T/big.cdb" 127.0.0.1 0 "$PROBE" BIG N
out=$("$CLIENT" -t 10 127.0.0.1 "$PORT")
same "1,000,000-record cdb: the client's rule applies" "BIG=last|N unset|" "$(printf '%s\n' "$out" | tr '\n' '|')"
out=$("$CLIENT" -t 10 -b 127.0.0.2 127.0.0.1 "$PORT")
same "1,000,000-record cdb: the default rule denies others" "" "$out"
settle
grep -q '^tcpserver: deny [0-9]* 0:127\.0\.0\.1:[0-9]* :127\.0\.0\.2::' "$T/log" &&
  ok "1,000,000-record cdb: deny logged" || notok "1,000,000-record cdb: deny logged" "$(tail -n 3 "$T/log")"
stop

# --- peers that connect and send nothing ---------------------------------
start -c 10 127.0.0.1 0 "$PROBE" -r PROTO
rm -f "$T/go"
SILENT=''
for i in 1 2 3 4 5; do
  "$CLIENT" -w "$T/go" -t 20 127.0.0.1 "$PORT" >"$T/silent.$i" &
  SILENT="$SILENT $!"
done
forked() { [ "$(grep -c '^tcpserver: pid ' "$T/log")" -ge "$1" ]; }
waitfor 10 forked 5
out=$("$CLIENT" -s 'hello' -t 10 127.0.0.1 "$PORT")
same "silent peers hold 5 children: another client is served" "PROTO=TCP|stdin 5 bytes then EOF|" "$(printf '%s\n' "$out" | tr '\n' '|')"
same "silent peers: their children wait, nothing dropped" 5 "$(children)"
touch "$T/go"
# shellcheck disable=SC2086
wait $SILENT
same "silent peers: each is served when it closes its side" "$(printf 'PROTO=TCP|stdin 0 bytes then EOF|%.0s' 1 2 3 4 5)" \
  "$(cat "$T"/silent.* | tr '\n' '|')"
settle
same "silent peers: the count is back to 0/10" "tcpserver: status: 0/10" "$(grep status: "$T/log" | tail -n 1)"
stop

# --- a flood of connections that reset at once ---------------------------
start -c 40 127.0.0.1 0 "$PROBE" PROTO
for b in 1 2 3 4 5 6; do
  FLOOD=''
  for i in $(seq 50); do
    "$CLIENT" -R -t 5 127.0.0.1 "$PORT" >/dev/null 2>&1 &
    FLOOD="$FLOOD $!"
  done
  # shellcheck disable=SC2086
  wait $FLOOD
done
out=$("$CLIENT" -t 10 127.0.0.1 "$PORT")
same "300 resets at once: the next client is served" "PROTO=TCP" "$out"
settle
kill -0 "$TSPID" 2>/dev/null && ok "300 resets at once: the server is still running" ||
  notok "300 resets at once: the server is still running" "it exited"
same "300 resets at once: no child left, count back to 0/40" "0 tcpserver: status: 0/40" \
  "$(children) $(grep status: "$T/log" | tail -n 1)"
n=$(grep -c '^tcpserver: end [0-9]* status ' "$T/log")
[ "$n" -ge 280 ] && ok "300 resets at once: every accepted child reaped ($n end lines)" ||
  notok "300 resets at once: every accepted child reaped" "$n end lines"
stop
exit 0
