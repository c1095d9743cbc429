#!/bin/bash
# The -S netblocks table (spec/cidr.md Part 2): the schema of
# control-sql.example, rows added by hand with the mariadb client; real
# SMTP sessions (qpsmtpd under tcpserver -S ::, swaks) from IPv4 and IPv6
# addresses of a private network namespace relay inside a netblock, not
# outside it nor in an expired or malformed one; EXPLAIN of the lookup
# shows the indexes; sqlrelaycheck names the netblock and lists bad rows.
. "$(dirname "$0")/lib.sh"
: "${MYSQL_SOCK:?}"
SELF=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
cd "$T" || exit 1   # qpsmtpd runs `git describe` when started in a git tree
sq() { mariadb --no-defaults -S "$MYSQL_SOCK" -uroot -N "$@"; }
if [ "${1:-}" != inner ]; then
  for p in tcpserver sqlrelayd sqlrelaycheck; do
    [ -x "$BIN/$p" ] || { notok "built $p" "missing $BIN/$p"; exit 0; }
  done
  "$TOP/tests/deps.sh" swaks qpsmtpd || { notok "packages installed" "apt-get failed"; exit 0; }
  RPW='r9Read-Nb4x'
  sed -n '/-- netblocks schema begin/,/-- netblocks schema end/p' "$TOP/control-sql.example" |
    sed 's/^# //' | grep -v -- '^-- ' >"$T/schema.sql"
  { cat <<EOF
DROP DATABASE IF EXISTS nb9;
CREATE DATABASE nb9;
USE nb9;
CREATE TABLE relay (ip_addr VARCHAR(39) NOT NULL, timestamp INT, PRIMARY KEY (ip_addr));
EOF
    cat "$T/schema.sql"
    cat <<EOF
CREATE USER IF NOT EXISTS 'nb9read'@'localhost' IDENTIFIED BY '$RPW';
GRANT SELECT ON nb9.* TO 'nb9read'@'localhost';
EOF
  } | sq 2>"$T/db.err" || { notok "the schema of control-sql.example is created" "$(cat "$T/db.err")"; exit 0; }
  ok "the schema of control-sql.example is created"
  # rows by hand, as control-sql.example shows
  sq nb9 -e "INSERT INTO relay_net (net) VALUES ('192.0.2.64/26')" &&
  sq nb9 -e "INSERT INTO relay_net (net, expires) VALUES ('2001:db8:1::/48', UNIX_TIMESTAMP() + 3600)" &&
  sq nb9 -e "INSERT INTO relay_net (net, expires) VALUES ('198.51.100.0/24', UNIX_TIMESTAMP() - 10),
    ('2001:db8:2::/48', 1), ('203.0.113.0/33', NULL), ('203.0.113.0', NULL), ('bogus/8', NULL),
    ('2001:db8:3::/129', NULL), ('10.0.0.1/31', NULL)" ||
    { notok "rows added with the mariadb client" "insert failed"; exit 0; }
  ok "rows added with the mariadb client"
  same "host bits left out of the key (10.0.0.1/31)" "10.0.0.1/31 _0000101000000000000000000000000" \
    "$(sq nb9 -e "SELECT net, nkey FROM relay_net WHERE net LIKE '10.%'" | tr '\t' ' ')"
  umask 077
  printf 'server localhost\nsocket %s\ndatabase nb9\nuser nb9read\npass %s\ntime 1800\nnetblocks relay_net\n' \
    "$MYSQL_SOCK" "$RPW" >"$T/sql"
  umask 022
  # EXPLAIN of the statement tcpserver prepares, with 10,000 more rows
  python3 -c '
