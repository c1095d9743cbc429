#!/bin/bash
# tcpserver -S against a real MariaDB (sql-relay.md Part 2): relay
# decisions, the fallback on every kind of failure, the lookup helper's
# life, descriptors and secrets, and real SMTP sessions (qpsmtpd + swaks).
# Faults that stop or kill a database use a second private MariaDB.
. "$(dirname "$0")/lib.sh"
: "${MYSQL_SOCK:?}" "${MYSQL_PORT:?}"
PROBE=$BIN/tests/bin/childprobe
cd "$T" || exit 1   # qpsmtpd runs `git describe` when started in a git tree
CTL=$T/sql
PW='h5Pw-7Rk2xQ9z'
TSPID= HUNGPID= DB2= U=
cleanup() {
  [ -n "$U" ] && rm -rf "$U"
  [ -n "$TSPID" ] && kill "$TSPID" 2>/dev/null
  [ -n "$HUNGPID" ] && kill "$HUNGPID" 2>/dev/null
  [ -n "$DB2" ] && "$TOP/tests/mariadb.sh" stop "$T/db2" >/dev/null 2>&1
  sq -e "SET GLOBAL general_log=0" 2>/dev/null
}
trap cleanup EXIT
sq() { mariadb --no-defaults -S "$MYSQL_SOCK" -uroot "$@"; }
for p in tcpserver sqlrelayd tests/bin/childprobe; do
  [ -x "$BIN/$p" ] || { notok "built $p" "missing $BIN/$p"; exit 0; }
done

schema() { # SOCKET: both vpopmail schemas, rows, the user
  mariadb --no-defaults -S "$1" -uroot <<EOF
DROP DATABASE IF EXISTS h5_old; DROP DATABASE IF EXISTS h5_new;
CREATE DATABASE h5_old; CREATE DATABASE h5_new;
CREATE TABLE h5_old.relay (ip_addr char(18) NOT NULL default '',
  timestamp char(12) default NULL, PRIMARY KEY (ip_addr));
CREATE TABLE h5_new.relay (ip_addr VARCHAR(39) NOT NULL, timestamp INT,
  PRIMARY KEY (ip_addr));
INSERT INTO h5_old.relay VALUES ('127.0.0.2', UNIX_TIMESTAMP()),
  ('127.0.0.4', UNIX_TIMESTAMP() - 100000), ('127.0.0.6', UNIX_TIMESTAMP()),
  ('127.0.0.7', UNIX_TIMESTAMP());
INSERT INTO h5_new.relay SELECT ip_addr, timestamp FROM h5_old.relay;
CREATE USER IF NOT EXISTS 'h5relay'@'localhost' IDENTIFIED BY '$PW';
CREATE USER IF NOT EXISTS 'h5relay'@'127.0.0.1' IDENTIFIED BY '$PW';
GRANT SELECT ON h5_old.* TO 'h5relay'@'localhost', 'h5relay'@'127.0.0.1';
GRANT SELECT ON h5_new.* TO 'h5relay'@'localhost', 'h5relay'@'127.0.0.1';
EOF
}
schema "$MYSQL_SOCK" || { notok "schema" "could not create the test tables"; exit 0; }
sq -e "SET GLOBAL general_log_file='$T/general.log'; SET GLOBAL general_log=1"

# conf LINE...: replace the control file (new inode, so always noticed)
conf() { printf '%s\n' "$@" >"$CTL.tmp"; chmod 600 "$CTL.tmp"; mv "$CTL.tmp" "$CTL"; sleep 0.15; }
base() { printf '%s\n' "user h5relay" "pass $PW" "table relay" "$@"; }

