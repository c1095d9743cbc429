#!/bin/bash
# tcpserver -S under bursts: sqlrelayd asks the database about every
# request waiting at once (up to SQLRELAY_BATCH addresses, duplicates
# asked once) in one statement. Each connection must still get its own
# right answer and its own log line; a batch needs clearly fewer statement
# executions than connections; the time column holds per address; a server
# that refuses the many-address statement is asked one by one without an
# error; a database that goes away with a batch in flight makes every
# connection of the burst fall back to the rules, with a warning each.
# Without a connections line the helper opens two database connections.
# Batches are made certain by one helper connection (`connections 1`)
# through a proxy that delays every client packet (delayproxy.py below).
. "$(dirname "$0")/lib.sh"
: "${MYSQL_SOCK:?}" "${MYSQL_PORT:?}"
PROBE=$BIN/tests/bin/childprobe
CLIENT=$BIN/tests/bin/tcpclient
cd "$T" || exit 1
CTL=$T/sql
LOG=$T/ts.log
PW='h65-Bq7wZ2pL'
TSPID='' PXPID='' CLI=() OLDMAX='' T0=$SECONDS
sq() { mariadb --no-defaults -S "$MYSQL_SOCK" -uroot "$@"; }
cleanup() {
  local p
  for p in "${CLI[@]}"; do kill "$p" 2>/dev/null; done
  [ -n "$TSPID" ] && kill "$TSPID" 2>/dev/null
  [ -n "$PXPID" ] && kill "$PXPID" 2>/dev/null
  [ -n "$OLDMAX" ] && sq -e "SET GLOBAL max_prepared_stmt_count = $OLDMAX" 2>/dev/null
  sq -e "SET GLOBAL general_log=0" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM
for p in tcpserver sqlrelayd tests/bin/childprobe tests/bin/tcpclient; do
  [ -x "$BIN/$p" ] || { notok "built $p" "missing $BIN/$p"; exit 0; }
done

sq <<EOF || { notok "schema" "could not create the test tables"; exit 0; }
DROP DATABASE IF EXISTS h65_new; DROP DATABASE IF EXISTS h65_old;
CREATE DATABASE h65_new; CREATE DATABASE h65_old;
CREATE TABLE h65_new.relay (ip_addr VARCHAR(39) NOT NULL, timestamp INT,
  PRIMARY KEY (ip_addr));
CREATE TABLE h65_old.relay (ip_addr char(18) NOT NULL default '',
  timestamp char(12) default NULL, PRIMARY KEY (ip_addr));
CREATE USER IF NOT EXISTS 'h65relay'@'localhost' IDENTIFIED BY '$PW';
CREATE USER IF NOT EXISTS 'h65relay'@'127.0.0.1' IDENTIFIED BY '$PW';
GRANT SELECT ON h65_new.* TO 'h65relay'@'localhost', 'h65relay'@'127.0.0.1';
GRANT SELECT ON h65_old.* TO 'h65relay'@'localhost', 'h65relay'@'127.0.0.1';
EOF
status() { sq -N -e "SHOW GLOBAL STATUS LIKE '$1'" | awk '{print $2}'; }

# The proxy between sqlrelayd and MariaDB: listens on 127.0.0.1 port 0
# (printed), forwards to UPPORT; every chunk from the client is held for
# the milliseconds in DELAYFILE (read each time) before it goes on, and
# every chunk from the server for its second number if it has one. While
# DOWNFILE exists, a held chunk is not sent: both sides are closed (the
# database goes away mid-query), and new connections are closed at once.
# Logs `conn`, `drop`, `refuse` lines to LOG. Exits after LIFE seconds.
cat >"$T/delayproxy.py" <<'EOF'
import os, socket, sys, threading, time
up, delayf, down, logf, life = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5])
lk = threading.Lock()
def log(w):
    with lk, open(logf, "a") as f: f.write(w + "\n")
