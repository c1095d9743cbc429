#!/bin/bash
# Faults under load: tcpserver -S -x serving tens of thousands of
# connections while its (private) MariaDB is SIGKILLed and restarted, while
# tcprules rebuilds the rules cdb, while the control file is rewritten by
# rename and in place; -c held with slow children; the parent's
# descriptors and memory after the load; SIGTERM with children running.
# Every child is tests/load/loadchild: its first line lists its open
# descriptors, and the load client (bench/connrate) expects "fds 0 1 2",
# so a leaked descriptor in any child counts as a failed connection.
# N connections with the database killed, N with the rules rebuilt, N/2 +
# N/2 with the control file rewritten by rename / in place.
# LOAD_N (20000), LOAD_CONC (32), LOAD_SECS (300: cap of one load run; a run ends by count, the cap only bounds it on a loaded machine).
. "$(dirname "$0")/lib.sh"
N=${LOAD_N:-20000}; CONC=${LOAD_CONC:-32}; CAP=${LOAD_SECS:-300}
LIMIT=64
CTL=$T/sql LOG=$T/ts.log DB=$T/db
TSPID='' DBUP='' LOOPPID='' CLIPID=''
cleanup() {
  rm -f "$T/loop.on"
  [ -n "$LOOPPID" ] && kill "$LOOPPID" 2>/dev/null
  [ -n "$CLIPID" ] && kill "$CLIPID" 2>/dev/null
  [ -n "$TSPID" ] && kill "$TSPID" 2>/dev/null
  [ -n "$DBUP" ] && "$TOP/tests/mariadb.sh" stop "$DB" >/dev/null 2>&1
}
trap cleanup EXIT
for p in tcpserver sqlrelayd tcprules tests/bin/childprobe; do
  [ -x "$BIN/$p" ] || { notok "built $p" "missing $BIN/$p"; exit 0; }
done
gcc -O2 -o "$T/connrate" "$TOP/bench/connrate.c" &&
  gcc -O2 -Wall -o "$T/loadchild" "$TOP/tests/load/loadchild.c" ||
  { notok "load programs built" "gcc failed"; exit 0; }
T0=$SECONDS
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
info() { printf '# %s\n' "$*"; }

# --- a private MariaDB, the relay table, the control file, the rules -----
"$TOP/tests/mariadb.sh" start "$DB" >/dev/null || { notok "private MariaDB started" "see $DB/error.log"; exit 0; }
DBUP=1; DBPORT=$(cat "$DB/port")
mariadb --no-defaults -S "$DB/sock" -uroot <<'EOF' || { notok "schema" "mariadb failed"; exit 0; }
CREATE DATABASE h8load;
CREATE TABLE h8load.relay (ip_addr VARCHAR(39) NOT NULL, timestamp INT, PRIMARY KEY (ip_addr));
INSERT INTO h8load.relay VALUES ('127.0.0.1', UNIX_TIMESTAMP());
CREATE USER 'h8load'@'localhost' IDENTIFIED BY 'h8-Load-pw';
GRANT SELECT ON h8load.* TO 'h8load'@'localhost';
EOF
ctl() { # TIME: the control file's contents, one line per printf
  printf '%s\n' "server localhost" "socket $DB/sock" "database h8load" \
    "user h8load" "pass h8-Load-pw" "time $1" "retry 1" "connect_timeout 1" "read_timeout 1"
}
ctl 1800 >"$CTL"; chmod 600 "$CTL"
rules() { # VALUE: a rules file with some bulk, allowing 127.0.0.1
  printf '127.0.0.1:allow,LOADV="%s"\n' "$1"
  for i in $(seq 0 255); do printf '10.%d.:allow,NET="%d"\n192.168.%d.:deny\n' "$i" "$i" "$i"; done
  printf ':allow\n'
}
rules 1 >"$T/rules1.txt"; rules 2 >"$T/rules2.txt"
"$BIN/tcprules" "$T/rules.cdb" "$T/rules.tmp" <"$T/rules1.txt" || { notok "rules built" "tcprules failed"; exit 0; }

