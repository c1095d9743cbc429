#!/bin/bash
# Fail-over (control-sql.example: server lines tried in order, a failed
# server skipped for retry seconds): a primary and its GTID replica
# (tests/replica.sh), the control file naming the primary first. A POP
# login written to the primary relays; the primary killed (kill -9), the
# same client still relays, decided by the replica, and no connection made
# across the kill is lost; a login during the outage is kept (one line,
# nothing written); the primary restarted is used again.
. "$(dirname "$0")/lib.sh"
PROBE=$BIN/tests/bin/childprobe CLIENT=$BIN/tests/bin/tcpclient OPEN=$BIN/sqlrelayopen
PA=127.0.0.2 RA=127.0.0.3   # the primary and the replica: one port, two addresses
RPW='f7Read-q2Wm' WPW='f7Write-x9Lp'
TSPID= REP= LOOP=
cleanup() {
  [ -n "$LOOP" ] && kill "$LOOP" 2>/dev/null
  [ -n "$TSPID" ] && kill "$TSPID" 2>/dev/null
  [ -n "$REP" ] && "$TOP/tests/replica.sh" stop "$T/rep" >/dev/null 2>&1
}
trap cleanup EXIT
for p in tcpserver sqlrelayd sqlrelayopen tests/bin/childprobe tests/bin/tcpclient; do
  [ -x "$BIN/$p" ] || { notok "built $p" "missing $BIN/$p"; exit 0; }
done
cd "$T" || exit 1

REP=1
if ! out=$("$TOP/tests/replica.sh" start "$T/rep" $PA $RA 2>"$T/rep.err"); then
  notok "primary and GTID replica started" "$(tail -n 5 "$T/rep.err" | tr '\n' '|')"; exit 0
fi
eval "$out"
ok "primary ($PA) and GTID replica ($RA) started on port $PORT, replication running"
pq() { mariadb --no-defaults -S "$P_SOCK" -uroot -N "$@"; }
rq() { mariadb --no-defaults -S "$R_SOCK" -uroot -N "$@"; }
pq <<EOF
CREATE DATABASE f74;
CREATE TABLE f74.relay (ip_addr VARCHAR(39) NOT NULL, timestamp INT, PRIMARY KEY (ip_addr));
CREATE USER 'f74read'@'127.%' IDENTIFIED BY '$RPW';
CREATE USER 'f74write'@'127.%' IDENTIFIED BY '$WPW';
GRANT SELECT ON f74.* TO 'f74read'@'127.%';
GRANT SELECT, INSERT, DELETE ON f74.* TO 'f74write'@'127.%';
EOF
sync() { "$TOP/tests/replica.sh" sync "$T/rep" 10; }
check "the schema and users replicated" sync
has() { "$1" -e "SELECT COUNT(*) FROM f74.relay WHERE ip_addr='$2'"; }

umask 077
ctl() {  # FILE USER PASS: primary first, replica second
  printf 'server %s\nserver %s\nport %s\ndatabase f74\nuser %s\npass %s\ntime 1800\nretry 1\nconnect_timeout 1\nread_timeout 1\n' \
    $PA $RA "$PORT" "$2" "$3" >"$1"
}
ctl "$T/sql" f74read "$RPW"; ctl "$T/sqlwrite" f74write "$WPW"
umask 022
export SQLRELAY_WRITE_CONTROL=$T/sqlwrite

TCPSERVER_SQL_CONTROL=$T/sql "$BIN/tcpserver" -1 -v -S -RHl0 127.0.0.1 0 \
  "$PROBE" RELAYCLIENT >"$T/ts.port" 2>"$T/ts.log" &
TSPID=$!
TP=$(wait_port "$T/ts.port") || { notok "tcpserver started" "no port"; exit 0; }
# conn SRC: one connection from SRC; prints relay, norelay or lost
conn() {
  case $("$CLIENT" -b "$1" -t 10 127.0.0.1 "$TP" 2>&1) in
  "RELAYCLIENT=") echo relay;; "RELAYCLIENT unset") echo norelay;; *) echo lost;;
  esac
}
decided() { grep -cE "^tcpserver: sql [0-9]+ $1 $2 $3\$" "$T/ts.log"; }

# --- the primary healthy --------------------------------------------------
TCPREMOTEIP=127.0.0.21 "$OPEN" true 2>"$T/o.err"; rc=$?
same "login from 127.0.0.21: sqlrelayopen exit 0, silent" "0|" "$rc|$(cat "$T/o.err")"
same "the row is on the primary" 1 "$(has pq 127.0.0.21)"
check "and replicated" sync
same "logged in: relays" relay "$(conn 127.0.0.21)"
same "never logged in: does not relay" norelay "$(conn 127.0.0.22)"
same "both decided by the primary" "1 1" \
  "$(decided relay 127.0.0.21 $PA) $(decided norelay 127.0.0.22 $PA)"

