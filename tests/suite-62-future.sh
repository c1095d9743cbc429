#!/bin/bash
# Relay rows dated in the future (issue: a row whose time lies beyond
# now + skew must not open the relay): tcpserver -S decisions, the -v
# warning once per address, skew 0 / 3600 and a live edit of skew, and
# what sqlrelaycheck says; both vpopmail schemas (char and int times).
. "$(dirname "$0")/lib.sh"
: "${MYSQL_SOCK:?}" "${MYSQL_PORT:?}"
CTL=$T/sql
PW='h62Pw-Fut9q'
TSPID=
cleanup() {
  [ -n "$TSPID" ] && kill "$TSPID" 2>/dev/null
  sq -e "DROP DATABASE IF EXISTS h62_old; DROP DATABASE IF EXISTS h62_new;
    DROP USER IF EXISTS 'h62relay'@'localhost'" 2>/dev/null
}
trap cleanup EXIT
sq() { mariadb --no-defaults -S "$MYSQL_SOCK" -uroot "$@"; }
for p in tcpserver sqlrelayd sqlrelaycheck tests/bin/childprobe tests/bin/tcpclient; do
  [ -x "$BIN/$p" ] || { notok "built $p" "missing $BIN/$p"; exit 0; }
done
sq <<EOF || { notok "schema" "could not create the test tables"; exit 0; }
DROP DATABASE IF EXISTS h62_old; DROP DATABASE IF EXISTS h62_new;
CREATE DATABASE h62_old; CREATE DATABASE h62_new;
CREATE TABLE h62_old.relay (ip_addr char(18) NOT NULL default '',
  timestamp char(12) default NULL, PRIMARY KEY (ip_addr));
CREATE TABLE h62_new.relay (ip_addr VARCHAR(39) NOT NULL, timestamp INT,
  PRIMARY KEY (ip_addr));
CREATE USER IF NOT EXISTS 'h62relay'@'localhost' IDENTIFIED BY '$PW';
GRANT SELECT ON h62_old.* TO 'h62relay'@'localhost';
GRANT SELECT ON h62_new.* TO 'h62relay'@'localhost';
EOF
ok "schema: both vpopmail layouts"

# the rows: address (127.0.0.N) and how far ahead of now it is dated
ROWS="21:0 22:60 23:299 24:301 25:86400 27:-100"
# rows DB: every row dated afresh from the database's clock, just after a
# second begins (a check right after sees the same second: +301 stays
# one second beyond +300); 127.0.0.26 holds the literal 99999999999 (char
# column) or 2147483647, the largest INT (int column)
far() { [ "$1" = h62_old ] && echo 99999999999 || echo 2147483647; }
rows() {
  python3 -c 'import time; time.sleep(1.02 - time.time() % 1)'
  local q="REPLACE INTO $1.relay VALUES ('127.0.0.26', '$(far "$1")')" r
  for r in $ROWS; do
    q="$q, ('127.0.0.${r%%:*}', UNIX_TIMESTAMP() + (${r#*:}))"
  done
  sq -e "$q"
}
conf() { printf '%s\n' "$@" >"$CTL.tmp"; chmod 600 "$CTL.tmp"; mv "$CTL.tmp" "$CTL"; sleep 0.15; }
base() { printf '%s\n' "server localhost" "socket $MYSQL_SOCK" "user h62relay" "pass $PW" "database $DB" "$@"; }
start_ts() {
  : >"$T/ts.log"; : >"$T/ts.port"
  TCPSERVER_SQL_CONTROL=$CTL "$BIN/tcpserver" -1 -vRHl0 -S 127.0.0.1 0 \
    "$BIN/tests/bin/childprobe" >"$T/ts.port" 2>>"$T/ts.log" &
  TSPID=$!
  PORT=$(wait_port "$T/ts.port") || { notok "tcpserver started" "no port"; return 1; }
}
stop_ts() { kill "$TSPID" 2>/dev/null; wait "$TSPID" 2>/dev/null; TSPID=; }
relays() {
  local out
  out=$("$BIN/tests/bin/tcpclient" -b "127.0.0.$1" -t 15 127.0.0.1 "$PORT" 2>&1)
  case $out in *"env RELAYCLIENT="*) return 0;; esac; return 1
}
# decide WHAT N yes|no: a connection from 127.0.0.N right after rows
decide() {
  local got=no
  rows "$DB"
  relays "$2" && got=yes
  same "$1" "$3" "$got"
}
check() {
  TCPSERVER_SQL_CONTROL=$CTL timeout 30 "$BIN/sqlrelaycheck" "$@" >"$T/out" 2>"$T/err"; rc=$?
}