# start_ts [tcpserver options] -- program...: listens on 127.0.0.1, only
# descriptors 0, 1, 2 open, -v log in $T/ts.log; TSBIN: another tcpserver
start_ts() {
  local opts=()
  while [ "$1" != -- ]; do opts+=("$1"); shift; done; shift
  : >"$T/ts.log"; : >"$T/ts.port"
  TCPSERVER_SQL_CONTROL=${CTLUSE:-$CTL} python3 -c 'import os,sys; os.closerange(3, 65536); os.execv(sys.argv[1], sys.argv[1:])' \
    "${TSBIN:-$BIN/tcpserver}" -1 -RHl0 "${opts[@]}" 127.0.0.1 0 "$@" >"$T/ts.port" 2>>"$T/ts.log" &
  TSPID=$!
  PORT=$(wait_port "$T/ts.port") || { notok "tcpserver started" "no port"; return 1; }
}
stop_ts() { kill "$TSPID" 2>/dev/null; wait "$TSPID" 2>/dev/null; TSPID=; }
helper() { pgrep -P "$TSPID" -x sqlrelayd; }
# probe SRC: a connection from SRC; OUT: the program's output, MS: time taken
probe() {
  local t0=$(date +%s%N)
  OUT=$("$BIN/tests/bin/tcpclient" -b "$1" -t 15 127.0.0.1 "$PORT" 2>&1)
  MS=$(( ($(date +%s%N) - t0) / 1000000 ))
}
relays() { probe "$1"; case $OUT in *"env RELAYCLIENT="*) return 0;; esac; return 1; }
alive() { local st; st=$(ps -o stat= -p "$1"); [ -n "$st" ] && [ "${st#Z}" = "$st" ]; }
dead() { ! alive "$1"; }   # ended, reaped or not (lib.sh's gone: reaped)
# logcount REGEX: matching lines in the tcpserver log so far
logcount() { grep -cE "$1" "$T/ts.log"; }
queried() { grep -c "'$1'" "$T/general.log" 2>/dev/null; }

base "server localhost" "socket $MYSQL_SOCK" "database h5_old" >"$CTL"; chmod 600 "$CTL"
cat >"$T/rules.txt" <<'EOF'
127.0.0.6:deny
127.0.0.7:allow,RELAYCLIENT="@rule"
127.0.0.8:allow,SQLRELAYED="fromrule"
EOF
/usr/bin/tcprules "$T/rules.cdb" "$T/rules.tmp" <"$T/rules.txt"
start_ts -v -S -x "$T/rules.cdb" -- "$PROBE" -EF || exit 0

# --- decisions ---------------------------------------------------------------
probe 127.0.0.2; out=$OUT
case $out in *"env RELAYCLIENT="$'\n'*) ok "hit over the UNIX socket sets RELAYCLIENT=\"\"";;
  *) notok "hit over the UNIX socket sets RELAYCLIENT=\"\"" "$(echo "$out" | grep -i relay)";; esac
same "hit logged" 1 "$(logcount '^tcpserver: sql [0-9]+ relay 127\.0\.0\.2 localhost$')"
same "descriptors of the program are exactly 0, 1, 2" \
  "fd 0: socket stream|fd 1: socket stream (same as fd 0)|fd 2: $T/ts.log|" \
  "$(echo "$out" | grep '^fd ' | tr '\n' '|')"
case $out in *"$PW"*) notok "no secret in the program's environment" "password found";;
  *) ok "no secret in the program's environment";; esac
relays 127.0.0.3 && notok "miss: no RELAYCLIENT" "set" || ok "miss: no RELAYCLIENT"
same "miss logged" 1 "$(logcount '^tcpserver: sql [0-9]+ norelay 127\.0\.0\.3 localhost$')"
relays 127.0.0.4 && notok "expired row: no RELAYCLIENT" "set" || ok "expired row: no RELAYCLIENT"

conf "$(base "server localhost" "socket $MYSQL_SOCK" "database h5_old" "time 0")"
relays 127.0.0.4 && ok "time 0: an old row relays" || notok "time 0: an old row relays" "no RELAYCLIENT"

conf "$(base "server localhost" "socket $MYSQL_SOCK" "database h5_new")"
relays 127.0.0.2 && ok "new schema (VARCHAR(39)/INT): hit" || notok "new schema (VARCHAR(39)/INT): hit" "no RELAYCLIENT"
relays 127.0.0.4 && notok "new schema: expired row refused" "set" || ok "new schema: expired row refused"
relays 127.0.0.3 && notok "new schema: miss" "set" || ok "new schema: miss"

