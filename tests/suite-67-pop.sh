#!/bin/bash
# The POP side (relay-open.md Part 2): a real Dovecot POP3 server runs
# sqlrelayopen after each login; real SMTP sessions through tcpserver -S
# (qpsmtpd, swaks) relay afterwards; every database fault leaves the login
# working within the bound with one log line; sqlrelayexpire (old and
# far-future rows), also on a 1,000,000-row table while lookups run.
. "$(dirname "$0")/lib.sh"
: "${MYSQL_SOCK:?}" "${MYSQL_PORT:?}"
cd "$T" || exit 1   # qpsmtpd runs `git describe` when started in a git tree
OPEN=$BIN/sqlrelayopen EXPIRE=$BIN/sqlrelayexpire
RPW='r7Read-Kq2m' WPW='w7Write-Zx9p'
TSPID= HUNGPID= DOVE= DB2=
cleanup() {
  [ -n "$TSPID" ] && kill "$TSPID" 2>/dev/null
  [ -n "$HUNGPID" ] && kill "$HUNGPID" 2>/dev/null
  [ -n "$DOVE" ] && "$TOP/tests/dovecot.sh" stop "$T/dovecot" >/dev/null 2>&1
  [ -n "$DB2" ] && "$TOP/tests/mariadb.sh" stop "$T/db2" >/dev/null 2>&1
  sq -e "SET GLOBAL read_only=0" 2>/dev/null
}
trap cleanup EXIT
sq() { mariadb --no-defaults -S "$MYSQL_SOCK" -uroot "$@"; }
for p in tcpserver sqlrelayd sqlrelayopen sqlrelayexpire sqlrelaycheck; do
  [ -x "$BIN/$p" ] || { notok "built $p" "missing $BIN/$p"; exit 0; }
done
"$TOP/tests/deps.sh" dovecot-pop3d curl || { notok "dovecot-pop3d installed" "apt-get failed"; exit 0; }

sq <<EOF
DROP DATABASE IF EXISTS h7;
CREATE DATABASE h7;
CREATE TABLE h7.relay (ip_addr VARCHAR(39) NOT NULL, timestamp INT, PRIMARY KEY (ip_addr));
CREATE TABLE h7.relay54 (ip_addr char(18) NOT NULL default '', timestamp char(12) default NULL,
  PRIMARY KEY (ip_addr));
CREATE USER IF NOT EXISTS 'h7read'@'localhost' IDENTIFIED BY '$RPW';
CREATE USER IF NOT EXISTS 'h7write'@'localhost' IDENTIFIED BY '$WPW';
CREATE USER IF NOT EXISTS 'h7write'@'127.0.0.1' IDENTIFIED BY '$WPW';
GRANT SELECT ON h7.* TO 'h7read'@'localhost';
GRANT SELECT, INSERT, DELETE ON h7.* TO 'h7write'@'localhost', 'h7write'@'127.0.0.1';
EOF
rows() { sq -N -e "SELECT ip_addr FROM h7.${1:-relay} ORDER BY ip_addr" | tr '\n' ' '; }
umask 077
printf 'server localhost\nsocket %s\ndatabase h7\nuser h7read\npass %s\ntime 1800\n' \
  "$MYSQL_SOCK" "$RPW" >"$T/sql"
W=$T/sqlwrite
good_w() { umask 077; printf 'server localhost\nsocket %s\ndatabase h7\nuser h7write\npass %s\ntime 1800\n%s\n' \
  "$MYSQL_SOCK" "$WPW" "${1:-}" >"$W"; chmod 600 "$W"; umask 022; }
good_w
umask 022
export SQLRELAY_WRITE_CONTROL=$W

# --- sqlrelayopen on its own --------------------------------------------------
env -u IP TCPREMOTEIP=127.0.0.41 "$OPEN" >"$T/o.out" 2>"$T/o.err"; rc=$?
same "no program: exit 0 when written" "0 |" "$rc $(cat "$T/o.err")|"
same "the row is there" "127.0.0.41 " "$(rows)"
d=$(sq -N -e "SELECT ABS(timestamp - UNIX_TIMESTAMP()) <= 2 FROM h7.relay WHERE ip_addr='127.0.0.41'")
same "dated by the database's clock" 1 "$d"
TCPREMOTEIP=::ffff:127.0.0.42 IP=127.0.0.99 "$OPEN" printf '%s,' a 'b c' >"$T/o.out" 2>"$T/o.err"; rc=$?
same "TCPREMOTEIP before IP, ::ffff: dropped, program run with its arguments" \
  "0 a,b c,|127.0.0.41 127.0.0.42 " "$rc $(cat "$T/o.out")|$(rows)"
