#!/bin/sh
# sqlrelaycheck and the sqlrelay backend against real MariaDB servers: the
# shared one (TCP and socket), a second private one with TLS and a short
# wait_timeout, and fake servers that refuse or hang.
# (The parser unit tests, tests/unit_sqlconf.c, run in suite-10-unit.)
. "$(dirname "$0")/lib.sh"
: "${MYSQL_SOCK:?}" "${MYSQL_PORT:?}"
PROG=$BIN/sqlrelaycheck
PW='h4-Pw_7xQz9'
DB2=$T/db2
CONF=$T/sql
TCPSERVER_SQL_CONTROL=$CONF
export TCPSERVER_SQL_CONTROL
pids=""

sql() { mariadb --no-defaults -S "$MYSQL_SOCK" -uroot "$@"; }
sql2() { mariadb --no-defaults -S "$DB2/sock" -uroot "$@"; }
cleanup() {
  for p in $pids; do kill "$p" 2>/dev/null; done
  [ -f "$DB2/mpid" ] && "$TOP/tests/mariadb.sh" stop "$DB2" >/dev/null 2>&1
  sql -e "DROP DATABASE IF EXISTS h4_s54; DROP DATABASE IF EXISTS h4_s56;
    DROP USER IF EXISTS 'h4relay'@'localhost'; DROP USER IF EXISTS 'h4relay'@'127.0.0.1'" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# conf LINE...: the control file, mode 600
conf() { printf '%s\n' "$@" >"$CONF"; chmod 600 "$CONF"; }
# run ARGS...: rc, $T/out, $T/err; every output also kept in $T/all
run() {
  timeout 30 "$PROG" "$@" >"$T/out" 2>"$T/err"; rc=$?
  cat "$T/out" "$T/err" >>"$T/all"
}
# runin INPUTCMD: sqlrelaycheck - fed by the shell command INPUTCMD
runin() {
  t0=$(date +%s%3N)
  sh -c "$1" | timeout 30 "$PROG" - >"$T/out" 2>"$T/err"; rc=$?
  wall=$(( $(date +%s%3N) - t0 ))
  cat "$T/out" "$T/err" >>"$T/all"
}
# msof N: the whole milliseconds of answer line N
msof() { sed -n "${1}p" "$T/out" | sed 's/.* \([0-9]*\)\.[0-9][0-9] ms.*/\1/'; }
# answer WHAT EXPECTED-REGEX: one check on $T/out (exit 0, empty stderr)
answer() {
  if [ "$rc" -eq 0 ] && grep -Eqx "$2" "$T/out" && [ ! -s "$T/err" ]; then ok "$1"
  else notok "$1" "rc=$rc out=$(tr '\n' '|' <"$T/out") err=$(tr '\n' '|' <"$T/err")"; fi
}
# fails WHAT RC STDERR-REGEX
fails() {
  if [ "$rc" -eq "$2" ] && grep -Eq "$3" "$T/err"; then ok "$1"
  else notok "$1" "rc=$rc err=$(tr '\n' '|' <"$T/err")"; fi
}
# between WHAT N LOW HIGH
between() {
  if [ -n "$2" ] && [ "$2" -ge "$3" ] && [ "$2" -le "$4" ]; then ok "$1"
  else notok "$1" "$2 not in $3..$4; out=$(tr '\n' '|' <"$T/out")"; fi
}

SCHEMA="
DROP DATABASE IF EXISTS h4_s54; DROP DATABASE IF EXISTS h4_s56;
DROP USER IF EXISTS 'h4relay'@'localhost'; DROP USER IF EXISTS 'h4relay'@'127.0.0.1';
CREATE DATABASE h4_s54;
CREATE TABLE h4_s54.relay (ip_addr char(18) NOT NULL default '',
  timestamp char(12) default NULL, PRIMARY KEY (ip_addr));
CREATE DATABASE h4_s56;
CREATE TABLE h4_s56.relay (ip_addr VARCHAR(39) NOT NULL, timestamp INT,
  PRIMARY KEY (ip_addr));
CREATE TABLE h4_s56.custom (addr VARCHAR(39) NOT NULL, seen INT, PRIMARY KEY (addr));
INSERT INTO h4_s54.relay VALUES ('10.1.2.3', UNIX_TIMESTAMP()),
  ('10.9.9.9', UNIX_TIMESTAMP() - 4000), ('10.5.5.5', NULL);
INSERT INTO h4_s56.relay VALUES ('10.1.2.3', UNIX_TIMESTAMP()),
  ('10.9.9.9', UNIX_TIMESTAMP() - 4000), ('2001:db8::1', UNIX_TIMESTAMP());
INSERT INTO h4_s56.custom VALUES ('10.7.7.7', UNIX_TIMESTAMP());
CREATE TABLE h4_s56.v6 (ip_addr VARCHAR(39) NOT NULL, timestamp INT, PRIMARY KEY (ip_addr));
INSERT INTO h4_s56.v6 VALUES ('2001:db8::a1', UNIX_TIMESTAMP()), ('2001_db8__a2', UNIX_TIMESTAMP()),
  ('2001_db8__a3', UNIX_TIMESTAMP() + 100000), ('2001:db8::a4', UNIX_TIMESTAMP() + 100000),
  ('2001_db8__a4', UNIX_TIMESTAMP()), ('2001:db8::a5', UNIX_TIMESTAMP() - 4000),
  ('10.6.6.6', UNIX_TIMESTAMP()), ('::ffff:10.6.6.7', UNIX_TIMESTAMP()), ('', UNIX_TIMESTAMP()),
  ('2001:db8:aaaa:bbbb', UNIX_TIMESTAMP()), ('2001_db8_aaaa_bbbb', UNIX_TIMESTAMP()),
  ('2001:db8:1111:2222:3333:4444:5555:6666', UNIX_TIMESTAMP()),
  ('2001_db8_1111_2222_3333_4444_5555_6668', UNIX_TIMESTAMP());
CREATE TABLE h4_s56.tttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt (cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc VARCHAR(39) NOT NULL, ssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssss INT, PRIMARY KEY (cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc));
INSERT INTO h4_s56.tttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt VALUES ('2001_db8__c1', UNIX_TIMESTAMP());
CREATE TABLE h4_s54.v6 (ip_addr char(18) NOT NULL default '', timestamp char(12) default NULL,
  PRIMARY KEY (ip_addr));
INSERT INTO h4_s54.v6 SELECT * FROM h4_s56.v6 WHERE CHAR_LENGTH(ip_addr) <= 18;
INSERT INTO h4_s54.relay SELECT CONCAT('192.168.', seq DIV 250, '.', seq MOD 250),
  UNIX_TIMESTAMP() FROM h4_s54.seq_1_to_500;
INSERT INTO h4_s56.relay SELECT ip_addr, timestamp FROM h4_s54.relay WHERE ip_addr LIKE '192.%';
CREATE USER 'h4relay'@'localhost' IDENTIFIED BY '$PW';
CREATE USER 'h4relay'@'127.0.0.1' IDENTIFIED BY '$PW';
GRANT SELECT ON h4_s54.* TO 'h4relay'@'localhost', 'h4relay'@'127.0.0.1';
GRANT SELECT ON h4_s56.* TO 'h4relay'@'localhost', 'h4relay'@'127.0.0.1';
"
check "test schemas created" sql -e "$SCHEMA"
: >"$T/all"
TCP="server 127.0.0.1
port $MYSQL_PORT"
BASE="user h4relay
pass $PW
connect_timeout 1
read_timeout 2"
IP4='[0-9]+\.[0-9][0-9] ms'

# --- the control file alone
conf "$TCP" "database h4_s54" "$BASE" "colour blue"
run
if [ $rc -eq 0 ] && grep -qx 'database h4_s54' "$T/out" && grep -qx 'pass (hidden)' "$T/out" &&
   [ "$(cat "$T/err")" = "sqlrelaycheck: warning: $CONF line 8: unknown key: colour" ]; then
  ok "no address: settings shown, problems warned, exit 0"
else notok "no address: settings shown" "rc=$rc err=$(cat "$T/err")"; fi
TCPSERVER_SQL_CONTROL=$T/nonexistent run 10.1.2.3
same "missing file: exit 111 and message" \
  "111 sqlrelaycheck: fatal: unable to read $T/nonexistent: file does not exist" "$rc $(cat "$T/err")"
conf "$TCP" "$BASE" "time soon"
run 10.1.2.3
same "unusable file: every problem, exit 100" "100|sqlrelaycheck: warning: $CONF line 7: bad value for time: soon (want 0 to 1000000000)|sqlrelaycheck: warning: $CONF: missing database|sqlrelaycheck: fatal: $CONF: unusable|" \
  "$rc|$(tr '\n' '|' <"$T/err")"
conf "$TCP" "database h4_s54" "$BASE"
chmod 644 "$CONF"
run 10.1.2.3
if [ $rc -eq 0 ] && grep -qx "sqlrelaycheck: warning: $CONF: readable by other users" "$T/err"; then
  ok "world-readable file: warning, still used"
else notok "world-readable file" "rc=$rc err=$(cat "$T/err")"; fi
conf "$TCP" "database h4_s54" "$BASE"
run 'x;drop'
fails "bad address: exit 100" 100 '^sqlrelaycheck: fatal: bad address$'
run -x
fails "unknown option: usage, exit 100" 100 'usage: sqlrelaycheck'

cp "$TOP/control-sql.example" "$CONF" && chmod 600 "$CONF"
run
if [ $rc -eq 0 ] && [ ! -s "$T/err" ] && grep -qx 'set RELAYCLIENT=' "$T/out"; then
  ok "control-sql.example: usable, no problems"
else notok "control-sql.example" "rc=$rc err=$(cat "$T/err")"; fi
sed -e "s|^socket .*|socket $MYSQL_SOCK|" -e 's/^database .*/database h4_s54/' \
  -e 's/^user .*/user h4relay/' -e "s/^pass .*/pass $PW/" "$TOP/control-sql.example" >"$CONF"
run 10.1.2.3
answer "control-sql.example with its socket line rewritten: relay" "relay 10\.1\.2\.3 server localhost $IP4"

# --- lookups, both vpopmail schemas, TCP and socket
for db in h4_s54 h4_s56; do
  conf "$TCP" "database $db" "$BASE"
  run 10.1.2.3
  answer "$db TCP: hit" "relay 10\.1\.2\.3 server 127\.0\.0\.1 $IP4"
  run 10.0.0.1
  answer "$db TCP: miss" "no relay 10\.0\.0\.1 server 127\.0\.0\.1 $IP4"
  run 10.9.9.9
  answer "$db TCP: expired row (4000 s > time 1800) no relay" "no relay 10\.9\.9\.9 .*"
  run ::ffff:10.1.2.3
  answer "$db TCP: IPv4-mapped address found as dotted quad" "relay ::ffff:10\.1\.2\.3 .*"
  conf "server localhost" "socket $MYSQL_SOCK" "database $db" "$BASE" "time 0"
  run 10.9.9.9
  answer "$db socket, time 0: expired row relays" "relay 10\.9\.9\.9 server localhost $IP4"
  conf "server localhost" "socket $MYSQL_SOCK" "database $db" "$BASE" "time 5000"
  run 10.9.9.9 10.0.0.2
  answer "$db socket, time 5000: row is young enough" "relay 10\.9\.9\.9 server localhost $IP4"
  for q in "EXPLAIN SELECT 1 FROM $db.relay WHERE ip_addr = '10.1.2.3' AND timestamp > UNIX_TIMESTAMP() - 1800 LIMIT 1" \
           "EXECUTE IMMEDIATE 'EXPLAIN SELECT 1 FROM $db.relay WHERE ip_addr = ? AND timestamp > UNIX_TIMESTAMP() - ? LIMIT 1' USING '10.1.2.3', 1800"; do
    key=$(sql -N -B -e "$q" | cut -f 6)
    same "$db: the lookup uses the primary key (${q%% *})" PRIMARY "$key"
  done
done
conf "$TCP" "database h4_s54" "$BASE"
run 10.5.5.5
answer "NULL timestamp: no relay" "no relay 10\.5\.5\.5 .*"
conf "$TCP" "database h4_s56" "$BASE"
run 2001:db8::1
answer "IPv6 row (VARCHAR(39) schema)" "relay 2001:db8::1 .*"
conf "$TCP" "database h4_s56" "$BASE" "table custom" "column addr" "timecolumn seen"
run 10.7.7.7
answer "table, column, timecolumn from the file" "relay 10\.7\.7\.7 .*"

# --- IPv6 clients (ipv6.md Part 2, -S): the RFC 5952 text and vpopmail's
# transform (2001:db8::1 stored as 2001_db8__1) asked in one statement;
# an IPv4-mapped client as its dotted quad only; an address longer than a
# char(18) column is a miss, even where vpopmail's non-strict write left
# its first 18 characters (2001:db8:aaaa:bbbb:1::7 -> 2001:db8:aaaa:bbbb)
for db in h4_s54 h4_s56; do
  conf "$TCP" "database $db" "table v6" "$BASE"
  run 2001:db8::a1
  answer "$db IPv6: RFC 5952 row relays" "relay 2001:db8::a1 \(as 2001:db8::a1\) server 127\.0\.0\.1 $IP4"
  run 2001:db8::a2
  answer "$db IPv6: vpopmail's underscore row relays, says so" "relay 2001:db8::a2 \(as 2001_db8__a2\) server 127\.0\.0\.1 $IP4"
  run 2001:DB8:0:0:0:0:0:A2
  answer "$db IPv6: another spelling normalised to RFC 5952, matches" "relay 2001:db8::a2 \(as 2001_db8__a2\) server .*"
  run 2001:db8::a9
  answer "$db IPv6: a different address does not relay, both keys named" \
    "no relay 2001:db8::a9 \(asked 2001:db8::a9, 2001_db8__a9\) server 127\.0\.0\.1 $IP4"
  run 2001:db8::a3
  answer "$db IPv6: future-dated underscore row: no relay, names its key" \
    "no relay 2001:db8::a3 \(as 2001_db8__a3\) server .*: dated in the future: row [0-9]+, now [0-9]+"
  run 2001:db8::a4
  answer "$db IPv6: a fresh row in one form wins over a future one in the other" "relay 2001:db8::a4 \(as 2001_db8__a4\) .*"
  run 2001:db8::a5
  answer "$db IPv6: expired row no relay" "no relay 2001:db8::a5 \(asked .*"
  run ::ffff:10.6.6.6 10.6.6.6
  answer "$db IPv6: mapped client matches the dotted row" "relay ::ffff:10\.6\.6\.6 \(as 10\.6\.6\.6\) .*"
  same "$db IPv6: IPv4 answer line unchanged" "relay 10.6.6.6 server 127.0.0.1" "$(sed -n 2p "$T/out" | cut -d' ' -f1-4)"
  run ::ffff:10.6.6.7
  answer "$db IPv6: mapped client not matched by a row in mapped text" "no relay ::ffff:10\.6\.6\.7 \(asked 10\.6\.6\.7\) .*"
  run ::1
  answer "$db IPv6: ::1 not matched by vpopmail's empty-string row" "no relay ::1 \(asked ::1\) .*"
  run 2001:db8:aaaa:bbbb:1::7
  answer "$db IPv6: longer than char(18), its first 18 characters in the table: a miss, no error" \
    "no relay 2001:db8:aaaa:bbbb:1::7 \(asked 2001:db8:aaaa:bbbb:1::7, 2001_db8_aaaa_bbbb_1__7\) .*"
  run 2001:db8:1111:2222:3333:4444:5555:6668
  answer "$db IPv6: a 39-character address is asked as itself only (vpopmail stores it raw)" \
    "no relay 2001:db8:1111:2222:3333:4444:5555:6668 \(asked 2001:db8:1111:2222:3333:4444:5555:6668\) .*"
done
run 2001:db8:1111:2222:3333:4444:5555:6666
answer "h4_s56 IPv6: a 39-character row relays" \
  "relay 2001:db8:1111:2222:3333:4444:5555:6666 \(as 2001:db8:1111:2222:3333:4444:5555:6666\) .*"
conf "$TCP" "database h4_s54" "table v6" "$BASE"
run 2001:db8:1111:2222:3333:4444:5555:6666
answer "h4_s54 IPv6: a 39-character address against char(18): a miss, no error" "no relay 2001:db8:1111:.* server .*"
L64=$(printf 't%.0s' $(seq 64)) C64=$(printf 'c%.0s' $(seq 64)) S64=$(printf 's%.0s' $(seq 64))
conf "$TCP" "database h4_s56" "table $L64" "column $C64" "timecolumn $S64" "$BASE"
run 2001:db8::c1
answer "IPv6 statement with 64-character table, column and timecolumn names" "relay 2001:db8::c1 \\(as 2001_db8__c1\\) .*"
for a in 1::2::3 ::1%lo fe80::1/64 1.2.3 2001_db8__1 010.1.2.3 ' 10.1.2.3'; do
  run "$a"
  fails "malformed address '$a': bad address, exit 100" 100 '^sqlrelaycheck: fatal: bad address$'
done
conf "$TCP" "database h4_s56" "table v6" "$BASE"
runin 'echo 2001:db8::a2; echo 1::2::3; echo 10.6.6.6'
if [ $rc -eq 100 ] && [ "$(cut -d' ' -f1-4 "$T/out" | tr '\n' '|')" = "relay 2001:db8::a2 (as 2001_db8__a2)|bad address|relay 10.6.6.6 server 127.0.0.1|" ]; then
  ok "stdin: IPv6, a malformed line (bad address), IPv4; exit 100"
else notok "stdin: IPv6, malformed, IPv4" "rc=$rc out=$(tr '\n' '|' <"$T/out")"; fi
# the statement sqlrelaycheck really sent (the general log shows it with
# its values) goes through the primary key on both schemas
for db in h4_s54 h4_s56; do
  conf "$TCP" "database $db" "table v6" "$BASE"
  sql -e "SET GLOBAL general_log_file='$T/general50.log'; SET GLOBAL general_log=1"
  run 2001:db8::a2 2001:db8:aaaa:bbbb:1::7
  sql -e "SET GLOBAL general_log=0"
  for ip in 2001:db8::a2 2001:db8:aaaa:bbbb:1::7; do
    stmt=$(grep -F "'$ip'" "$T/general50.log" | grep -E '[[:space:]]Execute[[:space:]]' | tail -n 1 | sed 's/.*Execute[[:space:]]*//')
    case $stmt in *" IN ("*) ;; *) notok "$db IPv6: statement logged for $ip" "${stmt:-none}"; continue;; esac
    plan=$(sql -N -B "$db" -e "EXPLAIN $stmt" | awk -F '\t' '$3 == "v6" { print $4, $6 }')
    case $plan in "const PRIMARY"|"range PRIMARY") ok "$db IPv6: the statement for $ip uses the primary key ($plan)";;
      *) notok "$db IPv6: the statement for $ip uses the primary key" "plan '$plan' for $stmt";; esac
  done