def delay(side):
    try: ms = (open(delayf).read().split() + ["0", "0"])[side]
    except OSError: return 0.0
    return int(ms) / 1000.0 if ms.isdigit() else 0.0
def shut(*ss):
    for s in ss:
        try: s.shutdown(socket.SHUT_RDWR)
        except OSError: pass
def pump(a, b, fromclient):
    try:
        while True:
            d = a.recv(65536)
            if not d: break
            time.sleep(delay(0 if fromclient else 1))
            if fromclient and os.path.exists(down):
                log("drop"); break
            b.sendall(d)
    except OSError:
        pass
    shut(a, b)
def conn(c, u):
    t = threading.Thread(target=pump, args=(u, c, False), daemon=True)
    t.start()
    pump(c, u, True)
    t.join()
    c.close(); u.close()
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(128)
s.settimeout(0.2)
print(s.getsockname()[1], flush=True)
end = time.time() + life
while time.time() < end:
    try: c, _ = s.accept()
    except socket.timeout: continue
    c.settimeout(None)
    if os.path.exists(down):
        log("refuse"); c.close(); continue
    try: u = socket.create_connection(("127.0.0.1", up))
    except OSError:
        log("upfail"); c.close(); continue
    log("conn")
    threading.Thread(target=conn, args=(c, u), daemon=True).start()
EOF
echo 100 >"$T/delay"; rm -f "$T/down"; : >"$T/proxy.log"
python3 "$T/delayproxy.py" "$MYSQL_PORT" "$T/delay" "$T/down" "$T/proxy.log" 3000 >"$T/proxy.port" &
PXPID=$!
PXPORT=$(wait_port "$T/proxy.port" 15) || { notok "delay proxy started" "no port"; exit 0; }

# conf LINE...: replace the control file (new inode, so always noticed)
conf() { printf '%s\n' "$@" >"$CTL.tmp"; chmod 600 "$CTL.tmp"; mv "$CTL.tmp" "$CTL"; sleep 0.15; }
base() { printf '%s\n' "user h65relay" "pass $PW" "table relay" "$@"; }
direct() { base "server localhost" "socket $MYSQL_SOCK" "$@"; }
viaproxy() { base "server 127.0.0.1" "port $PXPORT" "retry 1" "connect_timeout 2" "read_timeout 3" "$@"; }
proxied() { viaproxy "connections 1" "$@"; }

printf '127.0.:allow,RULEVAR="fromrule"\n' | /usr/bin/tcprules "$T/rules.cdb" "$T/rules.tmp" ||
  { notok "rules built" "tcprules failed"; exit 0; }
# start_ts: tcpserver -v -S -x on 127.0.0.1 (room for every burst: -c, -b),
# only descriptors 0, 1, 2 open, the log in $LOG
start_ts() {
  : >"$LOG"; : >"$T/ts.port"
  TCPSERVER_SQL_CONTROL=$CTL python3 -c 'import os,sys; os.closerange(3, 65536); os.execv(sys.argv[1], sys.argv[1:])' \
    "$BIN/tcpserver" -1 -v -RHl0 -c "${TSLIMIT:-200}" -b 200 -S -x "$T/rules.cdb" 127.0.0.1 0 \
    "$PROBE" -E TCPREMOTEIP RELAYCLIENT RULEVAR </dev/null >"$T/ts.port" 2>>"$LOG" &
  TSPID=$!
  PORT=$(wait_port "$T/ts.port") || { notok "tcpserver started" "no port"; return 1; }
}
stop_ts() {
  local h
  h=$(pgrep -P "$TSPID" -x sqlrelayd)
  kill "$TSPID" 2>/dev/null; wait "$TSPID" 2>/dev/null; TSPID=
  [ -n "$h" ] && waitfor 5 gone "$h"
}
# relays IP: one connection from IP gets RELAYCLIENT
relays() {
  local o
  o=$("$CLIENT" -b "$1" -t 30 127.0.0.1 "$PORT" 2>&1)
  case $o in *$'\n'"RELAYCLIENT="$'\n'*) return 0;; esac; return 1
}