env -u TCPREMOTEIP IP=2001:DB8:0:0:0:0:0:00A1 "$OPEN" 2>"$T/o.err"
same "Dovecot's IP, IPv6 written in RFC 5952 text" "127.0.0.41 127.0.0.42 2001:db8::a1 " "$(rows)"
env -u TCPREMOTEIP IP=2001:db8:1111:2222:3333:4444:5555:6666 "$OPEN" 2>"$T/o.err"
same "IPv6 of 39 characters fits VARCHAR(39)" 1 \
  "$(sq -N -e "SELECT COUNT(*) FROM h7.relay WHERE ip_addr='2001:db8:1111:2222:3333:4444:5555:6666'")"
good_w "table relay54"
env -u IP TCPREMOTEIP=127.0.0.43 "$OPEN" 2>"$T/o.err"; rc=$?
same "vpopmail 5.4 schema (char timestamp) written" "0 127.0.0.43 " "$rc $(rows relay54)"
env -u TCPREMOTEIP IP=2001:db8:1111:2222:3333:4444:5555:6666 "$OPEN" true 2>"$T/o.err"; rc=$?
same "an address too long for char(18): one warning, not cut short, program still run" \
  "0 sqlrelayopen: warning: 2001:db8:1111:2222:3333:4444:5555:6666 not recorded: address does not fit column ip_addr|127.0.0.43 " \
  "$rc $(tr '\n' '|' <"$T/o.err")$(rows relay54)"
good_w
AUTHUSER=bob AUTHARGV0=x AUTHENTICATED= TCPREMOTEIP=127.0.0.44 "$OPEN" true 2>"$T/o.err"; rc=$?
same "Courier chain without AUTHENTICATED: nothing written, no line, program run" \
  "0 |" "$rc $(cat "$T/o.err")|$(rows | grep -o 127.0.0.44)"
AUTHUSER=bob AUTHARGV0=x AUTHENTICATED=bob TCPREMOTEIP=127.0.0.44 "$OPEN" true 2>"$T/o.err"
same "Courier chain with AUTHENTICATED: written" "127.0.0.44" "$(rows | grep -o 127.0.0.44)"
TCPREMOTEIP= IP=127.0.0.48 "$OPEN" 2>"$T/o.err"
same "an empty TCPREMOTEIP counts as unset: IP written" "127.0.0.48" "$(rows | grep -o 127.0.0.48)"
env -u TCPREMOTEIP -u IP "$OPEN" true 2>"$T/o.err"; rc=$?
same "no address: one warning, program run" \
  "0 sqlrelayopen: warning: no client address: neither TCPREMOTEIP nor IP is set: not recorded|" \
  "$rc $(tr '\n' '|' <"$T/o.err")"
for bad in 127.0.0.1x 1.2.3 '::1%lo' 'fe80::1/64' 1::2::3 "$(printf 'a\tb')"; do
  env -u IP TCPREMOTEIP="$bad" "$OPEN" true 2>"$T/o.err"; rc=$?
  case "$rc $(cat "$T/o.err")" in
  "0 sqlrelayopen: warning: not an IP address: TCPREMOTEIP="*": not recorded") ok "bad address [$bad]: one warning, program run";;
  *) notok "bad address [$bad]: one warning, program run" "$rc $(cat "$T/o.err")";; esac
done
env -u IP TCPREMOTEIP=127.0.0.45 "$OPEN" /nonexistent/prog 2>"$T/o.err"; rc=$?
same "exec failure: exit 111 and a fatal line" \
  "111 sqlrelayopen: fatal: unable to run /nonexistent/prog: file does not exist|" "$rc $(tr '\n' '|' <"$T/o.err")"