for DB in h62_old h62_new; do
  conf "$(base)"
  start_ts || continue
  decide "$DB: row dated now relays" 21 yes
  decide "$DB: row dated now+60 relays (default skew 300)" 22 yes
  decide "$DB: row dated now+299 relays" 23 yes
  decide "$DB: row dated now+301 does not relay" 24 no
  decide "$DB: row dated now+86400 does not relay" 25 no
  decide "$DB: row dated $(far $DB) does not relay" 26 no
  decide "$DB: row dated now-100 still relays (time 1800)" 27 yes
  decide "$DB: a second connection from the future row does not relay" 26 no
  same "$DB: -v warns once per future-dated address" "1 1 1" \
    "$(grep -c '^tcpserver: warning: sql: relay row for 127\.0\.0\.24 is dated in the future, ignored$' "$T/ts.log") $(grep -c 'relay row for 127\.0\.0\.25 is dated' "$T/ts.log") $(grep -c 'relay row for 127\.0\.0\.26 is dated' "$T/ts.log")"
  same "$DB: no warning for rows within the skew" 0 "$(grep -c 'relay row for 127\.0\.0\.2[1237] ' "$T/ts.log")"
  same "$DB: the future rows cost no connection" 0 "$(grep -c 'dropping\|fatal' "$T/ts.log")"
  # a live edit of skew takes effect for the next connection
  conf "$(base)" "skew 0"
  decide "$DB: live edit skew 0: now+60 no longer relays" 22 no
  decide "$DB: skew 0: a row dated now relays" 21 yes
  conf "$(base)" "skew 3600"
  decide "$DB: live edit skew 3600: now+301 relays" 24 yes
  decide "$DB: skew 3600: now+86400 does not relay" 25 no
  stop_ts

  conf "$(base)"
  rows "$DB"
  check 127.0.0.23 127.0.0.26 127.0.0.21
  now=$(date +%s)
  if [ $rc -eq 0 ] && [ ! -s "$T/err" ] &&
     sed -n 1p "$T/out" | grep -Eqx 'relay 127\.0\.0\.23 server localhost [0-9]+\.[0-9]{2} ms' &&
     sed -n 2p "$T/out" | grep -Eqx "no relay 127\.0\.0\.26 server localhost [0-9]+\.[0-9]{2} ms: dated in the future: row $(far $DB), now ($((now-1))|$now)" &&
     sed -n 3p "$T/out" | grep -Eqx 'relay 127\.0\.0\.21 server localhost [0-9]+\.[0-9]{2} ms'; then
    ok "$DB: sqlrelaycheck: $(far $DB) dated in the future, both times, exit 0 as for no relay"
  else notok "$DB: sqlrelaycheck future row" "rc=$rc out=$(tr '\n' '|' <"$T/out") err=$(tr '\n' '|' <"$T/err")"; fi
  rows "$DB"
  check 127.0.0.24
  if [ $rc -eq 0 ] && grep -Eqx 'no relay 127\.0\.0\.24 server localhost [0-9.]+ ms: dated in the future: row [0-9]+, now [0-9]+' "$T/out"; then
    row=$(sed 's/.*row \([0-9]*\), now \([0-9]*\)/\1 \2/' "$T/out")
    d=$(( ${row% *} - ${row#* } ))
    if [ "$d" -ge 300 ] && [ "$d" -le 302 ]; then ok "$DB: sqlrelaycheck: now+301 dated in the future ($d s ahead)"
    else notok "$DB: sqlrelaycheck now+301 times" "$row"; fi
  else notok "$DB: sqlrelaycheck now+301" "rc=$rc out=$(cat "$T/out")"; fi
  conf "$(base)" "skew 0"
  rows "$DB"; check 127.0.0.22 127.0.0.21
  if [ $rc -eq 0 ] && grep -Eq '^no relay 127\.0\.0\.22 .*: dated in the future: row' "$T/out" &&
     grep -Eq '^relay 127\.0\.0\.21 ' "$T/out"; then ok "$DB: sqlrelaycheck, skew 0: now+60 in the future, now relays"
  else notok "$DB: sqlrelaycheck skew 0" "rc=$rc out=$(tr '\n' '|' <"$T/out")"; fi
  conf "$(base)" "skew 3600"
  rows "$DB"; check 127.0.0.24 127.0.0.25
  if [ $rc -eq 0 ] && grep -Eq '^relay 127\.0\.0\.24 ' "$T/out" &&
     grep -Eq '^no relay 127\.0\.0\.25 .*: dated in the future: row' "$T/out"; then ok "$DB: sqlrelaycheck, skew 3600: now+301 relays, now+86400 does not"
  else notok "$DB: sqlrelaycheck skew 3600" "rc=$rc out=$(tr '\n' '|' <"$T/out")"; fi
done

# the control file: skew shown, its default, and a bad value
DB=h62_new
conf "$(base)"
check
same "sqlrelaycheck shows skew 300 by default" "skew 300" "$(grep '^skew ' "$T/out")"
conf "$(base)" "skew -5"
check 127.0.0.21
if [ $rc -eq 100 ] && grep -q "bad value for skew: -5 (want 0 to 1000000000)" "$T/err"; then ok "bad skew: warned, file unusable"
else notok "bad skew" "rc=$rc err=$(tr '\n' '|' <"$T/err")"; fi
# still one indexed statement: the lookup's plan uses the primary key
key=$(sq -N -B -e "EXECUTE IMMEDIATE 'EXPLAIN SELECT IF(timestamp > UNIX_TIMESTAMP() + ?, GREATEST(CAST(timestamp AS SIGNED), 2), 1) FROM h62_old.relay WHERE ip_addr = ? AND timestamp > UNIX_TIMESTAMP() - ? LIMIT 1' USING 300, '127.0.0.21', 1800" | cut -f 6)
same "the future-aware lookup uses the primary key" PRIMARY "$key"
exit 0