done

# --- errors
conf "$TCP" "database h4_s54" "$BASE" "table nosuch"
run 10.1.2.3
fails "missing table: exit 111, names the server and cause" 111 \
  "^sqlrelaycheck: fatal: server 127\.0\.0\.1: .*nosuch' doesn't exist"
conf "$TCP" "database h4_s54" "user h4relay" "pass Wr0ngPass-h4"
run 10.1.2.3
fails "wrong password: exit 111, access denied" 111 "^sqlrelaycheck: fatal: server 127\.0\.0\.1: Access denied"
if grep -q 'Wr0ngPass-h4' "$T/out" "$T/err"; then notok "wrong password not shown" "found"
else ok "wrong password not shown"; fi

# --- several servers, the first refusing
dead=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
rm -f "$T/dead.sock" "$T/hang.sock"
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$T/dead.sock"
conf "server 127.0.0.1" "server localhost" "port $dead" "socket $MYSQL_SOCK" "database h4_s54" "$BASE"
runin 'echo 10.1.2.3; echo 10.0.0.1'
answer "TCP server refusing: the next (socket) answers" "relay 10\.1\.2\.3 server localhost $IP4"
between "TCP server refusing: no wait (ms)" "$wall" 0 1500
conf "server localhost" "server 127.0.0.1" "port $MYSQL_PORT" "socket $T/dead.sock" "database h4_s54" "$BASE"
run 10.1.2.3
answer "socket server refusing: the next (TCP) answers" "relay 10\.1\.2\.3 server 127\.0\.0\.1 $IP4"
conf "server localhost" "server 127.0.0.1" "port $dead" "socket $T/dead.sock" "database h4_s54" "$BASE"
run 10.1.2.3
fails "all servers refusing: exit 111" 111 "^sqlrelaycheck: fatal: server 127\.0\.0\.1: .*(refused|connect)"