conf "$(base "server 127.0.0.1" "port $MYSQL_PORT" "database h5_old")"
relays 127.0.0.2 && ok "TCP: hit" || notok "TCP: hit" "no RELAYCLIENT"
same "TCP: server named in the log" 1 "$(logcount '^tcpserver: sql [0-9]+ relay 127\.0\.0\.2 127\.0\.0\.1$')"

conf "$(base "server 127.0.0.10" "server 127.0.0.1" "port $MYSQL_PORT" "database h5_old" "retry 30")"
relays 127.0.0.2 && ok "several servers, first refuses: the second answers" \
  || notok "several servers, first refuses: the second answers" "no RELAYCLIENT"

conf "$(base "server localhost" "socket $MYSQL_SOCK" "database h5_old")"
n0=$(queried 127.0.0.6)
probe 127.0.0.6; out=$OUT
same "rule denies: connection denied" "" "$out"
same "rule denies: skip logged, no lookup logged" "1 0" \
  "$(logcount '^tcpserver: sql [0-9]+ skip 127\.0\.0\.6 rule$') $(logcount '^tcpserver: (warning: )?sql [0-9]+ (relay|norelay|error) 127\.0\.0\.6')"
same "rule denies: no query reached the database" "$n0" "$(queried 127.0.0.6)"
n0=$(queried 127.0.0.7)
probe 127.0.0.7; out=$OUT
same "rule sets RELAYCLIENT: the rule's value" "env RELAYCLIENT=@rule" "$(echo "$out" | grep RELAYCLIENT)"
same "rule sets RELAYCLIENT: skip logged" 1 "$(logcount '^tcpserver: sql [0-9]+ skip 127\.0\.0\.7 rule$')"
same "rule sets RELAYCLIENT: no query reached the database" "$n0" "$(queried 127.0.0.7)"

conf "$(base "server localhost" "socket $MYSQL_SOCK" "database h5_old" "set RELAYCLIENT=@relay.example" "set SQLRELAYED=yes")"
same "set lines replace the default" "env RELAYCLIENT=@relay.example|env SQLRELAYED=yes|" \
  "$(probe 127.0.0.2; echo "$OUT" | grep -E 'RELAYCLIENT|SQLRELAYED' | tr '\n' '|')"
sq -e "INSERT INTO h5_old.relay VALUES ('127.0.0.8', UNIX_TIMESTAMP())"
same "set lines do not override a rule's variable" "env RELAYCLIENT=@relay.example|env SQLRELAYED=fromrule|" \
  "$(probe 127.0.0.8; echo "$OUT" | grep -E 'RELAYCLIENT|SQLRELAYED' | tr '\n' '|')"

# --- failures fall back to the rules ----------------------------------------
conf "$(base "server localhost" "socket $MYSQL_SOCK" "database h5_old" | sed "s/^pass .*/pass wrong-$PW/")"
probe 127.0.0.2; out=$OUT
case $out in *"env PROTO=TCP"*) ok "wrong password: connection served";; *) notok "wrong password: connection served" "$out";; esac
case $out in *RELAYCLIENT*) notok "wrong password: falls back (no RELAYCLIENT)" "set";; *) ok "wrong password: falls back (no RELAYCLIENT)";; esac
same "wrong password: warning names the cause" 1 \
  "$(logcount '^tcpserver: warning: sql [0-9]+ error 127\.0\.0\.2 localhost: Access denied')"
conf "$(base "server localhost" "socket $MYSQL_SOCK" "database h5_old")"
relays 127.0.0.2 && ok "control file fixed while running: works on the next connection" \
  || notok "control file fixed while running: works on the next connection" "no RELAYCLIENT"

conf "$(base "server localhost" "socket $MYSQL_SOCK" "database h5_old" | sed 's/^table .*/table h5_nosuch/')"
relays 127.0.0.2 && notok "missing table: falls back" "set" || ok "missing table: falls back"
same "missing table: warning names the cause" 1 "$(logcount "^tcpserver: warning: sql [0-9]+ error 127\.0\.0\.2 localhost: .*h5_nosuch")"

