#!/bin/bash
# The shipped service examples run: examples/service/smtpd (run, log/run,
# env/) under Debian's daemontools supervise, and the systemd unit's
# ExecStart line with its EnvironmentFile's variables, each with only the
# paths substituted (tcpserver from $BIN, a rules cdb, the relay control
# file of the private MariaDB, qpsmtpd for qmail-smtpd, uid/gid 0). Both
# serve SMTP on port 25 (in a private network namespace) and relay a
# client with a relay row; svc -dx stops every process of the service;
# multilog wrote tcpserver's lines; the unit and the run script hold the
# same command line; systemd-analyze verify accepts the unit.
. "$(dirname "$0")/lib.sh"
: "${MYSQL_SOCK:?}"
SELF=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
EX=$TOP/examples
UNIT=$EX/systemd/tcpserver-smtp.service
cd "$T" || exit 1   # qpsmtpd runs `git describe` when started in a git tree
if [ "${1:-}" != inner ]; then
  for p in tcpserver sqlrelayd tcprules; do
    [ -x "$BIN/$p" ] || { notok "built $p" "missing $BIN/$p"; exit 0; }
  done
  "$TOP/tests/deps.sh" daemontools swaks qpsmtpd systemd ||
    { notok "packages installed" "apt-get failed"; exit 0; }
  PW='s7Svc-Rd4q'
  mariadb --no-defaults -S "$MYSQL_SOCK" -uroot <<EOF || { notok "database set up" "mariadb failed"; exit 0; }
DROP DATABASE IF EXISTS h87;
CREATE DATABASE h87;
CREATE TABLE h87.relay (ip_addr VARCHAR(39) NOT NULL, timestamp INT, PRIMARY KEY (ip_addr));
CREATE USER IF NOT EXISTS 'h87read'@'localhost' IDENTIFIED BY '$PW';
GRANT SELECT ON h87.* TO 'h87read'@'localhost';
EOF
  (umask 077; printf 'server localhost\nsocket %s\ndatabase h87\nuser h87read\npass %s\ntime 1800\n' \
    "$MYSQL_SOCK" "$PW" >"$T/sql")
  # verify exits 0 on lines it ignores: those name the file and line
  if ! systemd-analyze verify "$UNIT" >"$T/verify.out" 2>&1; then
    notok "systemd-analyze verify accepts the unit" "$(tr '\n' '|' <"$T/verify.out")"
  elif grep -F "$(basename "$UNIT"):" "$T/verify.out" >"$T/verify.bad"; then
    notok "systemd-analyze verify accepts every line of the unit" "$(tr '\n' '|' <"$T/verify.bad")"
  else ok "systemd-analyze verify accepts the unit, every line of it"; fi
  unshare -n true 2>/dev/null || { notok "private network namespace" "unshare -n failed"; exit 0; }
  # port 25 of a namespace of its own; the database is reached over its
  # Unix socket, which the namespace shares
  unshare -n "$SELF" inner
  exit 0
fi

# --- inside the namespace -------------------------------------------------------
PIDS=() SUP= LSUP= UPID=
cleanup() {
  [ -n "$SUP" ] && svc -dx "$T/svc/smtpd" "$T/svc/smtpd/log" 2>/dev/null
  for p in "${PIDS[@]}" $SUP $LSUP $UPID; do kill "$p" 2>/dev/null; done
}
trap cleanup EXIT
ip link set lo up
sq() { mariadb --no-defaults -S "$MYSQL_SOCK" -uroot -N "$@"; }
QP=$("$TOP/tests/qpsmtpd.sh" "$T/qp") || { notok "qpsmtpd set up" "tests/qpsmtpd.sh failed"; exit 0; }
printf '127.0.0.1:allow\n:deny\n' | "$BIN/tcprules" "$T/tcp.smtp.cdb" "$T/tcp.smtp.tmp" ||
  { notok "rules cdb made" "tcprules failed"; exit 0; }
PORT=25
. "$TOP/tests/smtp.sh"
# subst: the example's paths to the test's, nothing else; the example
# must hold each of them (else the test would not be the example's)
subst() {
  sed -e "/^[[:space:]]*#/!s#\([[:space:]=]\)\(/usr/bin/\)\{0,1\}tcpserver #\1$BIN/tcpserver #" \
      -e "s|/etc/tcp\.smtp\.cdb|$T/tcp.smtp.cdb|" -e "s|/var/qmail/bin/qmail-smtpd|$QP|" "$@"
}
has() { # FILE: its command line has the README's words
  c=$(cmdline "$1"); for word in 'tcpserver -S ' ' /etc/tcp.smtp.cdb ' ' /var/qmail/bin/qmail-smtpd'; do
    case $c in *"$word"*) ;; *) return 1;; esac; done; }