out=$(python3 -c '
import os, subprocess, sys
r, w = os.pipe(); os.close(r)
env = dict(os.environ, SQLRELAY_WRITE_CONTROL="/nonexistent", TCPREMOTEIP="127.0.0.45")
p = subprocess.run([sys.argv[1], "sh", "-c", "echo ran"], stderr=w, stdout=subprocess.PIPE, env=env)
print(p.returncode, p.stdout.decode().strip())' "$OPEN")
same "stderr a closed pipe: the warning cannot kill the login" "0 ran" "$out"
fds() { ls /proc/self/fd | sort -n | tr '\n' ' '; }
export -f fds
want=$(bash -c fds 7</dev/null 8>/dev/null)
got=$(TCPREMOTEIP=127.0.0.46 "$OPEN" bash -c fds 7</dev/null 8>/dev/null)
same "the program gets exactly the descriptors sqlrelayopen got" "$want" "$got"

# --- faults: never costs the login ------------------------------------------
# fault NAME: sqlrelayopen from 127.0.0.47 with the current control file;
# ok when the program runs, in under 4 s, and one warning line names
# the address and never the password
fault() {
  local t0=$(date +%s%N) out rc ms
  out=$(env -u IP TCPREMOTEIP=127.0.0.47 "$OPEN" echo ran 2>"$T/f.err"); rc=$?
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  if [ "$rc $out" != "0 ran" ]; then notok "$1: program run" "$rc $out"
  elif [ "$ms" -ge 4000 ]; then notok "$1: within the bound" "$ms ms"
  elif [ "$(wc -l <"$T/f.err")" != 1 ] || ! grep -q '^sqlrelayopen: warning: 127\.0\.0\.47 not recorded: ' "$T/f.err"; then
    notok "$1: one warning line" "$(tr '\n' '|' <"$T/f.err")"
  elif grep -qF -e "$WPW" "$T/f.err"; then notok "$1: no password" "$(cat "$T/f.err")"
  else ok "$1: login kept, one line, $ms ms"; echo "# $(cat "$T/f.err")"; fi
  FAULTMS=$ms
}
rm -f "$W"; fault "control file missing"
printf '\001\002garbage\nserver\n' >"$W"; fault "control file garbage"
good_w; sed -i "s/^pass .*/pass wrong-$RANDOM/" "$W"; fault "wrong password"
good_w "table nosuch"; fault "table missing"
FREE=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf 'server 127.0.0.1\nport %s\ndatabase h7\nuser h7write\npass %s\n' "$FREE" "$WPW" >"$W"
fault "database stopped (connection refused)"
python3 "$TOP/tests/sqlhang.py" 60 >"$T/hang.port" & HUNGPID=$!
HP=$(wait_port "$T/hang.port")
printf 'server 127.0.0.1\nserver 127.0.0.1\nserver 127.0.0.1\nport %s\ndatabase h7\nuser h7write\npass %s\n' "$HP" "$WPW" >"$W"
fault "every server hung"
[ "$FAULTMS" -ge 2500 ] && ok "every server hung: gave up at the 3 s bound ($FAULTMS ms)" ||
  notok "every server hung: gave up at the 3 s bound" "$FAULTMS ms"
grep -q 'server 127.0.0.1: no answer within 3 s$' "$T/f.err" && ok "hung: the line says which server did not answer" ||
  notok "hung: the line says which server did not answer" "$(cat "$T/f.err")"
good_w; sq -e "SET GLOBAL read_only=1"; fault "read-only server"; sq -e "SET GLOBAL read_only=0"
grep -q 'read-only' "$T/f.err" && ok "read-only: the line says so" || notok "read-only: the line says so" "$(cat "$T/f.err")"
sq -e "DELETE FROM h7.relay WHERE ip_addr='127.0.0.47'"
# a read-only server first, then a writable one: skipped at once, written
if "$TOP/tests/mariadb.sh" start "$T/db2" "" --read-only=1 >/dev/null; then
  DB2=1
  mariadb --no-defaults -S "$T/db2/sock" -uroot -e "CREATE DATABASE h7; CREATE TABLE h7.relay (ip_addr VARCHAR(39) NOT NULL, timestamp INT, PRIMARY KEY (ip_addr));
    CREATE USER 'h7write'@'127.0.0.1' IDENTIFIED BY '$WPW'; GRANT SELECT, INSERT, DELETE ON h7.* TO 'h7write'@'127.0.0.1';"
  printf 'server 127.0.0.1\nserver localhost\nsocket %s\nport %s\ndatabase h7\nuser h7write\npass %s\n' \
    "$MYSQL_SOCK" "$MYSQL_PORT" "$WPW" >"$W"
  # server 127.0.0.1 uses the port of both: point it at db2 by its own port
  sed -i "s/^port .*/port $(cat "$T/db2/port")/" "$W"
  t0=$(date +%s%N)
  env -u IP TCPREMOTEIP=127.0.0.47 "$OPEN" 2>"$T/f.err"; rc=$?
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  same "read-only replica first: skipped, written to the next server ($ms ms)" "0 127.0.0.47|" \
    "$rc $(rows | grep -o 127.0.0.47)|$(cat "$T/f.err")"
  "$TOP/tests/mariadb.sh" stop "$T/db2" >/dev/null 2>&1; DB2=
else notok "second MariaDB started" "tests/mariadb.sh failed"; fi
good_w

# --- the whole cycle: Dovecot, curl, tcpserver -S, qpsmtpd, swaks -----------
cat >"$T/postlogin.sh" <<EOF
#!/bin/sh
SQLRELAY_WRITE_CONTROL=$W exec "$OPEN" "\$@"
EOF
chmod 755 "$T/postlogin.sh"
if ! eval "$("$TOP/tests/dovecot.sh" start "$T/dovecot" "$T/postlogin.sh")"; then
  notok "Dovecot started" "tests/dovecot.sh failed"; exit 0
fi
DOVE=1
POPPW=$(cat "$T/dovecot/password")
# pop SRC HOST: a real POP3 login (curl) from SRC; ms in POPMS
pop() {
  local t0=$(date +%s%N)
  curl -sS --max-time 20 --interface "$1" -u "alice:$POPPW" "pop3://$2:$POP_PORT/" >/dev/null 2>"$T/curl.err"
  local rc=$?; POPMS=$(( ($(date +%s%N) - t0) / 1000000 )); return $rc
}
QP=$("$TOP/tests/qpsmtpd.sh" "$T/qp") || { notok "qpsmtpd set up" "tests/qpsmtpd.sh failed"; exit 0; }
TCPSERVER_SQL_CONTROL=$T/sql "$BIN/tcpserver" -1 -v -S -RHl0 127.0.0.1 0 "$QP" >"$T/ts.port" 2>"$T/ts.log" &
TSPID=$!
PORT=$(wait_port "$T/ts.port") || { notok "tcpserver started" "no port"; exit 0; }
smtp() { swaks --server 127.0.0.1 --port "$PORT" --local-interface "$1" --timeout 20 \
           --from roamer@client.example --to "someone@remote.example" 2>&1; }
relayed() { smtp "$1" | grep -q '^<-  250 .*recipient ok'; }
refused() { smtp "$1" | grep -q '^<\*\* 550 Relaying denied'; }
refused 127.0.0.31 && ok "SMTP before the POP login: relaying refused" || notok "SMTP before the POP login: relaying refused" "not refused"
pop 127.0.0.31 127.0.0.1 && ok "POP3 login over 127.0.0.1 ($POPMS ms)" || notok "POP3 login over 127.0.0.1" "$(cat "$T/curl.err") $(tail -n 4 "$T/dovecot/dovecot.log" | tr '\n' '|')"
relayed 127.0.0.31 && ok "SMTP right after the POP login: relaying accepted" || notok "SMTP right after the POP login: relaying accepted" "not accepted"
refused 127.0.0.32 && ok "SMTP from an address that did not log in: refused" || notok "SMTP from an address that did not log in: refused" "not refused"
grep -q '^tcpserver: sql [0-9]* relay 127\.0\.0\.31 localhost$' "$T/ts.log" && ok "tcpserver logged the relay hit" ||
  notok "tcpserver logged the relay hit" "$(grep sql "$T/ts.log" | tail -n 3 | tr '\n' '|')"
pop ::1 '[::1]' && ok "POP3 login over ::1 ($POPMS ms)" || notok "POP3 login over ::1" "$(cat "$T/curl.err")"
same "the IPv6 login wrote ::1" "::1" "$(rows | tr ' ' '\n' | grep -x '::1')"
out=$(TCPSERVER_SQL_CONTROL=$T/sql "$BIN/sqlrelaycheck" ::1 2>&1)
case $out in "relay ::1 (as ::1) server localhost "*) ok "the reading side finds the IPv6 login (sqlrelaycheck ::1)";;
  *) notok "the reading side finds the IPv6 login (sqlrelaycheck ::1)" "$out";; esac