# start_ts [options] -- program...: tcpserver -S on 127.0.0.1 with only
# descriptors 0 (/dev/null), 1 (the port, closed after -1) and 2 ($LOG)
start_ts() {
  local opts=()
  while [ "$1" != -- ]; do opts+=("$1"); shift; done; shift
  : >"$LOG"; : >"$T/ts.port"
  TCPSERVER_SQL_CONTROL=$CTL python3 -c 'import os,sys; os.closerange(3, 65536); os.execv(sys.argv[1], sys.argv[1:])' \
    "$BIN/tcpserver" -1 -v -RHl0 -S -x "$T/rules.cdb" "${opts[@]}" 127.0.0.1 0 "$@" \
    </dev/null >"$T/ts.port" 2>>"$LOG" &
  TSPID=$!
  PORT=$(wait_port "$T/ts.port") || { notok "tcpserver started" "no port"; return 1; }
}
stop_ts() { kill "$TSPID" 2>/dev/null; wait "$TSPID" 2>/dev/null; TSPID=; }
nlines() { wc -l <"$LOG"; }
# after LINE REGEX: matching log lines after line LINE
after() { tail -n +"$(( $1 + 1 ))" "$LOG" | grep -cE "$2"; }
laststatus() { grep '^tcpserver: status: ' "$LOG" | tail -n 1 | sed 's/^tcpserver: status: //'; }
# settle WHAT: the last status line is 0/LIMIT (all children reaped), and
# nothing but the helper is left under the parent, no zombie
settle() {
  local i=0 left
  while [ "$(laststatus)" != "0/$LIMIT" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
  same "$1: every child reaped (last status line)" "0/$LIMIT" "$(laststatus)"
  left=$(ps -o stat=,comm= --ppid "$TSPID" | awk '{print $1 " " $2}' | sort | tr '\n' '|')
  case $left in
    *Z*) notok "$1: no zombies under the parent" "$left";;
    *"|"*"|"*) notok "$1: no zombies, only the helper left under the parent" "$left";;
    *" sqlrelayd|") ok "$1: no zombies, only the helper left under the parent";;
    *) notok "$1: no zombies, only the helper left under the parent" "$left";;
  esac
}
# load NAME COUNT: COUNT connections at concurrency CONC in the background
load() {
  "$T/connrate" -c "$CONC" -n "$2" -t "$CAP" -g 30 -e 'fds 0 1 2' "$PORT" >"$T/$1.rate" 2>&1 &
  CLIPID=$!
}
# loaded NAME COUNT: wait for the load run, check every connection was served
loaded() {
  local r ok fail
  wait "$CLIPID"; CLIPID=
  r=$(cat "$T/$1.rate")
  ok=$(echo "$r" | sed -n 's/.* ok=\([0-9]*\) .*/\1/p'); fail=$(echo "$r" | sed -n 's/.* fail=\([0-9]*\) .*/\1/p')
  info "$1: $r"
  if [ "$ok" = "$2" ] && [ "$fail" = 0 ]; then ok "$1: $2 connections, each got its line, 0 failed"
  else notok "$1: $2 connections, each got its line, 0 failed" "$r"; fi
}
# fdlist PID: the parent's descriptors and what they point to
fdlist() { for f in /proc/"$1"/fd/*; do printf '%s>%s ' "${f##*/}" "$(readlink "$f")"; done; }
rss() { awk '/^VmRSS:/ {print $2}' /proc/"$1"/status; }
logged() { [ "$(after "$1" "$2")" -ge "${3:-1}" ]; }
running() { kill -0 "$CLIPID" 2>/dev/null; }

# causes FROMLINE: the warnings after FROMLINE, counted by kind
causes() {
  tail -n +"$(( $1 + 1 ))" "$LOG" | grep '^tcpserver: warning: ' |
    sed -E 's/^tcpserver: warning: //; s/ [0-9]+ error 127\.0\.0\.1 / error /; s/: line [0-9]+/: line N/' |
    sort | uniq -c | sort -rn | head -n 4 | sed 's/^ *//' | tr '\n' ';'
}

start_ts -c "$LIMIT" -b 128 -- "$T/loadchild" || exit 0
HELPER=$(pgrep -P "$TSPID" -x sqlrelayd)

# --- warm-up, then the parent's descriptors and memory -------------------
load warmup 500; loaded warmup 500
same "warm-up: the database answers (relay lines)" 500 "$(after 0 '^tcpserver: sql [0-9]+ relay 127\.0\.0\.1 localhost$')"
settle warmup
FD0=$(fdlist "$TSPID"); RSS0=$(rss "$TSPID")

# --- 1. the database SIGKILLed and restarted mid-run ---------------------
L0=$(nlines); t=$(now_ms)
load dbkill "$N"
waitfor 60 logged "$L0" '^tcpserver: ok ' $(( N / 10 ))
L1=$(nlines)
"$TOP/tests/mariadb.sh" kill "$DB"; DBUP=
waitfor 10 logged "$L1" '^tcpserver: warning: sql [0-9]+ error '
sleep 1
"$TOP/tests/mariadb.sh" start "$DB" "$DBPORT" >/dev/null && DBUP=1
L2=$(nlines)
running && ok "dbkill: the database was killed and back while the load ran" \
  || notok "dbkill: the database was killed and back while the load ran" "the load ended first (raise LOAD_N)"