rows = ",".join("(\"100.%d.%d.0/24\")" % (i // 256, i % 256) for i in range(5000))
rows += "," + ",".join("(\"2001:db8:ff:%x::/64\")" % i for i in range(5000))
print("INSERT INTO relay_net (net) VALUES " + rows + "; ANALYZE TABLE relay_net;")' | sq nb9 >/dev/null
  # EXPLAIN of the statement tcpserver prepares (the one sqlrelaycheck
  # runs, k = 1, as the general log shows it with its parameters)
  sq -e "SET GLOBAL general_log_file = '$T/general.log', general_log = 1"
  TCPSERVER_SQL_CONTROL=$T/sql timeout 20 "$BIN/sqlrelaycheck" 192.0.2.65 >/dev/null 2>&1
  sq -e "SET GLOBAL general_log = 0"
  stmt=$(grep -m 1 -P ' Execute\t' "$T/general.log" | sed 's/.* Execute\t//')
  case $stmt in *relay_net_len*) ok "the statement asks relay_net_len for the lengths";;
    *) notok "the statement asks relay_net_len for the lengths" "${stmt:-no statement logged}";; esac
  ex=$(sq nb9 -e "EXPLAIN $stmt" 2>&1)
  if echo "$ex" | grep -qE $'\tl\tref\tPRIMARY\tPRIMARY\t' && echo "$ex" | grep -qE $'\tn\tref\t.*\tnkey\t' &&
     echo "$ex" | grep -qE $'\trelay\t(range|ref|const)\tPRIMARY\tPRIMARY\t'; then
    ok "EXPLAIN of the whole statement: relay by its key, the lengths by theirs, the networks through nkey"
  else notok "EXPLAIN of the whole statement: relay by its key, the lengths by theirs, the networks through nkey" "$(echo "$ex" | tr '\n\t' '| ')"; fi
  rows=$(echo "$ex" | awk -F'\t' '$3 == "n" {print $9}')
  [ -n "$rows" ] && [ "$rows" -le 10 ] && ok "EXPLAIN: no scan of the 10,000 netblocks ($rows rows per length)" ||
    notok "EXPLAIN: no scan of the 10,000 netblocks" "rows=$rows"
  same "EXPLAIN: no temporary table, no full scan" "" "$(echo "$ex" | grep -E 'Using temporary|\tALL\t' | tr '\n\t' '| ')"
  same "the triggers recorded each family and length in use" "^ 48|^ 64|_ 24|_ 26|_ 31|" \
    "$(sq nb9 -e "SELECT fam, plen FROM relay_net_len ORDER BY fam, plen" | tr '\t\n' ' |')"
  # sqlrelaycheck
  out=$(TCPSERVER_SQL_CONTROL=$T/sql timeout 20 "$BIN/sqlrelaycheck" 192.0.2.65 2001:db8:1::9 198.51.100.7 2001:db8:2::1 192.0.2.1 100.3.4.5 10.0.0.0 2>"$T/check.err" | sed 's/ [0-9.]* ms$//')
  same "sqlrelaycheck names the netblock that relayed" "relay 192.0.2.65 (netblock 192.0.2.64/26) server localhost
relay 2001:db8:1::9 (netblock 2001:db8:1::/48) server localhost
no relay 198.51.100.7 server localhost
no relay 2001:db8:2::1 (asked 2001:db8:2::1, 2001_db8_2__1) server localhost
no relay 192.0.2.1 server localhost
relay 100.3.4.5 (netblock 100.3.4.0/24) server localhost
relay 10.0.0.0 (netblock 10.0.0.1/31) server localhost" "$out"
  same "sqlrelaycheck lists the rows that are not networks" "sqlrelaycheck: warning: netblocks row is not a network, it never matches: 2001:db8:3::/129