head -c 3000 /dev/urandom >"$CTL.tmp"; mv "$CTL.tmp" "$CTL"; sleep 0.15
relays 127.0.0.2 && notok "garbage control file: falls back" "set" || ok "garbage control file: falls back"
n1=$(logcount "^tcpserver: warning: sql: $CTL: ")
probe 127.0.0.2
[ "$n1" -gt 0 ] && [ "$n1" = "$(logcount "^tcpserver: warning: sql: $CTL: ")" ] \
  && ok "garbage control file: problems logged once" \
  || notok "garbage control file: problems logged once" "$n1 then $(logcount "^tcpserver: warning: sql: $CTL: ")"
{ base "server localhost" "socket $MYSQL_SOCK" "database h5_old"; head -c 70000 /dev/zero | tr '\0' '#'; } >"$CTL.tmp"
mv "$CTL.tmp" "$CTL"; sleep 0.15
relays 127.0.0.2 && notok "oversized control file: falls back" "set" || ok "oversized control file: falls back"
rm -f "$CTL"; sleep 0.15
probe 127.0.0.2; out=$OUT
case $out in *"env PROTO=TCP"*) ok "missing control file: connection served";; *) notok "missing control file: connection served" "$out";; esac
probe 127.0.0.2
same "missing control file: said once" 1 "$(logcount "^tcpserver: warning: sql: unable to read $CTL: file does not exist$")"
conf "$(base "server localhost" "socket $MYSQL_SOCK" "database h5_old")"
relays 127.0.0.2 && ok "control file restored: relays again" || notok "control file restored: relays again" "no RELAYCLIENT"

same "30 concurrent connections: all served, all relayed" "30 30" "$(python3 - "$PORT" <<'EOF'
import socket, sys, threading
port, res = int(sys.argv[1]), []
def one():
    s = socket.socket(); s.bind(("127.0.0.2", 0)); s.settimeout(60)
    s.connect(("127.0.0.1", port)); d = b""
    while True:
        x = s.recv(65536)
        if not x: break
        d += x
    res.append(b"env RELAYCLIENT=" in d)
ts = [threading.Thread(target=one) for i in range(30)]
for t in ts: t.start()
for t in ts: t.join()
print(sum(res), len(res))
EOF
)"

# --- the lookup helper --------------------------------------------------------
h=$(helper)
same "one helper runs" 1 "$(echo "$h" | grep -c .)"
same "helper descriptors: 0 socket, 1 /dev/null, 2 the log" "0 socket 1 /dev/null 2 $T/ts.log" \
  "$(for f in 0 1 2; do printf '%s %s ' $f "$(readlink /proc/$h/fd/$f | sed 's/:.*//')"; done | sed 's/ $//')"
tr '\0' ' ' </proc/$h/cmdline | grep -q -- "$PW" && notok "password not in the helper's argv" "found" \
  || ok "password not in the helper's argv"
kill -9 "$h"
waitfor 5 gone "$h"  # reaped
probe 127.0.0.2; out=$OUT
case $out in *"env PROTO=TCP"*) ok "helper killed: next connection served ($MS ms)";;
  *) notok "helper killed: next connection served" "$out";; esac
same "helper killed: fallback at once, said why" 1 \
  "$(logcount '^tcpserver: warning: sql [0-9]+ error 127\.0\.0\.2 -: helper not running$')"
sleep 1.1; i=0
until relays 127.0.0.2 || [ $i -ge 5 ]; do i=$((i+1)); sleep 0.3; done
[ $i -lt 5 ] && ok "helper respawned: relays again" || notok "helper respawned: relays again" "never"
h2=$(helper)
[ -n "$h2" ] && [ "$h2" != "$h" ] && ok "a new helper runs" || notok "a new helper runs" "[$h] [$h2]"

conf "$(base "server localhost" "socket $MYSQL_SOCK" "database h5_old" "connect_timeout 1" "read_timeout 1")"
relays 127.0.0.2   # the helper publishes the new budget (4.5 s)
kill -STOP "$h2"
probe 127.0.0.2; out=$OUT
kill -CONT "$h2"
case $out in *"env PROTO=TCP"*"RELAYCLIENT"*) notok "helper hung: falls back" "RELAYCLIENT set";;
  *"env PROTO=TCP"*) ok "helper hung: falls back";; *) notok "helper hung: served" "$out";; esac