loaded dbkill "$N"
info "dbkill: $(( $(now_ms) - t )) ms; database down from log line $L1 to $L2; $(causes "$L0")"
e=$(after "$L1" '^tcpserver: warning: sql [0-9]+ error ')
[ "$e" -gt 0 ] && ok "dbkill: connections fell back while the database was down ($e warnings)" \
  || notok "dbkill: connections fell back while the database was down" "no sql error warning"
# The database is asked again once the retry period (1 s) after its last
# failure is over; the load may have ended before that (a fast machine, a
# slow restart), so single connections follow it, for at most 10 s, until
# one relays. Then the next phase starts with the database in use.
RELAYED='^tcpserver: sql [0-9]+ relay 127\.0\.0\.1 localhost$'
r=$(after "$L2" "$RELAYED")
EXTRA=0
one() { EXTRA=$((EXTRA + 1)); "$T/connrate" -c 1 -n 1 -t 5 -e 'fds 0 1 2' "$PORT" >/dev/null 2>&1; logged "$L2" "$RELAYED"; }
[ "$r" -gt 0 ] || waitfor 10 one
r2=$(after "$L2" "$RELAYED")
info "dbkill: $r relay lines during the load after the restart, $(( r2 - r )) after it"
[ "$r2" -gt 0 ] && ok "dbkill: relays again after the restart, within the retry period" \
  || notok "dbkill: relays again after the restart, within the retry period" "no relay line in 10 s after the restart"
settle dbkill

# --- 2. the rules cdb rebuilt by tcprules in a loop ----------------------
rules_loop() { # bounded: 20000 builds, CAP seconds, or until loop.on goes
  local i=0 end=$((SECONDS + CAP))
  while [ -e "$T/loop.on" ] && [ $i -lt 20000 ] && [ $SECONDS -lt $end ]; do
    "$BIN/tcprules" "$T/rules.cdb" "$T/rules.tmp" <"$T/rules$(( i % 2 + 1 )).txt" 2>>"$T/loop.err" \
      || echo "tcprules failed, exit $?" >>"$T/loop.err"
    i=$((i+1))
  done
  echo "$i" >"$T/loop.count"
}
# ctl_loop MODE: rewrite the control file, by rename or in place (truncate,
# then one write per line), alternating two valid contents
ctl_loop() {
  local i=0 end=$((SECONDS + CAP)) tm
  while [ -e "$T/loop.on" ] && [ $i -lt 20000 ] && [ $SECONDS -lt $end ]; do
    tm=$(( i % 2 ? 3600 : 1800 ))
    if [ "$1" = rename ]; then
      ctl "$tm" >"$CTL.tmp"; chmod 600 "$CTL.tmp"; mv -f "$CTL.tmp" "$CTL"
    else
      { ctl "$tm" | while IFS= read -r l; do printf '%s\n' "$l"; done; } >"$CTL"
    fi
    i=$((i+1)); sleep 0.01
  done
  echo "$i" >"$T/loop.count"
}
# fault NAME COUNT LOOPFN [ARG]: a load run of COUNT while LOOPFN runs;
# sets WARN to the number of warnings logged meanwhile
fault() {
  local name=$1 n=$2 t c; shift 2
  : >"$T/loop.on"; : >"$T/loop.err"; rm -f "$T/loop.count"
  "$@" & LOOPPID=$!
  t=$(now_ms); L0=$(nlines)
  load "$name" "$n"; loaded "$name" "$n"
  rm -f "$T/loop.on"; wait "$LOOPPID"; LOOPPID=
  c=$(cat "$T/loop.count" 2>/dev/null)
  WARN=$(after "$L0" '^tcpserver: warning: ')
  info "$name: $(( $(now_ms) - t )) ms, $c rewrites, $(after "$L0" '^tcpserver: sql [0-9]+ relay ') relayed, $WARN warnings $(causes "$L0")"
  [ "${c:-0}" -ge 10 ] && [ ! -s "$T/loop.err" ] && ok "$name: the file was rewritten all along ($c times)" \
    || notok "$name: the file was rewritten all along" "${c:-no} rewrites; $(head -n 4 "$T/loop.err" | tr '\n' '|')"
  settle "$name"
}
fault rules "$N" rules_loop
same "rules: no connection fell back (no warning)" 0 "$WARN"
fault control-rename $(( N / 2 )) ctl_loop rename
same "control-rename: no connection fell back (no warning)" 0 "$WARN"
fault control-inplace $(( N / 2 )) ctl_loop inplace
ctl 1800 >"$CTL"

# --- after the load: the parent's descriptors and memory, the helper ------
FD1=$(fdlist "$TSPID"); RSS1=$(rss "$TSPID")
same "after the load: the parent holds the same descriptors" "$FD0" "$FD1"
info "parent VmRSS: $RSS0 kB after the warm-up, $RSS1 kB after the load"
[ "$RSS1" -le $(( RSS0 + 256 )) ] && ok "after the load: the parent's memory did not grow ($RSS0 -> $RSS1 kB)" \
  || notok "after the load: the parent's memory did not grow" "$RSS0 -> $RSS1 kB"
