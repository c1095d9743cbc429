#!/bin/bash
# Real SMTP over IPv6 (issues 15 and 18): in a private network namespace
# with documentation addresses on lo, one dual-stack `tcpserver -S ::`
# (qpsmtpd behind it) and a private Dovecot POP3 server running
# sqlrelayopen after each login. swaks from an IPv6 address relays after a
# POP login from it, from one that did not log in it does not; an IPv4
# client of the same listener goes through the same cycle; a row in
# vpopmail's underscore form relays; -x rules with IPv6 keys decide.
. "$(dirname "$0")/lib.sh"
: "${MYSQL_SOCK:?}"
SELF=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
cd "$T" || exit 1   # qpsmtpd runs `git describe` when started in a git tree
if [ "${1:-}" != inner ]; then
  for p in tcpserver sqlrelayd sqlrelayopen tcprules; do
    [ -x "$BIN/$p" ] || { notok "built $p" "missing $BIN/$p"; exit 0; }
  done
  "$TOP/tests/deps.sh" dovecot-pop3d curl swaks qpsmtpd ||
    { notok "packages installed" "apt-get failed"; exit 0; }
  RPW='r8Read-Lp3v' WPW='w8Write-Tc6n'
  mariadb --no-defaults -S "$MYSQL_SOCK" -uroot <<EOF || { notok "database set up" "mariadb failed"; exit 0; }
DROP DATABASE IF EXISTS h8;
CREATE DATABASE h8;
CREATE TABLE h8.relay (ip_addr VARCHAR(39) NOT NULL, timestamp INT, PRIMARY KEY (ip_addr));
CREATE USER IF NOT EXISTS 'h8read'@'localhost' IDENTIFIED BY '$RPW';
CREATE USER IF NOT EXISTS 'h8write'@'localhost' IDENTIFIED BY '$WPW';
GRANT SELECT ON h8.* TO 'h8read'@'localhost';
GRANT SELECT, INSERT, DELETE ON h8.* TO 'h8write'@'localhost';
EOF
  umask 077
  printf 'server localhost\nsocket %s\ndatabase h8\nuser h8read\npass %s\ntime 1800\n' \
    "$MYSQL_SOCK" "$RPW" >"$T/sql"
  printf 'server localhost\nsocket %s\ndatabase h8\nuser h8write\npass %s\ntime 1800\n' \
    "$MYSQL_SOCK" "$WPW" >"$T/sqlwrite"
  umask 022
  unshare -n true 2>/dev/null || { notok "private network namespace" "unshare -n failed"; exit 0; }
  # the database is reached over its Unix socket, which the namespace shares
  unshare -n "$SELF" inner
  exit 0
fi

# --- inside the namespace -------------------------------------------------------
TSPID= DOVE=
cleanup() {
  [ -n "$TSPID" ] && kill "$TSPID" 2>/dev/null
  [ -n "$DOVE" ] && "$TOP/tests/dovecot.sh" stop "$T/dovecot" >/dev/null 2>&1
}
trap cleanup EXIT
sq() { mariadb --no-defaults -S "$MYSQL_SOCK" -uroot -N "$@"; }
ip link set lo up
for a in 2001:db8::31 2001:db8::32 2001:db8::33 2001:db8::34 2001:db8:0:1:1:1:1:1; do
  ip addr add "$a/128" dev lo nodad
done
cat >"$T/postlogin.sh" <<EOF
#!/bin/sh
SQLRELAY_WRITE_CONTROL=$T/sqlwrite exec "$BIN/sqlrelayopen" "\$@"
EOF
chmod 755 "$T/postlogin.sh"
eval "$("$TOP/tests/dovecot.sh" start "$T/dovecot" "$T/postlogin.sh")" ||
  { notok "Dovecot started" "tests/dovecot.sh failed"; exit 0; }
DOVE=1
POPPW=$(cat "$T/dovecot/password")
pop() { curl -sS --max-time 20 --interface "$1" -u "alice:$POPPW" "pop3://$2:$POP_PORT/" >/dev/null 2>"$T/curl.err"; }
QP=$("$TOP/tests/qpsmtpd.sh" "$T/qp") || { notok "qpsmtpd set up" "tests/qpsmtpd.sh failed"; exit 0; }
printf '2001:db8::34:deny\n2001:DB8:0:0::33:allow,RULE="six"\n:allow\n' >"$T/rules.txt"
"$BIN/tcprules" "$T/rules.cdb" "$T/rules.tmp" <"$T/rules.txt" 2>"$T/tcprules.err" ||
  notok "tcprules takes IPv6 keys" "$(cat "$T/tcprules.err")"