# faults during a real login: the login still succeeds, the POP log has the line
dlog=$T/dovecot/dovecot.log
for f in stopped hung; do
  before=$(grep -c 'sqlrelayopen: warning' "$dlog")
  if [ $f = stopped ]; then printf 'server 127.0.0.1\nport %s\ndatabase h7\nuser h7write\npass %s\n' "$FREE" "$WPW" >"$W"
  else printf 'server 127.0.0.1\nport %s\ndatabase h7\nuser h7write\npass %s\n' "$HP" "$WPW" >"$W"; fi
  pop 127.0.0.33 127.0.0.1; rc=$?
  sleep 0.2
  after=$(grep -c 'sqlrelayopen: warning' "$dlog")
  if [ $rc = 0 ] && [ "$POPMS" -lt 4000 ] && [ $((after - before)) = 1 ] && ! grep -qF -e "$WPW" "$dlog"; then
    ok "POP login with the database $f: succeeds in $POPMS ms, one line in Dovecot's log"
    echo "# $(grep 'sqlrelayopen: warning' "$dlog" | tail -n 1)"
  else notok "POP login with the database $f" "rc $rc, $POPMS ms, $((after - before)) lines"; fi
done
good_w

# --- sqlrelayexpire ------------------------------------------------------------
sq -e "DELETE FROM h7.relay; INSERT INTO h7.relay VALUES
  ('127.0.0.50', UNIX_TIMESTAMP()), ('127.0.0.51', UNIX_TIMESTAMP() + 60),
  ('127.0.0.52', UNIX_TIMESTAMP() + 299), ('127.0.0.53', UNIX_TIMESTAMP() - 1700),
  ('127.0.0.60', UNIX_TIMESTAMP() - 1800), ('127.0.0.61', UNIX_TIMESTAMP() - 100000),
  ('127.0.0.62', UNIX_TIMESTAMP() + 320), ('127.0.0.63', UNIX_TIMESTAMP() + 86400),
  ('127.0.0.64', 2147483647);
  DELETE FROM h7.relay54; INSERT INTO h7.relay54 VALUES ('127.0.0.50', UNIX_TIMESTAMP()),
  ('127.0.0.51', UNIX_TIMESTAMP() + 60), ('127.0.0.61', UNIX_TIMESTAMP() - 100000),
  ('127.0.0.63', UNIX_TIMESTAMP() + 86400), ('127.0.0.64', '99999999999');"