TOTAL=$(( 500 + N + EXTRA + N + N / 2 + N / 2 ))
same "load: every status line is n/$LIMIT with 0 <= n <= $LIMIT" "" \
  "$(grep '^tcpserver: status: ' "$LOG" | grep -vE '^tcpserver: status: ([0-9]|[1-5][0-9]|6[0-4])/64$' | head -n 3 | tr '\n' '|')"
same "load: $TOTAL children ended, each with status 0" "$TOTAL 0" \
  "$(grep -c '^tcpserver: end ' "$LOG") $(grep -cE '^tcpserver: end [0-9]+ status [1-9]' "$LOG")"
same "after the load: the same helper still runs" "$HELPER" "$(pgrep -P "$TSPID" -x sqlrelayd)"
same "after the load: no helper restart logged" 0 "$(grep -c '^tcpserver: warning: sql: helper ' "$LOG")"
stop_ts
start_ts -c "$LIMIT" -- "$BIN/tests/bin/childprobe" -F || exit 0
same "childprobe: the program's descriptors are exactly 0, 1, 2" \
  "fd 0: socket stream|fd 1: socket stream (same as fd 0)|fd 2: $LOG|" \
  "$("$BIN/tests/bin/tcpclient" -t 10 127.0.0.1 "$PORT" | grep '^fd ' | tr '\n' '|')"
stop_ts

# --- 3. -c 4 reached and held with slow children ---------------------------
LIMIT=4
start_ts -c 4 -- "$T/loadchild" -s 300 || exit 0
t=$(now_ms)
load limit 20; loaded limit 20
ms=$(( $(now_ms) - t ))
[ $ms -ge 1400 ] && ok "limit: 20 clients of 0.3 s children at -c 4 took $ms ms (>= 5 rounds)" \
  || notok "limit: 20 clients of 0.3 s children at -c 4 took >= 1400 ms" "$ms ms"
settle limit
st=$(grep '^tcpserver: status: ' "$LOG" | sed 's/^tcpserver: status: //')
same "limit: every status line is n/4 with 0 <= n <= 4" "" "$(echo "$st" | grep -vE '^[0-4]/4$' | head -n 3 | tr '\n' '|')"
same "limit: 4/4 reached" 1 "$(echo "$st" | grep -qx '4/4' && echo 1)"
same "limit: 20 children ended with status 0" 20 "$(grep -cE '^tcpserver: end [0-9]+ status 0$' "$LOG")"
info "limit: $(echo "$st" | grep -cx '4/4') status lines at 4/4, $(echo "$st" | wc -l) in all"
stop_ts

# --- 4. SIGTERM while children run ----------------------------------------
LIMIT=40
start_ts -- "$T/loadchild" -s 1500 -b 200000 || exit 0
HELPER=$(pgrep -P "$TSPID" -x sqlrelayd)
python3 "$TOP/tests/load/fetch.py" "$PORT" 8 20 >"$T/fetch.out" 2>&1 &
CLIPID=$!
waitfor 10 logged 0 '^tcpserver: ok ' 8 || notok "sigterm: 8 children started" "$(grep -c '^tcpserver: ok ' "$LOG") ok lines"
kids=$(sed -n 's/^tcpserver: pid \([0-9]*\) from .*/\1/p' "$LOG")
t=$(now_ms); kill -TERM "$TSPID"; wait "$TSPID"; rc=$?; ms=$(( $(now_ms) - t )); TSPID=
same "sigterm: the parent exits 0" 0 "$rc"
[ $ms -lt 1000 ] && ok "sigterm: the parent exits at once ($ms ms)" || notok "sigterm: the parent exits at once" "$ms ms"
alive=0; for k in $kids; do kill -0 "$k" 2>/dev/null && alive=$((alive+1)); done
same "sigterm: the 8 children still run after the parent exited" 8 "$alive"
wait "$CLIPID"; rc=$?; CLIPID=
same "sigterm: every client got the full output" \
  "$(for i in 1 2 3 4 5 6 7 8; do printf '%s|' "$(( 10 + 200000 + 5 )) fds 0 1 2 end"; done)" \
  "$(tr '\n' '|' <"$T/fetch.out")"
waitfor 3 gone "$HELPER" && ok "sigterm: the helper ends with the parent" \
  || notok "sigterm: the helper ends with the parent" "sqlrelayd $HELPER still runs"

"$TOP/tests/mariadb.sh" stop "$DB"; DBUP=
info "suite-70-load: $(( SECONDS - T0 )) s"
exit 0