[ "$MS" -ge 4400 ] && [ "$MS" -lt 8000 ] && ok "helper hung: served after the budget ($MS ms)" \
  || notok "helper hung: served after the budget" "$MS ms"
same "helper hung: warning" 1 "$(logcount '^tcpserver: warning: sql [0-9]+ error 127\.0\.0\.2 -: helper timed out$')"
relays 127.0.0.2 && ok "helper resumed: relays" || notok "helper resumed: relays" "no RELAYCLIENT"

# a server that accepts and never answers, on 127.0.0.9 and the database's
# port; it counts the connections it accepts
python3 -c 'import socket,sys; s=socket.socket(); s.bind(("127.0.0.9",int(sys.argv[1]))); s.listen(64)
print(s.getsockname()[1], flush=True); c=[]
while True:
  c.append(s.accept()); open(sys.argv[2],"a").write("x\n")' "$MYSQL_PORT" "$T/hung.count" >"$T/hung.port" &
HUNGPID=$!
wait_port "$T/hung.port" >/dev/null || notok "hung listener" "did not start"
hung() { cat "$T/hung.count" 2>/dev/null | grep -c x; }
conf "$(base "server 127.0.0.9" "port $MYSQL_PORT" "database h5_old" "connect_timeout 1" "read_timeout 1" "retry 30")"
probe 127.0.0.2; out=$OUT
case $out in *"env PROTO=TCP"*RELAYCLIENT*|"") notok "hung server: falls back" "$out";; *) ok "hung server: falls back";; esac
[ "$MS" -lt 4500 ] && ok "hung server: served within the budget ($MS ms)" || notok "hung server: served within the budget" "$MS ms"
same "hung server: warning" 1 "$(logcount '^tcpserver: warning: sql [0-9]+ error 127\.0\.0\.2 127\.0\.0\.9: ')"
probe 127.0.0.2
same "hung server: the next lookup does not try it again" "1 1" \
  "$(hung) $(logcount '^tcpserver: warning: sql [0-9]+ error 127\.0\.0\.2 127\.0\.0\.9: skipped after a recent failure')"
conf "$(base "server 127.0.0.9" "server 127.0.0.1" "port $MYSQL_PORT" "database h5_old" "connect_timeout 1" "read_timeout 1" "retry 30")"
relays 127.0.0.2 && ok "first server hung: the second answers ($MS ms)" || notok "first server hung: the second answers" "no RELAYCLIENT"
relays 127.0.0.2 && ok "first server hung: relays again" || notok "first server hung: relays again" "no RELAYCLIENT"
same "first server hung: tried once, then skipped for retry seconds" 2 "$(hung)"
kill "$HUNGPID"; HUNGPID=
stop_ts
sleep 0.3
alive "$h2" && notok "helper ends with tcpserver" "pid $h2 still there" || ok "helper ends with tcpserver"

# --- a helper of another version (an upgrade replaced sqlrelayd under a
# running tcpserver, which then restarts it) refuses to run, so children
# fall back at once; the shared memory says which version tcpserver
# speaks (0 from one older than version 3). Exit code, first line, and
# the version the helper said it is (hello, 0 when it said none).
vers=$(python3 - "$BIN/sqlrelayd" "$CTL" <<'EOF'
import os, socket, subprocess, sys, time
for ver in (0, 3, 4):
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    fd = os.memfd_create("page")
    os.ftruncate(fd, 4096 + 8192)
    os.pwrite(fd, (1).to_bytes(4, "little"), 12)       # nslots
    os.pwrite(fd, ver.to_bytes(4, "little"), 4092)
    fd2 = os.dup(fd)
    p = subprocess.Popen([sys.argv[1], sys.argv[2]], stdin=b, stdout=fd,
                         stderr=subprocess.PIPE, text=True)
    b.close(); os.close(fd)
    time.sleep(0.5)
    a.close()   # end of requests: a helper that runs exits 0
    try: rc = p.wait(timeout=10)
    except subprocess.TimeoutExpired: p.kill(); rc = "hung"
    hello = int.from_bytes(os.pread(fd2, 4, 4088), "little")
    print(ver, rc, (p.stderr.read().splitlines() or ["-"])[0], "hello", hello)
    os.close(fd2)
EOF
)
same "a helper of another version refuses to run; one of this version runs and says so" \
  "0 111 tcpserver: fatal: sql: tcpserver and sqlrelayd do not match (versions 0, sqlrelayd 4): restart tcpserver to finish the upgrade hello 0