out=$("$EXPIRE" -v -b 2 2>&1); rc=$?
same "expiry: old and far-future rows deleted, fresh and near-future kept" \
  "0 deleted 5 rows from relay on localhost in 5 windows|127.0.0.50 127.0.0.51 127.0.0.52 127.0.0.53 " \
  "$rc $out|$(rows)"
good_w "table relay54"
out=$("$EXPIRE" -v 2>&1); rc=$?
same "expiry on the char(12) schema (99999999999 too)" \
  "0 deleted 3 rows from relay54 on localhost in 1 windows|127.0.0.50 127.0.0.51 " "$rc $out|$(rows relay54)"
sq -e "INSERT INTO h7.relay54 VALUES ('127.0.0.65', 'abc'), ('127.0.0.66', ''), ('127.0.0.67', NULL),
  ('127.0.0.68', '12x')"
out=$("$EXPIRE" -v 2>&1); rc=$?
same "expiry: garbage and NULL time values (never relay) deleted, the rest kept" \
  "0 deleted 4 rows from relay54 on localhost in 1 windows|127.0.0.50 127.0.0.51 " "$rc $out|$(rows relay54)"
good_w "skew 0"
out=$("$EXPIRE" 2>&1); rc=$?
same "expiry with skew 0 deletes rows dated ahead, silent without -v" "0 |127.0.0.50 127.0.0.53 " "$rc $out|$(rows)"
good_w
pop 127.0.0.34 127.0.0.1; relayed 127.0.0.34 && ok "a fresh login relays" || notok "a fresh login relays" "refused"
sleep 2
"$EXPIRE" -t 1 2>"$T/e.err"
refused 127.0.0.34 && ok "after sqlrelayexpire -t 1 the client no longer relays" || notok "after sqlrelayexpire -t 1 the client no longer relays" "still relays"
"$EXPIRE" -t 0 >/dev/null 2>&1; same "-t 0: usage, exit 100" 100 $?
"$EXPIRE" -x >/dev/null 2>&1; same "unknown option: exit 100" 100 $?
"$EXPIRE" extra >/dev/null 2>&1; same "an argument: exit 100" 100 $?
good_w; sed -i 's/^time .*/time 0/' "$W"
out=$("$EXPIRE" 2>&1); rc=$?
same "time 0 and no -t: exit 111, says why" "111 sqlrelayexpire: fatal: $W: time is 0 (no age limit): give -t seconds" "$rc $out"
good_w; sed -i "s/^pass .*/pass nope/" "$W"
out=$("$EXPIRE" 2>&1); rc=$?
case "$rc $out" in "111 "*"Access denied"*"sqlrelayexpire: fatal: no server took the delete") ok "failure: exit 111 with a clear line";;
  *) notok "failure: exit 111 with a clear line" "$rc $out";; esac