# --- the primary killed while connections go on ---------------------------
# 40 connections one after another from 127.0.0.21 (every 4th from the
# absent 127.0.0.22); the primary is killed after the 8th
: >"$T/seq"
( for i in $(seq 1 40); do
    src=127.0.0.21; [ $((i % 4)) = 0 ] && src=127.0.0.22
    echo "$src $(conn $src)" >>"$T/seq"; sleep 0.05
  done ) &
LOOP=$!
seqlines() { [ "$(wc -l <"$T/seq")" -ge "$1" ]; }
waitfor 10 seqlines 8
killedat=$(wc -l <"$T/seq")
kill -9 "$P_PID"
waitfor 5 gone "$P_PID" && ok "primary killed (kill -9 $P_PID)" || notok "primary killed" "pid $P_PID still there"
wait $LOOP; LOOP=
n=$(wc -l <"$T/seq")
same "all 40 connections across the kill served (none lost)" "40 0" "$n $(grep -c ' lost$' "$T/seq")"
same "every decision right (30 relay from 127.0.0.21, 10 refused from 127.0.0.22)" "30 10" \
  "$(grep -c '^127.0.0.21 relay$' "$T/seq") $(grep -c '^127.0.0.22 norelay$' "$T/seq")"
echo "# primary killed after connection $killedat of 40"
r=$(decided relay 127.0.0.21 $RA); rn=$(decided norelay 127.0.0.22 $RA)
[ "$r" -ge 1 ] && [ "$rn" -ge 1 ] && ok "decisions came from the replica during the outage ($r relay, $rn norelay)" ||
  notok "decisions came from the replica during the outage" "$r relay, $rn norelay lines name $RA"
same "no lookup failed" "" "$(grep -E 'sql [0-9]+ error' "$T/ts.log" | head -n 3)"
before=$(( $(decided relay 127.0.0.21 $RA) ))
same "after the loop, still relays" relay "$(conn 127.0.0.21)"
same "decided by the replica" $((before + 1)) "$(decided relay 127.0.0.21 $RA)"

# --- a login during the outage ----------------------------------------------
out=$(TCPREMOTEIP=127.0.0.23 "$OPEN" echo ran 2>"$T/o.err"); rc=$?
same "login during the outage: the program runs (exit 0)" "0 ran" "$rc $out"
if [ "$(wc -l <"$T/o.err")" = 1 ] && grep -q '^sqlrelayopen: warning: 127\.0\.0\.23 not recorded: .*read-only' "$T/o.err"; then
  ok "login during the outage: one warning line (the replica is read-only)"; echo "# $(cat "$T/o.err")"
else notok "login during the outage: one warning line" "$(tr '\n' '|' <"$T/o.err")"; fi
same "nothing written on the replica" 0 "$(has rq 127.0.0.23)"
same "that client does not relay" norelay "$(conn 127.0.0.23)"

# --- the primary back -----------------------------------------------------
if out=$("$TOP/tests/replica.sh" primary "$T/rep" 2>"$T/rep.err"); then
  eval "$out"; ok "primary restarted on its datadir and port"
else notok "primary restarted" "$(tail -n 5 "$T/rep.err" | tr '\n' '|')"; exit 0; fi
check "replication from the restarted primary resumes" sync
# the replica stopped applying: a row written now is on the primary alone,
# so a relay for it can only come from the primary
rq -e "STOP SLAVE SQL_THREAD"
sleep 1.2   # the primary's retry period (retry 1) is over
TCPREMOTEIP=127.0.0.24 "$OPEN" true 2>"$T/o.err"; rc=$?
same "login after the restart: written, silent" "0|1" "$rc|$(cat "$T/o.err")$(has pq 127.0.0.24)"
same "the replica does not have it" 0 "$(has rq 127.0.0.24)"
same "that client relays" relay "$(conn 127.0.0.24)"
same "decided by the primary again" 1 "$(decided relay 127.0.0.24 $PA)"
same "the old client too" relay "$(conn 127.0.0.21)"
s=$(pq -e "SHOW GLOBAL STATUS LIKE 'Com_select'" | awk '{print $2}')
[ "${s:-0}" -ge 2 ] && ok "the restarted primary ran the lookups (Com_select $s)" ||
  notok "the restarted primary ran the lookups" "Com_select $s"
rq -e "START SLAVE SQL_THREAD"
check "the replica catches up" sync
same "and has the row" 1 "$(has rq 127.0.0.24)"
grep -lF -e "$RPW" -e "$WPW" "$T/ts.log" "$T/o.err" >"$T/pw"
same "no password in the logs" "" "$(cat "$T/pw")"
exit 0