sqlrelaycheck: warning: netblocks row is not a network, it never matches: 203.0.113.0
sqlrelaycheck: warning: netblocks row is not a network, it never matches: 203.0.113.0/33
sqlrelaycheck: warning: netblocks row is not a network, it never matches: bogus/8" "$(cat "$T/check.err")"
  # a length the triggers did not record (rows restored without them)
  sq nb9 -e "DELETE FROM relay_net_len WHERE fam = '_' AND plen = 26"
  out=$(TCPSERVER_SQL_CONTROL=$T/sql timeout 20 "$BIN/sqlrelaycheck" 192.0.2.65 2>"$T/check.err" | sed 's/ [0-9.]* ms$//')
  same "a length missing from relay_net_len: its netblock does not relay" "no relay 192.0.2.65 server localhost" "$out"
  same "sqlrelaycheck names the missing length" "sqlrelaycheck: warning: netblocks of length /26 (IPv4) never match: relay_net_len lacks the length (control-sql.example: rebuild it)" \
    "$(grep -v 'not a network' "$T/check.err")"
  rebuild=$(sed -n 's/^#   mariadb vpopmail -e "\(DELETE FROM relay_net_len;.*\)$/\1/p; s/^#     \(SELECT DISTINCT .*\)"$/\1/p' "$TOP/control-sql.example" | tr '\n' ' ')
  sq nb9 -e "$rebuild" || notok "the rebuild of control-sql.example runs" "$rebuild"
  out=$(TCPSERVER_SQL_CONTROL=$T/sql timeout 20 "$BIN/sqlrelaycheck" 192.0.2.65 2>"$T/check.err" | sed 's/ [0-9.]* ms$//')
  same "after the rebuild of control-sql.example it relays again" "relay 192.0.2.65 (netblock 192.0.2.64/26) server localhost" "$out"
  same "and sqlrelaycheck warns of no missing length" "" "$(grep -v 'not a network' "$T/check.err")"
  unshare -n true 2>/dev/null || { notok "private network namespace" "unshare -n failed"; exit 0; }
  timeout 80 unshare -n "$SELF" inner
  exit 0
fi

# --- inside the namespace -------------------------------------------------------
TSPID=
trap '[ -n "$TSPID" ] && kill "$TSPID" 2>/dev/null' EXIT
ip link set lo up
for a in 192.0.2.65 192.0.2.1 198.51.100.7; do ip addr add "$a/32" dev lo; done
for a in 2001:db8:1::9 2001:db8:2::1 2001:db8::1; do ip addr add "$a/128" dev lo nodad; done
QP=$("$TOP/tests/qpsmtpd.sh" "$T/qp") || { notok "qpsmtpd set up" "tests/qpsmtpd.sh failed"; exit 0; }
TCPSERVER_SQL_CONTROL=$T/sql "$BIN/tcpserver" -1 -v -S -RHl0 :: 0 "$QP" >"$T/ts.port" 2>"$T/ts.log" &
TSPID=$!
PORT=$(wait_port "$T/ts.port") || { notok "tcpserver -S :: started" "no port $(cat "$T/ts.log")"; exit 0; }
. "$TOP/tests/smtp.sh"
what="SMTP from 192.0.2.65, in netblock 192.0.2.64/26: relays"; t relayed 192.0.2.65 192.0.2.1
what="SMTP from 192.0.2.1, outside it: refused"; t refused 192.0.2.1 192.0.2.1
what="SMTP from 198.51.100.7, in an expired netblock: refused"; t refused 198.51.100.7 192.0.2.1
what="SMTP from 2001:db8:1::9, in netblock 2001:db8:1::/48: relays"; t relayed 2001:db8:1::9 2001:db8::1
what="SMTP from 2001:db8:2::1, in an expired netblock: refused"; t refused 2001:db8:2::1 2001:db8::1
what="SMTP from 2001:db8::1, outside every netblock: refused"; t refused 2001:db8::1 2001:db8::1
sq nb9 -e "INSERT INTO relay_net (net) VALUES ('2001:DB8::/64')"
sleep 1.2   # the helper shares an answer only for connections accepted before its statement
what="a row added by hand while tcpserver runs: 2001:db8::1 relays"; t relayed 2001:db8::1 2001:db8::1
sq nb9 -e "INSERT INTO relay_net (net) VALUES ('192.0.2.0/30')"
sleep 1.2
what="a row of a length not in use before, added while tcpserver runs: 192.0.2.1 relays"; t relayed 192.0.2.1 192.0.2.1
sq nb9 -e "UPDATE relay_net SET net = '198.51.100.0/28', expires = NULL WHERE net = '198.51.100.0/24'"
sleep 1.2
what="an expired row updated to a new length and no expiry: 198.51.100.7 relays"; t relayed 198.51.100.7 192.0.2.1
grep -q '^tcpserver: sql [0-9]* relay 192.0.2.65 localhost$' "$T/ts.log" && ok "tcpserver logged the netblock relay" ||
  notok "tcpserver logged the netblock relay" "$(grep sql "$T/ts.log" | tail -n 3 | tr '\n' '|')"
same "no lookup failed" "" "$(grep -E 'warning|error' "$T/ts.log")"
exit 0