TCPSERVER_SQL_CONTROL=$T/sql "$BIN/tcpserver" -1 -v -S -RHl0 -x "$T/rules.cdb" :: 0 "$QP" \
  >"$T/ts.port" 2>"$T/ts.log" &
TSPID=$!
PORT=$(wait_port "$T/ts.port") || { notok "tcpserver :: started" "no port $(cat "$T/ts.log")"; exit 0; }
. "$TOP/tests/smtp.sh"

what="IPv6 SMTP before the POP login: relaying refused (2001:db8::31)"; t refused 2001:db8::31 ::1
popcheck() { if pop "$1" "$2"; then ok "POP3 login from $1"; else notok "POP3 login from $1" "$(cat "$T/curl.err")"; fi; }
popcheck 2001:db8::31 '[::1]'
same "the login wrote the RFC 5952 text" "2001:db8::31" "$(sq -e "SELECT ip_addr FROM h8.relay WHERE ip_addr LIKE '2001%'")"
what="IPv6 SMTP right after the POP login: relaying accepted"; t relayed 2001:db8::31 ::1
what="IPv6 SMTP to a global address of the same listener: accepted"; t relayed 2001:db8::31 2001:db8::32
what="IPv6 SMTP from an address that did not log in: refused (2001:db8::32)"; t refused 2001:db8::32 ::1
grep -q '^tcpserver: sql [0-9]* relay 2001:db8::31 localhost$' "$T/ts.log" && ok "tcpserver logged the IPv6 relay hit" ||
  notok "tcpserver logged the IPv6 relay hit" "$(grep sql "$T/ts.log" | tail -n 3 | tr '\n' '|')"
grep -q '^tcpserver: ok [0-9]* 0:::1:[0-9]* :2001:db8::31::[0-9]*$' "$T/ts.log" && ok "the ok line keeps the IPv6 colons" ||
  notok "the ok line keeps the IPv6 colons" "$(grep ' ok ' "$T/ts.log" | tail -n 2 | tr '\n' '|')"
# the same listener, IPv4
what="IPv4 SMTP to the dual-stack listener before a login: refused"; t refused 127.0.0.31 127.0.0.1
popcheck 127.0.0.31 127.0.0.1
what="IPv4 SMTP to the same listener after the login: accepted"; t relayed 127.0.0.31 127.0.0.1
grep -q '^tcpserver: ok [0-9]* 0:127\.0\.0\.1:[0-9]* :127\.0\.0\.31::[0-9]*$' "$T/ts.log" && ok "an IPv4 client of :: is logged as 0.88 logs it" ||
  notok "an IPv4 client of :: is logged as 0.88 logs it" "$(grep ' ok .*127' "$T/ts.log" | tail -n 2 | tr '\n' '|')"
# vpopmail's underscore form, and a rule with a non-compact IPv6 key
sq -e "INSERT INTO h8.relay VALUES ('2001_db8__33', UNIX_TIMESTAMP())"
what="a row in vpopmail's form (2001_db8__33) relays 2001:db8::33"; t relayed 2001:db8::33 ::1
out=$(smtp 2001:db8::34 ::1)
case $out in *"250 "*) notok "a deny rule for 2001:db8::34 ends the connection" "$(echo "$out" | tail -n 3 | tr '\n' '|')";;
  *) ok "a deny rule for 2001:db8::34 ends the connection";; esac
grep -q '^tcpserver: deny [0-9]* 0:::1:[0-9]* :2001:db8::34::[0-9]*$' "$T/ts.log" && ok "the deny line names 2001:db8::34" ||
  notok "the deny line names 2001:db8::34" "$(grep deny "$T/ts.log" | tr '\n' '|')"
# an address with one isolated zero group, in RFC 5952 text
popcheck 2001:db8:0:1:1:1:1:1 '[::1]'
same "written as 2001:db8:0:1:1:1:1:1 (RFC 5952: one zero group stays)" "2001:db8:0:1:1:1:1:1" \
  "$(sq -e "SELECT ip_addr FROM h8.relay WHERE ip_addr LIKE '2001:db8:0:%'")"
what="and SMTP from it relays"; t relayed 2001:db8:0:1:1:1:1:1 ::1
same "no lookup failed" "" "$(grep -E 'warning|error' "$T/ts.log")"
exit 0