# cmdline FILE: the tcpserver command of a run script's exec or a unit's
# ExecStart, one line, variables written ${NAME}, the program without its
# directory
cmdline() {
  sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$1" | grep -E '^ExecStart=|(^|[[:space:]])exec ' | grep -E '[[:space:]=/]tcpserver ' |
    sed -e 's|^.*[[:space:]=/]\(tcpserver \)|\1|' \
        -e 's/"\$\([A-Z_]*\)"/${\1}/g; s/[[:space:]][[:space:]]*/ /g; s/ $//'
}
alive() { [ -r "/proc/$1/stat" ] && ! grep -q '^[0-9]* ([^)]*) [ZX]' "/proc/$1/stat" 2>/dev/null; }
kids() { # PID: its children (the fields after the command name, which may hold spaces)
  for s in /proc/[0-9]*/stat; do
    st=$(cat "$s" 2>/dev/null) || continue
    read -r _ ppid _ <<<"${st##*) }"; [ "$ppid" = "$1" ] && echo "${st%% *}"
  done
}
tree() { for c in $(kids "$1"); do echo "$c"; tree "$c"; done; }
waitlog() { waitfor 10 grep -qs "$2" "$1"; }   # FILE REGEX: up to 10 s for a line

# --- daemontools ------------------------------------------------------------------
S=$T/svc/smtpd
mkdir -p "$T/svc" && cp -R "$EX/service/smtpd" "$S" || exit 1
check "the run script holds the README's command line" has "$S/run"
subst "$EX/service/smtpd/run" | sed 's/\bqmaild\b/root/g' >"$S/run" && chmod 755 "$S/run"
[ -f "$S/env/TCPSERVER_SQL_CONTROL" ] && ok "the service has env/TCPSERVER_SQL_CONTROL" ||
  notok "the service has env/TCPSERVER_SQL_CONTROL" "missing"
echo "$T/sql" >"$S/env/TCPSERVER_SQL_CONTROL"
grep -q 'multilog' "$S/log/run" && ok "log/run runs multilog" || notok "log/run runs multilog" "$(cat "$S/log/run")"
mkfifo "$T/logpipe" || exit 1
supervise "$S/log" <"$T/logpipe" >/dev/null 2>"$T/lsup.err" &
LSUP=$!
supervise "$S" >"$T/logpipe" 2>"$T/sup.err" </dev/null &
SUP=$!
LOG=$S/log/main/current
waitlog "$LOG" 'tcpserver: status: 0/' && ok "supervise started the service: tcpserver's status line in multilog's log" ||
  { notok "supervise started the service" "$(svstat "$S" "$S/log"; cat "$T/sup.err" "$LOG" 2>&1 | tail -n 5 | tr '\n' '|')"; exit 0; }
TSPID=$(svstat "$S" | sed -n 's/.* up (pid \([0-9]*\)).*/\1/p')
MLPID=$(svstat "$S/log" | sed -n 's/.* up (pid \([0-9]*\)).*/\1/p')
[ -n "$TSPID" ] && [ -n "$MLPID" ] && ok "svstat: the service and its log are up" ||
  notok "svstat: the service and its log are up" "$(svstat "$S" "$S/log" | tr '\n' '|')"
same "the supervised process is tcpserver" tcpserver "$(cat "/proc/$TSPID/comm" 2>/dev/null)"
same "the log's supervised process is multilog" multilog "$(cat "/proc/$MLPID/comm" 2>/dev/null)"
what="daemontools: no relay row: relaying refused"; t refused 127.0.0.1 127.0.0.1
sq -e "REPLACE INTO h87.relay VALUES ('127.0.0.1', UNIX_TIMESTAMP())"
what="daemontools: a relay row for 127.0.0.1: relayed (250)"; t relayed 127.0.0.1 127.0.0.1
mapfile -t PIDS < <(echo "$SUP"; echo "$LSUP"; tree "$SUP"; tree "$LSUP")
helper=; for p in "${PIDS[@]}"; do [ "$(cat "/proc/$p/comm" 2>/dev/null)" = sqlrelayd ] && helper=$p; done
[ -n "$helper" ] && ok "tcpserver -S runs sqlrelayd under the supervise" ||
  notok "tcpserver -S runs sqlrelayd under the supervise" "processes: $(for p in "${PIDS[@]}"; do cat "/proc/$p/comm"; done 2>/dev/null | tr '\n' ' ')"