# --- a hung first server: one connect_timeout, then skipped for retry seconds
python3 "$TOP/tests/sqlhang.py" 30 >"$T/hang.port" & pids="$pids $!"
python3 "$TOP/tests/sqlhang.py" 30 "$T/hang.sock" >"$T/hangs.out" & pids="$pids $!"
hport=$(wait_port "$T/hang.port")
waitfor 5 test -S "$T/hang.sock"
conf "server 127.0.0.1" "server localhost" "port $hport" "socket $MYSQL_SOCK" "database h4_s54" "$BASE"
runin 'echo 10.1.2.3; echo 10.1.2.3; echo 10.0.0.1'
answer "hung TCP server: the next answers" "relay 10\.1\.2\.3 server localhost $IP4"
between "hung TCP server: first lookup costs one connect_timeout (1 s)" "$(msof 1)" 900 2500
between "hung TCP server: then skipped (2nd lookup ms)" "$(msof 2)" 0 500
between "hung TCP server: 3 lookups, wall ms" "$wall" 900 3500
conf "server localhost" "server 127.0.0.1" "port $MYSQL_PORT" "socket $T/hang.sock" "database h4_s54" "$BASE"
runin 'echo 10.1.2.3; echo 10.1.2.3'
answer "hung socket server: the next (TCP) answers" "relay 10\.1\.2\.3 server 127\.0\.0\.1 $IP4"
between "hung socket server: one connect_timeout" "$(msof 1)" 900 2500
between "hung socket server: then skipped" "$(msof 2)" 0 500
conf "server 127.0.0.1" "port $hport" "database h4_s54" "$BASE" "connect_timeout 2"
runin 'echo 10.1.2.3; echo 10.1.2.3'
if [ $rc -eq 111 ] && grep -q '^error 10.1.2.3 server 127.0.0.1 [0-9.]* ms: .*handshake' "$T/out" &&
   sed -n 2p "$T/out" | grep -q 'skipped after a recent failure'; then
  ok "only server hung: error, then skipped with the cause"