# burst IP...: one connection from each IP, all started at once, waits for
# all; connection i's output in $T/o/i. MARK: the log's length before.
burst() {
  local i=0 ip
  rm -rf "$T/o"; mkdir "$T/o"
  MARK=$(wc -l <"$LOG")
  for ip in "$@"; do
    i=$((i + 1))
    "$CLIENT" -b "$ip" -t 40 127.0.0.1 "$PORT" >"$T/o/$i" 2>&1 &
    CLI+=($!)
  done
  wait "${CLI[@]}"; CLI=()
  # every child reaped, so the parent's `pid N from IP` lines are written
  waitfor 10 ended $#
}
# ended N: at least N `end` lines in the log since MARK
ended() { [ "$(tail -n +$((MARK + 1)) "$LOG" | grep -c '^tcpserver: end ')" -ge "$1" ]; }
# decision IP OUTPUT: what one connection from IP printed says: relay,
# norelay, or ? (not the child of IP, or no RELAYCLIENT line)
decision() {
  case $2 in *"TCPREMOTEIP=$1"$'\n'*) ;; *) echo '?'; return;; esac
  case $2 in *$'\n'"RELAYCLIENT="$'\n'*) echo relay;; *$'\n'"RELAYCLIENT unset"$'\n'*) echo norelay;;
    *) echo '?';; esac
}
# answers: what each connection of the last burst printed, in order:
# `IP relay`, `IP norelay` (RULEVAR from the rules too) or `IP ?`
answers() {
  local i=0 ip o
  for ip in "${IPS[@]}"; do
    i=$((i + 1)); o=$(<"$T/o/$i")
    case $o in *$'\n'"RULEVAR=fromrule"*) echo "$ip $(decision "$ip" "$o")";; *) echo "$ip ?";; esac
  done
}
# wanted: `IP WANT` for each connection, in order
wanted() { local i; for i in "${!IPS[@]}"; do echo "${IPS[$i]} ${WANT[$i]}"; done; }
# logged: the sql lines of the last burst, `IP relay|norelay|error` each,
# sorted; `pid?` marks a line whose pid is not the child serving that IP
logged() {
  tail -n +$((MARK + 1)) "$LOG" | awk '
    /^tcpserver: pid [0-9]+ from / { from[$3] = $5; next }
    /^tcpserver: sql [0-9]+ (relay|norelay) / { n++; p[n] = $3; ip[n] = $5; d[n] = $4; next }
    /^tcpserver: warning: sql [0-9]+ error / { n++; p[n] = $4; ip[n] = $6; d[n] = "error"; next }
    END { for (i = 1; i <= n; i++) print (from[p[i]] == ip[i] ? "" : "pid?") ip[i], d[i] }' | sort
}
# diffsum EXPECTED ACTUAL: `N differ: first lines` of a mismatch
diffsum() {
  diff <(echo "$1") <(echo "$2") | grep '^[<>]' | head -n 6 | tr '\n' '|' |
    sed "s/^/$(diff <(echo "$1") <(echo "$2") | grep -c '^[<>]') lines differ: /"
}
# verdict WHAT: every connection got WANT, and the log has one line per
# connection, from its own child, saying the same (LOGWANT overrides)
verdict() {
  local e g
  e=$(wanted); g=$(answers)
  [ "$e" = "$g" ] && ok "$1: every connection gets its answer" \
    || notok "$1: every connection gets its answer" "$(diffsum "$e" "$g")"
  e=$(if [ -n "${LOGWANT:-}" ]; then wanted | awk -v w="$LOGWANT" '{print $1, w}'; else wanted; fi | sort)
  g=$(logged)
  [ "$e" = "$g" ] && ok "$1: one log line per connection, from its child" \
    || notok "$1: one log line per connection, from its child" "$(diffsum "$e" "$g")"
}
# setrows DB PREFIX SQLVALUES: the rows of DB.relay under PREFIX replaced
setrows() {
  sq -e "DELETE FROM $1.relay WHERE ip_addr LIKE '$2%'; ${3:+INSERT INTO $1.relay VALUES $3;}"
}
# plan PREFIX N RULE: IPS = PREFIX.1..N, WANT by RULE (bash arithmetic on
# i: true = in the table); ROWS: the SQL rows (fresh) of those in it
plan() {
  local i rows=''
  IPS=() WANT=()
  for i in $(seq 1 "$2"); do
    IPS+=("$1.$i")
    if (( $3 )); then WANT+=(relay); rows+="${rows:+,}('$1.$i', UNIX_TIMESTAMP())"
    else WANT+=(norelay); fi
  done
  ROWS=$rows
}
warnings() { tail -n +$((MARK + 1)) "$LOG" | grep -c '^tcpserver: warning: sql '; }