3 111 tcpserver: fatal: sql: tcpserver and sqlrelayd do not match (versions 3, sqlrelayd 4): restart tcpserver to finish the upgrade hello 0
4 0 - hello 4" "$vers"

# --- an older sqlrelayd, which checks no version (only tcpserver was
# replaced): it never says its version, so tcpserver stops it once it
# had 5 s to do so, and children fall back at once instead of waiting
# out their budget for answers that never come. A script in its place,
# next to a copy of tcpserver, plays it.
mkdir -p "$T/old" && cp "$BIN/tcpserver" "$T/old/tcpserver" &&
  printf '#!/bin/sh\nexec sleep 60\n' >"$T/old/sqlrelayd" && chmod 755 "$T/old/sqlrelayd"
TSBIN=$T/old/tcpserver start_ts -v -S -- "$PROBE" -E || exit 0
oh=$(pgrep -P "$TSPID" -x sleep)
sleep 5.2
probe 127.0.0.2; out=$OUT
case $out in *"env PROTO=TCP"*RELAYCLIENT*|"") notok "older helper: the connection falls back" "$out";;
  *) ok "older helper: the connection falls back";; esac
[ "$MS" -lt 3000 ] && ok "older helper: at once, not after the budget ($MS ms)" \
  || notok "older helper: at once, not after the budget" "$MS ms"
same "older helper: stopped, said why" 1 \
  "$(logcount '^tcpserver: warning: sql: helper [0-9]+ did not say it is sqlrelayd version 4 within 5 s: stopped; install the sqlrelayd of this tcpserver$')"
[ -n "$oh" ] && waitfor 2 dead "$oh"
[ -n "$oh" ] && ! alive "$oh" && ok "older helper: its process is gone" || notok "older helper: its process is gone" "[$oh]"
stop_ts

# --- a database that stops and dies (a private one) --------------------------
if "$TOP/tests/mariadb.sh" start "$T/db2" >/dev/null; then
  DB2=1; S2=$T/db2/sock; P2=$(cat "$T/db2/port")
  schema "$S2"
  conf "$(base "server localhost" "socket $S2" "database h5_old" "retry 1")"
  start_ts -v -S -- "$PROBE" -E || exit 0
  relays 127.0.0.2 && ok "private database: hit" || notok "private database: hit" "no RELAYCLIENT"
  "$TOP/tests/mariadb.sh" stop "$T/db2"
  probe 127.0.0.2; out=$OUT
  case $out in *"env PROTO=TCP"*RELAYCLIENT*|"") notok "database stopped: falls back" "$out";;
    *) ok "database stopped: falls back ($MS ms)";; esac
  "$TOP/tests/mariadb.sh" start "$T/db2" "$P2" >/dev/null
  sleep 1.1
  relays 127.0.0.2 && ok "database restarted: relays again" || notok "database restarted: relays again" "no RELAYCLIENT"
  n0=$(logcount '^tcpserver: warning: sql [0-9]+ error 127\.0\.0\.2 localhost: ')
  "$TOP/tests/mariadb.sh" kill "$T/db2"
  probe 127.0.0.2; out=$OUT
  case $out in *"env PROTO=TCP"*RELAYCLIENT*|"") notok "database killed mid-run: falls back" "$out";;
    *) ok "database killed mid-run: falls back ($MS ms)";; esac
  same "database killed: warning" $((n0 + 1)) "$(logcount '^tcpserver: warning: sql [0-9]+ error 127\.0\.0\.2 localhost: ')"
  "$TOP/tests/mariadb.sh" start "$T/db2" "$P2" >/dev/null
  sleep 1.1
  relays 127.0.0.2 && ok "database back after a kill: relays again" || notok "database back after a kill: relays again" "no RELAYCLIENT"
  stop_ts
  "$TOP/tests/mariadb.sh" stop "$T/db2"; DB2=