svc -dx "$S" "$S/log"
# noneleft: left= the service's processes still running, none of them
noneleft() {
  local p; left=
  for p in "${PIDS[@]}"; do alive "$p" && left="$left $p:$(cat "/proc/$p/comm" 2>/dev/null)"; done
  [ -z "$left" ]
}
waitfor 10 noneleft
same "svc -dx: nothing of the service left (supervise, tcpserver, sqlrelayd, multilog)" "" "$left"
[ -z "$left" ] && { wait "$SUP" "$LSUP" 2>/dev/null; SUP= LSUP= PIDS=(); }
grep -q '^@4000[0-9a-f]\{20\} tcpserver: ok [0-9]* ' "$LOG" &&
  ok "multilog wrote tcpserver's ok lines, time-stamped" || notok "multilog wrote tcpserver's ok lines" "$(tail -n 3 "$LOG" | tr '\n' '|')"
grep -q '^@4000[0-9a-f]\{20\} tcpserver: sql [0-9]* relay 127.0.0.1 ' "$LOG" &&
  ok "multilog wrote tcpserver's sql relay line" || notok "multilog wrote tcpserver's sql relay line" "$(grep sql "$LOG" | tail -n 3 | tr '\n' '|')"

# --- systemd ----------------------------------------------------------------------
grep -qx 'Restart=always' "$UNIT" && ok "the unit restarts always" || notok "the unit restarts always" "$(grep Restart "$UNIT")"
ENVF=$(sed -n 's/^EnvironmentFile=-\{0,1\}//p' "$UNIT")
base=$(basename "$ENVF")
DEF=$EX/systemd/$base.default
[ -f "$DEF" ] && ok "the unit's EnvironmentFile $ENVF is shipped as examples/systemd/$base.default" ||
  notok "the unit's EnvironmentFile is shipped" "no $DEF for $ENVF"
same "the unit and the run script run the same command line" "$(cmdline "$EX/service/smtpd/run")" "$(cmdline "$UNIT")"
check "the unit holds the README's command line" has "$UNIT"
# the EnvironmentFile's variables, the test's values over the example's
declare -A var=()
while IFS='=' read -r k v; do
  case $k in ''|'#'*) continue;; esac
  var[$k]=$v
done <"$DEF"
for k in QMAILDUID NOFILESGID TCPSERVER_SQL_CONTROL; do
  [ -n "${var[$k]+x}" ] || notok "the EnvironmentFile sets $k" "missing in $DEF"
done
var[QMAILDUID]=0 var[NOFILESGID]=0 var[TCPSERVER_SQL_CONTROL]=$T/sql
line=$(subst "$UNIT" | sed -n 's/^ExecStart=//p')
for k in "${!var[@]}"; do line=${line//"\${$k}"/${var[$k]}}; done
case $line in *'$'*) notok "ExecStart's variables all set" "$line";; esac
read -ra words <<<"$line"
envs=(); for k in "${!var[@]}"; do envs+=("$k=${var[$k]}"); done
: >"$T/unit.log"
env -i PATH=/usr/bin:/bin "${envs[@]}" "${words[@]}" >/dev/null 2>"$T/unit.log" &
UPID=$!
waitlog "$T/unit.log" 'tcpserver: status: 0/' && ok "the unit's ExecStart starts tcpserver" ||
  { notok "the unit's ExecStart starts tcpserver" "$(tail -n 3 "$T/unit.log" | tr '\n' '|')"; exit 0; }
what="systemd ExecStart: a relay row for 127.0.0.1: relayed (250)"
if relayed 127.0.0.1 127.0.0.1; then ok "$what"; else notok "$what" "$(tail -n 3 "$T/unit.log" | tr '\n' '|')"; fi
grep -q '^tcpserver: sql [0-9]* relay 127.0.0.1 ' "$T/unit.log" && ok "systemd ExecStart: the relay came from the -S lookup" ||
  notok "systemd ExecStart: the relay came from the -S lookup" "$(grep sql "$T/unit.log" | tail -n 2 | tr '\n' '|')"
kill "$UPID"; wait "$UPID" 2>/dev/null; UPID=
exit 0