# --- bursts over the UNIX socket, default threads --------------------------
conf "$(direct "database h65_new")"
start_ts || exit 0
rule=( 'i % 2 == 0' 'i % 2 == 1' 'i % 3 == 0' )
for r in 0 1 2; do
  plan 127.0.1 60 "${rule[$r]}"; setrows h65_new 127.0.1. "$ROWS"
  burst "${IPS[@]}"
  verdict "burst of 60 addresses, round $((r + 1)) ($(wanted | grep -c ' relay$') in the table)"
done
stop_ts

# --- batches through the delaying proxy, one helper connection -----------
conf "$(proxied "database h65_new")"
# on before the helper prepares: the log then shows executions with values
sq -e "SET GLOBAL general_log_file='$T/general.log'; SET GLOBAL general_log=1"
start_ts || exit 0
relays 127.0.9.9   # connects and prepares the single statement
for r in 0 1; do
  plan 127.0.1 60 "${rule[$r]}"; setrows h65_new 127.0.1. "$ROWS"
  e0=$(status Com_stmt_execute); t0=$(date +%s%N)
  burst "${IPS[@]}"
  ms=$(( ($(date +%s%N) - t0) / 1000000 )); ex=$(( $(status Com_stmt_execute) - e0 ))
  verdict "slow database, one connection, round $((r + 1))"
  [ "$ex" -le 30 ] && [ "$ex" -ge 1 ] && ok "slow database: 60 connections answered by $ex statement executions ($ms ms)" \
    || notok "slow database: 60 connections answered by at most 30 statement executions" "$ex executions ($ms ms)"
done

# --- duplicates -------------------------------------------------------------
setrows h65_new 127.0.2. "('127.0.2.1', UNIX_TIMESTAMP())"
g0=$(wc -l <"$T/general.log")
for a in 127.0.2.1:relay 127.0.2.2:norelay; do
  IPS=() WANT=()
  for i in $(seq 1 20); do IPS+=("${a%:*}"); WANT+=("${a#*:}"); done
  e0=$(status Com_stmt_execute)
  burst "${IPS[@]}"
  ex=$(( $(status Com_stmt_execute) - e0 ))
  verdict "20 connections from one address (${a#*:})"
  [ "$ex" -le 10 ] && [ "$ex" -ge 1 ] && ok "one address (${a#*:}): 20 connections, $ex statement executions" \
    || notok "one address (${a#*:}): 20 connections, at most 10 statement executions" "$ex"
done
IPS=() WANT=()
for i in $(seq 1 30); do
  case $((i % 3)) in 0) IPS+=(127.0.2.1); WANT+=(relay);; 1) IPS+=(127.0.2.2); WANT+=(norelay);;
    2) IPS+=(127.0.2.$((10 + i))); WANT+=(norelay);; esac