good_w
kill "$TSPID"; wait "$TSPID" 2>/dev/null; TSPID=

# --- 1,000,000 rows, SMTP connections running: how long does one wait? ----
# half the rows expired; 127.0.0.70 logged in (fresh row); connections from
# it through tcpserver -S, one after another, while sqlrelayexpire runs:
# every one must relay (no lookup failed or timed out: read_timeout 2 s)
# and the slowest is reported
sed 's/^database h7$/database h7\ntable big/' "$T/sql" >"$T/sqlbig"; chmod 600 "$T/sqlbig"
TCPSERVER_SQL_CONTROL=$T/sqlbig "$BIN/tcpserver" -1 -v -S -RHl0 127.0.0.1 0 \
  "$BIN/tests/bin/childprobe" -E >"$T/ts.port" 2>"$T/tsbig.log" &
TSPID=$!
PORT=$(wait_port "$T/ts.port") || { notok "tcpserver started" "no port"; exit 0; }
for engine in MyISAM InnoDB; do
  sq -e "DROP TABLE IF EXISTS h7.big; CREATE TABLE h7.big (ip_addr VARCHAR(39) NOT NULL, timestamp INT,
    PRIMARY KEY (ip_addr)) ENGINE=$engine;
    INSERT INTO h7.big SELECT CONCAT('10.', seq DIV 65536, '.', (seq DIV 256) % 256, '.', seq % 256),
      IF(seq % 2, UNIX_TIMESTAMP() - 100000, UNIX_TIMESTAMP()) FROM h7.seq_1_to_1000000;
    INSERT INTO h7.big VALUES ('127.0.0.70', UNIX_TIMESTAMP());"
  good_w "table big"
  "$EXPIRE" -v >"$T/expire.out" 2>&1 &
  EPID=$!
  t0=$(date +%s%N); n=0; bad=0; worst=0
  while kill -0 $EPID 2>/dev/null; do
    c0=$(date +%s%N)
    out=$("$BIN/tests/bin/tcpclient" -b 127.0.0.70 -t 15 127.0.0.1 "$PORT" 2>&1)
    ms=$(( ($(date +%s%N) - c0) / 1000000 ))
    [ $ms -gt $worst ] && worst=$ms
    case $out in *"env RELAYCLIENT="*) ;; *) bad=$((bad+1));; esac
    n=$((n+1))
  done
  wait $EPID; rc=$?
  ems=$(( ($(date +%s%N) - t0) / 1000000 ))
  same "1,000,000 rows ($engine): half deleted" "0 deleted 500000 rows from big on localhost in 1001 windows" \
    "$rc $(cat "$T/expire.out")"
  if [ $n -gt 0 ] && [ $bad = 0 ]; then
    ok "1,000,000 rows ($engine): all $n SMTP connections during the expiry relayed (slowest $worst ms; expiry took $ems ms)"
  else notok "1,000,000 rows ($engine): every SMTP connection during the expiry relayed" "$bad of $n did not"; fi
done
same "no lookup failed or timed out during the expiries" "" "$(grep 'warning' "$T/tsbig.log")"
kill "$TSPID"; wait "$TSPID" 2>/dev/null; TSPID=
sq -e "DROP TABLE h7.big"
good_w

for f in "$T"/*.err "$T"/*.out "$T/ts.log" "$T/dovecot/dovecot.log"; do
  [ -f "$f" ] && grep -lF -e "$WPW" -e "$RPW" "$f"
done >"$T/pwhits"
same "no password in any output or log" "" "$(cat "$T/pwhits")"
exit 0