else
  notok "private database started" "see $T/db2/error.log"
fi

# --- quiet, and without -S --------------------------------------------------
rm -f "$CTL"
start_ts -q -S -- "$PROBE" -E || exit 0
probe 127.0.0.2; out=$OUT; sleep 0.2
case $out in *"env PROTO=TCP"*) ok "-q with a missing control file: served";; *) notok "-q with a missing control file: served" "$out";; esac
same "-q: nothing on stderr, the helper's included" "" "$(cat "$T/ts.log")"
stop_ts
conf "$(base "server localhost" "socket $MYSQL_SOCK" "database h5_old")"
n0=$(queried 127.0.0.2)
start_ts -v -- "$PROBE" -E || exit 0
relays 127.0.0.2 && notok "without -S: no RELAYCLIENT" "set" || ok "without -S: no RELAYCLIENT"
same "without -S: no helper, no query" "0 $n0" "$(helper | grep -c .) $(queried 127.0.0.2)"
stop_ts
same "tcpserver does not link the MySQL library" 0 "$(ldd "$BIN/tcpserver" | grep -ciE 'mariadb|mysql')"

# --- -u/-g: the helper runs as the service user, reads a 0640 file ---------
U=$(mktemp -d /tmp/tcpserver-sqlu.XXXXXX); chmod 755 "$U"
if setpriv --reuid 65534 --regid 65534 --clear-groups sh -c \
     "test -x '$BIN/sqlrelayd' && test -x '$PROBE'" 2>/dev/null; then
  base "server 127.0.0.1" "port $MYSQL_PORT" "database h5_old" >"$U/sql"
  chgrp 65534 "$U/sql"; chmod 640 "$U/sql"
  CTLUSE=$U/sql start_ts -v -S -u 65534 -g 65534 -- "$PROBE" -E || exit 0
  relays 127.0.0.2 && ok "-u/-g: relays with a 0640 control file of the service group" \
    || notok "-u/-g: relays with a 0640 control file of the service group" "$(grep sql "$T/ts.log" | tail -n 2 | tr '\n' '|')"
  same "-u/-g: the helper runs as the service user" 65534 "$(awk '/^Uid:/ {print $2}' /proc/"$(helper)"/status)"
  stop_ts
else
  echo "# -u/-g check skipped: $BIN not usable by uid 65534"
fi

# --- real SMTP: qpsmtpd behind tcpserver -S, swaks as the client -------------
QP=$("$TOP/tests/qpsmtpd.sh" "$T/qp") || { notok "qpsmtpd set up" "tests/qpsmtpd.sh failed"; exit 0; }
start_ts -v -S -- "$QP" || exit 0
smtp() { swaks --server 127.0.0.1 --port "$PORT" --local-interface "$1" --timeout 20 \
           --from sender@client.example --to "someone@remote.example" 2>&1; }
out=$(smtp 127.0.0.2); rc=$?
[ $rc = 0 ] && echo "$out" | grep -q '^<-  250 .*recipient ok' \
  && ok "SMTP: relaying accepted from an address in the table" \
  || notok "SMTP: relaying accepted from an address in the table" "swaks $rc: $(echo "$out" | grep '^<' | tr '\n' '|')"
out=$(smtp 127.0.0.3); rc=$?
[ $rc != 0 ] && echo "$out" | grep -q '^<\*\* 550 Relaying denied' \
  && ok "SMTP: relaying refused from an address not in the table" \
  || notok "SMTP: relaying refused from an address not in the table" "swaks $rc: $(echo "$out" | grep '^<' | tr '\n' '|')"
stop_ts

grep -rlF --exclude=sql --exclude=sql.tmp --exclude=general.log --exclude-dir=data -e "$PW" "$T" >"$T/pwhits" 2>/dev/null
same "the password appears in no output or log" "" "$(cat "$T/pwhits")"
exit 0