done
burst "${IPS[@]}"
verdict "30 connections, repeated addresses mixed with distinct ones"
sq -e "SET GLOBAL general_log=0"
tail -n +$((g0 + 1)) "$T/general.log" | grep -E '[[:space:]]Execute[[:space:]]' >"$T/executes"
n=$(awk -v a="'127.0.2.1'" -v b="'127.0.2.2'" '
  function count(s, t,  n, i) { while ((i = index(s, t)) > 0) { n++; s = substr(s, i + length(t)) } return n + 0 }
  count($0, a) > 1 || count($0, b) > 1 { n++ } END { print n + 0 }' "$T/executes")
same "duplicates: no statement asks about the same address twice" 0 "$n"
same "duplicates: the database saw the addresses (with values)" "1 1" \
  "$(grep -qF "'127.0.2.1'" "$T/executes"; echo $((!$?))) $(grep -F "'127.0.2.1'" "$T/executes" | grep -qF "'127.0.2.2'"; echo $((!$?)))"

# --- the time column (old schema, char(12) times) ---------------------------
rows=''
IPS=() WANT=()
for i in $(seq 1 45); do
  IPS+=("127.0.3.$i")
  case $((i % 3)) in
    1) WANT+=(relay);   rows+="${rows:+,}('127.0.3.$i', UNIX_TIMESTAMP() - 300)";;
    2) WANT+=(norelay); rows+="${rows:+,}('127.0.3.$i', UNIX_TIMESTAMP() - 900)";;
    0) WANT+=(norelay);;
  esac
done
setrows h65_old 127.0.3. "$rows"
conf "$(proxied "database h65_old" "time 600")"
relays 127.0.9.9
e0=$(status Com_stmt_execute)
burst "${IPS[@]}"
ex=$(( $(status Com_stmt_execute) - e0 ))
verdict "time 600: rows 300 s old relay, 900 s old do not"
[ "$ex" -le 23 ] && ok "time 600: 45 connections, $ex statement executions" \
  || notok "time 600: 45 connections, at most 23 statement executions" "$ex"

# --- the database goes away with a batch in flight --------------------------
conf "$(proxied "database h65_new")"
plan 127.0.4 24 'i % 2 == 1'; setrows h65_new 127.0.4. "$ROWS"
relays 127.0.4.1 && ok "before the failure: relays" || notok "before the failure: relays" "no RELAYCLIENT"
d0=$(grep -c '^drop$' "$T/proxy.log")
touch "$T/down"
WANT0=("${WANT[@]}")
for i in "${!WANT[@]}"; do WANT[$i]=norelay; done
burst "${IPS[@]}"
LOGWANT=error verdict "database gone mid-batch: served by the rules, no RELAYCLIENT"
[ "$(grep -c '^drop$' "$T/proxy.log")" -gt "$d0" ] && ok "database gone mid-batch: a batch was in flight when it went" \
  || notok "database gone mid-batch: a batch was in flight when it went" "the proxy dropped no query"
rm -f "$T/down"
sleep 1.3   # retry 1: the failed server is asked again after that
WANT=("${WANT0[@]}")
burst "${IPS[@]}"
verdict "database back"
same "database back: no warning" 0 "$(warnings)"
stop_ts

# --- the server refuses the many-address statement --------------------------
nostmts() { [ "$(status Prepared_stmt_count)" = 0 ]; }
waitfor 5 nostmts
OLDMAX=$(sq -N -e "SELECT @@GLOBAL.max_prepared_stmt_count" | grep -xE '[0-9]+')
[ -n "$OLDMAX" ] || { notok "max_prepared_stmt_count read" "mariadb failed"; exit 0; }
sq -e "SET GLOBAL max_prepared_stmt_count = 1" || notok "max_prepared_stmt_count set" "mariadb failed"
echo 30 >"$T/delay"
start_ts || exit 0
plan 127.0.5 40 'i % 2 == 0'; setrows h65_new 127.0.5. "$ROWS"
relays 127.0.5.2 && ok "max_prepared_stmt_count 1: the single statement relays" \
  || notok "max_prepared_stmt_count 1: the single statement relays" "$(grep 'sql' "$LOG" | tail -n 1)"