else notok "only server hung" "rc=$rc out=$(tr '\n' '|' <"$T/out")"; fi
between "only server hung: connect_timeout 2 respected (ms)" "$(msof 1)" 1900 3500

# --- a server that hangs in mid-session: read_timeout (not multiplied)
python3 "$TOP/tests/sqlproxy.py" "$MYSQL_PORT" "$T/freeze" 30 >"$T/proxy.port" & pids="$pids $!"
pport=$(wait_port "$T/proxy.port")
conf "server 127.0.0.1" "port $pport" "database h4_s54" "$BASE" "read_timeout 2"
runin "echo 10.1.2.3; sleep 1; touch '$T/freeze'; echo 10.1.2.3; echo 10.1.2.3"
rm -f "$T/freeze"
if sed -n 1p "$T/out" | grep -q '^relay ' && sed -n 2p "$T/out" | grep -q '^error .*Lost connection' &&
   sed -n 3p "$T/out" | grep -q 'skipped'; then ok "server hung in mid-session: relay, error, skipped"
else notok "server hung in mid-session" "out=$(tr '\n' '|' <"$T/out")"; fi
between "hung in mid-session: one read_timeout of 2 s, no retry (ms)" "$(msof 2)" 1900 2900

# --- a lost connection is reconnected once
conf "$TCP" "database h4_s54" "$BASE"
runin "echo 10.1.2.3; sleep 1
  for id in \$(mariadb --no-defaults -S '$MYSQL_SOCK' -uroot -N -e \"SELECT id FROM information_schema.processlist WHERE user='h4relay'\"); do
    mariadb --no-defaults -S '$MYSQL_SOCK' -uroot -e \"KILL \$id\" && echo killed >>'$T/killed'; done
  echo 10.1.2.3"
if [ $rc -eq 0 ] && [ "$(grep -c '^relay 10.1.2.3' "$T/out")" = 2 ] && [ -s "$T/killed" ]; then
  ok "connection killed between lookups: reconnected, relay"
else notok "connection killed between lookups" "rc=$rc killed=$(cat "$T/killed" 2>/dev/null) out=$(tr '\n' '|' <"$T/out")"; fi

# --- TLS (second private MariaDB, certificates made here) and wait_timeout
mkdir -p "$T/tls" && cd "$T/tls" || exit 1
{ openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=h4-ca &&
  openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.pem -days 2 -subj /CN=h4-other &&
  openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=h4-server &&
  printf 'subjectAltName=IP:127.0.0.1\n' >ext &&
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile ext
} >"$T/openssl.log" 2>&1
check "test certificates made" test -s server.pem
cd "$T" || exit 1
if "$TOP/tests/mariadb.sh" start "$DB2" "" --ssl-cert="$T/tls/server.pem" \
     --ssl-key="$T/tls/server.key" --ssl-ca="$T/tls/ca.pem" --wait-timeout=2 >"$T/db2.env"; then
  P2=$(sed 's/.*MYSQL_PORT=\([0-9]*\).*/\1/' "$T/db2.env")
  sql2 -e "$SCHEMA" || notok "TLS server schema" "failed"
  conf "server 127.0.0.1" "port $P2" "database h4_s54" "$BASE" "ssl_ca $T/tls/ca.pem"
  run 10.1.2.3
  answer "TLS: certificate verified with ssl_ca, relay" "relay 10\.1\.2\.3 server 127\.0\.0\.1 $IP4"
  conf "server 127.0.0.1" "port $P2" "database h4_s54" "$BASE" "ssl_ca $T/tls/other.pem"
  run 10.1.2.3
  fails "TLS: certificate of another CA refused" 111 "^sqlrelaycheck: fatal: server 127\.0\.0\.1: TLS/SSL error"
  conf "server 127.0.0.1" "port $P2" "database h4_s54" "$BASE" "ssl_ca $T/tls/other.pem" "ssl_verify no"
  run 10.1.2.3
  fails "TLS: ssl_verify no still checks the CA" 111 "TLS/SSL error"
  conf "server localhost" "socket $DB2/sock" "database h4_s54" "$BASE" "ssl_ca $T/tls/ca.pem"
  run 10.1.2.3
  fails "TLS: certificate not naming the server (localhost) refused" 111 "^sqlrelaycheck: fatal: server localhost: TLS/SSL error"
  conf "server localhost" "socket $DB2/sock" "database h4_s54" "$BASE" "ssl_ca $T/tls/ca.pem" "ssl_verify no"
  run 10.1.2.3
  answer "TLS: ssl_verify no accepts a certificate for another name" "relay 10\.1\.2\.3 server localhost $IP4"
  conf "server 127.0.0.1" "port $P2" "database h4_s54" "$BASE"
  runin 'echo 10.1.2.3; sleep 3.5; echo 10.1.2.3'
  if [ $rc -eq 0 ] && [ "$(grep -c '^relay 10.1.2.3' "$T/out")" = 2 ]; then
    ok "idle past wait_timeout (2 s): reconnected, relay"
  else notok "idle past wait_timeout" "rc=$rc out=$(tr '\n' '|' <"$T/out")"; fi
else
  notok "second MariaDB with TLS started" "$(tail -n 5 "$DB2/error.log" 2>/dev/null | tr '\n' '|')"
fi
conf "$TCP" "database h4_s54" "$BASE" "ssl_ca $T/tls/ca.pem"
run 10.1.2.3
fails "TLS required, server without TLS: refused" 111 "^sqlrelaycheck: fatal: server 127\.0\.0\.1: .*SSL"

if grep -qF "$PW" "$T/all"; then notok "the password appears in no output" "found in $T/all"
else ok "the password appears in no output"; fi
exit 0