e0=$(status Com_stmt_execute)
burst "${IPS[@]}"
ex=$(( $(status Com_stmt_execute) - e0 ))
verdict "batch statement refused (max_prepared_stmt_count 1)"
same "batch statement refused: no warning" 0 "$(warnings)"
[ "$ex" -ge 40 ] && ok "batch statement refused: asked one by one ($ex executions)" \
  || notok "batch statement refused: asked one by one" "$ex executions for 40 addresses"
stop_ts
sq -e "SET GLOBAL max_prepared_stmt_count = $OLDMAX"
same "max_prepared_stmt_count restored" "$OLDMAX" "$(sq -N -e "SELECT @@GLOBAL.max_prepared_stmt_count")"
OLDMAX=

# --- a reply slot used again while the helper still works for its last
# owner: -c 1 gives one slot; a child killed while it waits leaves its
# request with the helper, the next child gets the slot, and the late
# answer (for the other address) must not reach it
echo 0 >"$T/delay"
conf "$(proxied "database h65_new")"
setrows h65_new 127.0.6. "('127.0.6.1', UNIX_TIMESTAMP())"
TSLIMIT=1 start_ts || exit 0
relays 127.0.9.9   # connects and prepares
echo 1500 >"$T/delay"
# kidof IP: kid= the pid of IP's child since MARK; endof PID: it ended
kidof() { kid=$(tail -n +$((MARK + 1)) "$LOG" | awk -v ip="$1" '$2 == "pid" && $5 == ip { print $3; exit }'); [ -n "$kid" ]; }
endof() { tail -n +$((MARK + 1)) "$LOG" | grep -q "^tcpserver: end $1 "; }
for pair in 127.0.6.1:127.0.6.2:norelay 127.0.6.2:127.0.6.1:relay; do
  dead=${pair%%:*} next=${pair#*:}; want=${next#*:}; next=${next%%:*}
  MARK=$(wc -l <"$LOG")
  "$CLIENT" -b "$dead" -t 30 127.0.0.1 "$PORT" >/dev/null 2>&1 &
  c1=$!; CLI+=($c1)
  kid=; waitfor 4 kidof "$dead"
  sleep 0.3   # it has asked and waits for the answer
  [ -n "$kid" ] && kill -KILL "$kid" 2>/dev/null
  wait "$c1"; CLI=()
  waitfor 2 endof "$kid"   # reaped: its slot is free again
  o=$("$CLIENT" -b "$next" -t 30 127.0.0.1 "$PORT" 2>&1)
  same "slot of a killed child ($dead) reused: $next gets its own answer" "$want" "$(decision "$next" "$o")"
  same "slot reused: one line for $next, none for the killed child, no warning" "1 0 0" \
    "$(tail -n +$((MARK + 1)) "$LOG" | grep -cE "^tcpserver: sql [0-9]+ $want ${next//./\\.} ") $(tail -n +$((MARK + 1)) "$LOG" | grep -cE "^tcpserver: sql [0-9]+ [a-z]+ ${dead//./\\.} ") $(warnings)"
done
stop_ts

# --- how many database connections the helper keeps: without a
# connections line, two (a second lookup is not held up behind the first
# one's slow statement); with `connections 1`, one. Counted at the proxy
# over a burst that finds the helper with no connection yet.
echo 200 >"$T/delay"
for want in 2 1; do
  if [ $want = 2 ]; then
    conf "$(viaproxy "database h65_new")"
    what="default connections" said="default: the helper opens two database connections"
  else
    conf "$(proxied "database h65_new")"
    what="connections 1" said="connections 1: the helper opens one database connection"
  fi
  start_ts || exit 0
  c0=$(grep -c '^conn$' "$T/proxy.log")
  plan 127.0.7 20 'i % 2 == 0'; setrows h65_new 127.0.7. "$ROWS"
  burst "${IPS[@]}"
  verdict "$what, slow database"
  same "$said" "$want" "$(( $(grep -c '^conn$' "$T/proxy.log") - c0 ))"
  stop_ts
done
echo 0 >"$T/delay"

# --- answers shared between connections: a statement's answer serves
# only connections accepted before it was sent, so a row added or removed
# before a connection arrives always counts for it
conf "$(direct "database h65_new")"
start_ts || exit 0
setrows h65_new 127.0.8. ""
got=""
for r in 1 2 3; do
  for step in out in out; do
    if [ $step = in ]; then setrows h65_new 127.0.8. "('127.0.8.1', UNIX_TIMESTAMP())"
    else setrows h65_new 127.0.8. ""; fi
    got+="$(decision 127.0.8.1 "$("$CLIENT" -b 127.0.8.1 -t 30 127.0.0.1 "$PORT" 2>&1)") "
  done
done
same "shared answers: a row added or removed between two connections from one address counts for the second" \
  "$(printf 'norelay relay norelay %.0s' 1 2 3)" "$got"
stop_ts
# A's statement has read the table (no row) and its answer is held in
# the proxy when the row is added and B connects: B must not take A's
# answer, it asks on the helper's second connection.
conf "$(viaproxy "database h65_new")"
echo 200 >"$T/delay"
start_ts || exit 0
burst 127.0.9.1 127.0.9.2 127.0.9.3 127.0.9.4 127.0.9.5 127.0.9.6   # both helper connections open
setrows h65_new 127.0.8. ""
echo "0 1500" >"$T/delay"
MARK=$(wc -l <"$LOG")
e0=$(status Com_stmt_execute)
"$CLIENT" -b 127.0.8.2 -t 30 127.0.0.1 "$PORT" >"$T/a.out" 2>&1 &
CLI+=($!)
# the row goes in once A's statement has run (its answer is then held in
# the proxy for 1.5 s), not after a fixed 0.5 s that a slow fork or
# helper could outlast: then A itself would see the row
executed() { [ "$(status Com_stmt_execute)" -gt "$e0" ]; }
waitfor 10 executed
sleep 0.2
setrows h65_new 127.0.8. "('127.0.8.2', UNIX_TIMESTAMP())"
o=$("$CLIENT" -b 127.0.8.2 -t 30 127.0.0.1 "$PORT" 2>&1)
wait "${CLI[@]}"; CLI=()
same "shared answers: a connection made while a statement sent before it is in flight gets its own answer (A then B)" \
  "norelay relay" "$(decision 127.0.8.2 "$(<"$T/a.out")") $(decision 127.0.8.2 "$o")"
echo 0 >"$T/delay"
stop_ts

# --- IPv4 and IPv6 clients in one batch. tcpserver cannot accept IPv6
# yet: tests/bin/relaydrive asks as its connection children do (the
# client's TCPREMOTEIP text, all at once, the helper started as tcpserver
# starts it). IPv6 rows in RFC 5952 text or vpopmail's transform, both
# schemas; every address gets its own answer, IPv4 and IPv6 addresses
# share statements, and each statement goes through the primary key.
cp "$BIN/tests/bin/relaydrive" "$T/relaydrive" && ln -sf "$BIN/sqlrelayd" "$T/sqlrelayd" ||
  notok "relaydrive copied" "failed"
echo 100 >"$T/delay"
V6ROWS="('127.0.10.1', UNIX_TIMESTAMP()), ('2001:db8::b1', UNIX_TIMESTAMP()),
  ('2001_db8__b2', UNIX_TIMESTAMP()), ('2001_db8__b4', UNIX_TIMESTAMP() - 4000),
  ('fe80__b5', UNIX_TIMESTAMP()), ('2001:db8:aaaa:bbbb', UNIX_TIMESTAMP()),
  ('2001_db8_aaaa_bbbb', UNIX_TIMESTAMP()), ('::ffff:127.0.10.3', UNIX_TIMESTAMP())"
IPS=(127.0.10.1 2001:db8::b1 127.0.10.2 2001:db8::b2 2001:db8::b3 ::ffff:127.0.10.1 2001:db8::b4
     fe80::b5 2001:db8:aaaa:bbbb:1::7 ::ffff:127.0.10.3 2001:db8::b1 127.0.10.1 ::ffff:127.0.10.2 2001:db8::b6)
WANT=(relay relay norelay relay norelay relay norelay relay norelay norelay relay relay norelay norelay)
for db in h65_new h65_old; do
  sq -e "DELETE FROM $db.relay WHERE ip_addr LIKE '2001%' OR ip_addr LIKE 'fe80%' OR ip_addr LIKE '%127.0.10.%';
    INSERT INTO $db.relay VALUES $V6ROWS"
  conf "$(proxied "database $db")"
  sq -e "SET GLOBAL general_log_file='$T/general6.log'; SET GLOBAL general_log=1"
  e0=$(status Com_stmt_execute)
  TCPSERVER_SQL_CONTROL=$CTL timeout 60 "$T/relaydrive" "${IPS[@]}" >"$T/drive.out" 2>"$T/drive.err"
  ex=$(( $(status Com_stmt_execute) - e0 ))
  sq -e "SET GLOBAL general_log=0"
  e=$(wanted | sort); g=$(sort "$T/drive.out")
  [ "$e" = "$g" ] && ok "$db: IPv4 and IPv6 clients at once, every one gets its answer" \
    || notok "$db: IPv4 and IPv6 clients at once, every one gets its answer" "$(diffsum "$e" "$g")"
  g=$(sed -n 's/^relaydrive: sql [0-9]* \(relay\|norelay\) \([^ ]*\) .*/\2 \1/p' "$T/drive.err" | sort)
  [ "$e" = "$g" ] && ok "$db: IPv4 and IPv6 clients: one log line each, same answer" \
    || notok "$db: IPv4 and IPv6 clients: one log line each, same answer" "$(diffsum "$e" "$g") err=$(head -c 300 "$T/drive.err")"
  [ "$ex" -ge 1 ] && [ "$ex" -le 7 ] && ok "$db: 14 IPv4 and IPv6 requests, $ex statement executions" \
    || notok "$db: 14 IPv4 and IPv6 requests in at most 7 statement executions" "$ex"
  grep -E '[[:space:]]Execute[[:space:]]' "$T/general6.log" >"$T/executes6"
  stmt=$(grep -F "'2001:db8::b2'" "$T/executes6" | grep -F "'2001_db8__b2'" | grep -F "'127.0.10." | tail -n 1 |
    sed 's/.*Execute[[:space:]]*//')
  [ -n "$stmt" ] && ok "$db: one statement asks an IPv6 address in both forms and IPv4 addresses" \
    || notok "$db: one statement asks an IPv6 address in both forms and IPv4 addresses" "$(head -c 400 "$T/executes6")"
  same "$db: no statement asks a mapped address in its IPv6 text or a second form of ::ffff:" 0 \
    "$(grep -cE "'::ffff:|'__ffff_" "$T/executes6")"
  if [ -n "$stmt" ]; then
    plan=$(sq -N -B "$db" -e "EXPLAIN $stmt" | awk -F '\t' '$2 == "SUBQUERY" && $6 != "PRIMARY" && $10 !~ /const table/ { print }')
    [ -z "$plan" ] && ok "$db: every subquery of the mixed statement goes through the primary key" \
      || notok "$db: every subquery of the mixed statement goes through the primary key" "$(echo "$plan" | head -n 3 | tr '\n' '|')"
  fi
done
echo 0 >"$T/delay"

echo "# suite-65 took $((SECONDS - T0)) s"
exit 0
