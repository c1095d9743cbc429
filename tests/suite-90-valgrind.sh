#!/bin/bash
# valgrind memcheck of tcprules, tcprulescheck, and tcpserver's parent and
# children (fork and exec followed, the program it runs skipped) over a
# small workload: -x rules, DNS names (fakedns), ident (fakeident), deny,
# banner, -p; then the same with -S (sqlrelayd traced too) when MariaDB is
# there. Fails on any memory error in any process, on a definitely lost
# block, and on parent heap that grows with the number of connections.
# Runs in a private network namespace (like the golden suite).
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
. "$TOP/tests/lib.sh"
PY=${PYTHON:-$(command -v /usr/bin/python3 || command -v python3)}
command -v valgrind >/dev/null 2>&1 || { notok "valgrind" "not installed"; exit 0; }
for p in tcpserver tcprules tcprulescheck; do
  [ -x "$BIN/$p" ] || { notok "valgrind: built $p" "missing $BIN/$p"; exit 0; }
done
if [ -z "${VG_NETNS:-}" ]; then
  unshare -n -m -u true 2>/dev/null ||
    { notok "valgrind" "cannot create a private network namespace (unshare -n -m -u)"; exit 0; }
  export VG_NETNS=1
  exec unshare -n -m -u -- bash "$0" "$@"
fi
for fd in $(ls /proc/$$/fd); do
  [ "$fd" -gt 2 ] && [ "$fd" != 255 ] && eval "exec $fd>&-"
done 2>/dev/null

PIDS=""
cleanup() { for p in $PIDS; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; }
trap cleanup EXIT

# --- namespace: loopback, fake DNS and identd ----------------------------
ip link set lo up && hostname vgtest &&
  printf 'nameserver 127.0.0.1\n' >"$T/resolv.conf" && : >"$T/hosts" &&
  mount --bind "$T/resolv.conf" /etc/resolv.conf &&
  mount --bind "$T/hosts" /etc/hosts || { notok "valgrind: namespace setup" "lo, hostname or mounts"; exit 0; }
cat >"$T/dns.table" <<'EOF'
PTR 127.0.0.1 Local.Example
A local.example 127.0.0.1
PTR 127.0.0.3 h\x01x.Example.COM
PTR 127.0.0.4 liar.example
A liar.example 10.0.0.1
SERVFAIL 127.0.0.5
EOF
$PY "$TOP/tests/fakedns.py" -f "$T/dns.table" -l "$T/dns.log" -r "$T/dns.ready" </dev/null >/dev/null 2>"$T/dns.err" &
PIDS="$PIDS $!"
$PY "$TOP/tests/fakeident.py" -l "$T/ident.log" -r "$T/ident.ready" userid joe </dev/null >/dev/null 2>"$T/ident.err" &
PIDS="$PIDS $!"
ready() { [ -s "$T/dns.ready" ] && [ -s "$T/ident.ready" ]; }
waitfor 5 ready || { notok "valgrind: fakedns and fakeident started" "not ready"; exit 0; }

PROBE=$BIN/tests/bin/childprobe
if [ ! -x "$PROBE" ]; then
  PROBE=$T/childprobe
  ${CC:-cc} -O2 -o "$PROBE" "$TOP/tests/childprobe.c" || { notok "valgrind: childprobe" "cannot build"; exit 0; }
fi

# tcpserver is linked statically (make STATIC=-static-pie): valgrind cannot
# see a static binary's malloc, so this suite runs a dynamic build of the
# same sources, with sqlrelayd next to it as tcpserver expects
VGTS=$T/dyn/tcpserver
if ! make -s -C "$TOP" O="$T/dyn" STATIC= "$VGTS" >"$T/dyn.log" 2>&1; then
  notok "valgrind: dynamic tcpserver build" "$(grep -m 3 -iE 'error' "$T/dyn.log" | tr '\n' '|')"; exit 0
fi
[ -x "$BIN/sqlrelayd" ] && cp "$BIN/sqlrelayd" "$T/dyn/"

VGBASE=(valgrind --leak-check=full --show-leak-kinds=definite
  --errors-for-leak-kinds=definite --num-callers=30 --error-limit=no)
# what a log may not contain; leaks are judged separately
BAD='Invalid (read|write|free)|uninitialised|Syscall param|Mismatched free|overlap|Jump to the invalid|Process terminating with default action of signal (4|6|7|8|11)'

# vgcheck WHAT LOGDIR PARENTPID: one line per kind of problem
vgcheck() {
  local what=$1 dir=$2 ppid=$3 f bad=0 lost
  for f in "$dir"/*.log; do
    [ -e "$f" ] || { notok "$what: valgrind logs" "none in $dir"; return 1; }
    if grep -qE "$BAD" "$f"; then
      notok "$what: memory errors" "$(basename "$f"): $(grep -m 3 -E -A 2 "$BAD" "$f" | sed 's/^==[0-9]*== *//' | tr '\n' '|' | cut -c 1-400)"
      bad=1
    fi
    lost=$(sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' "$f" | tr -d , | head -n 1)
    if [ -n "$lost" ] && [ "$lost" != 0 ]; then
      notok "$what: no definitely lost blocks" "$(basename "$f") ($( [ "$f" = "$dir/$ppid.log" ] && echo parent || echo child)): $lost bytes: $(grep -m 1 -A 6 'definitely lost in loss' "$f" | sed 's/^==[0-9]*== *//' | tr '\n' '|' | cut -c 1-400)"
      bad=1
    fi
  done
  [ "$ppid" = none ] && { [ $bad -eq 0 ] && ok "$what: no memory errors or lost blocks in $(ls "$dir"/*.log | wc -l) processes"; return $bad; }
  [ -s "$dir/$ppid.log" ] || { notok "$what: parent log" "missing $dir/$ppid.log"; return 1; }
  grep -q 'ERROR SUMMARY' "$dir/$ppid.log" || { notok "$what: parent ran to exit under valgrind" "no summary in $dir/$ppid.log"; return 1; }
  [ $bad -eq 0 ] && ok "$what: no memory errors or lost blocks in $(ls "$dir"/*.log | wc -l) processes"
  return $bad
}
inuse() { sed -n 's/.*in use at exit: \([0-9,]*\) bytes.*/\1/p' "$1" | tr -d , | head -n 1; }

# --- tcprules and tcprulescheck ------------------------------------------
cat >"$T/rules.txt" <<'EOF'
# valgrind workload
127.0.0.1:allow,X="one",Y=/a,b=c/
joe@127.0.0.3:allow,WHO="joe"
127.0.0.2:deny
127.0.0.6-8:allow,RANGE="yes"
=local.example:allow,HOSTRULE="1"
=.example.com:allow,SUFFIX="1"
10.0-255.:deny
:allow,DEFAULT="1"
EOF
mkdir -p "$T/vg-tr"
"${VGBASE[@]}" --error-exitcode=99 --log-file="$T/vg-tr/%p.log" \
  "$BIN/tcprules" "$T/rules.cdb" "$T/rules.tmp" <"$T/rules.txt" >"$T/tr.out" 2>&1
same "valgrind tcprules: exit status" 0 "$?"
printf '1.2.3.4:allow\n1.2.3.4:allow,A\n' | "${VGBASE[@]}" --error-exitcode=99 \
  --log-file="$T/vg-tr/%p.log" "$BIN/tcprules" "$T/bad.cdb" "$T/bad.tmp" >"$T/tr2.out" 2>&1
same "valgrind tcprules on a bad line: exit status" 100 "$?"
st=""
for env in "TCPREMOTEIP=127.0.0.1" "TCPREMOTEIP=127.0.0.3 TCPREMOTEHOST=x.example.com TCPREMOTEINFO=joe" \
           "TCPREMOTEIP=10.9.8.7 TCPREMOTEHOST=" "TCPREMOTEINFO="; do
  # shellcheck disable=SC2086
  env -i $env "${VGBASE[@]}" --error-exitcode=99 --log-file="$T/vg-tr/%p.log" \
    "$BIN/tcprulescheck" "$T/rules.cdb" >>"$T/trc.out" 2>&1
  st="$st$?"
done
same "valgrind tcprulescheck: exit statuses" 0000 "$st"
vgcheck "valgrind tcprules/tcprulescheck" "$T/vg-tr" none

# --- tcpserver -----------------------------------------------------------
# serve NAME NCONN [tcpserver args...]: runs tcpserver under valgrind in
# $T/NAME, makes NCONN rounds of connections, stops it; sets SPID
# allended LOG: every child the log says was forked has ended
allended() { [ "$(grep -c ' end [0-9]* status' "$1")" -ge "$(grep -c ' pid [0-9]* from' "$1")" ]; }
serve() {
  local name=$1 n=$2 k out
  shift 2
  mkdir -p "$T/$name/vg"
  : >"$T/$name/port"
  env -i PATH=/usr/bin:/bin "${SERVE_ENV[@]}" "${VGBASE[@]}" --trace-children=yes \
    --trace-children-skip="*/childprobe,/bin/*,/usr/bin/*,/usr/sbin/*" \
    --log-file="$T/$name/vg/%p.log" "$VGTS" "$@" \
    </dev/null >"$T/$name/port" 2>"$T/$name/log" &
  SPID=$!
  PORT=$(wait_port "$T/$name/port") || {
    sleep 3; PORT=$(wait_port "$T/$name/port") || { notok "$name: tcpserver started" "no port: $(head -c 300 "$T/$name/log")"; kill "$SPID"; return 1; }
  }
  for k in $(seq 1 "$n"); do
    for src in "${SOURCES[@]}"; do
      "$BIN/tests/bin/tcpclient" -b "$src" -t 20 ${CLIENT_DATA:+-s "$CLIENT_DATA"} 127.0.0.1 "$PORT" \
        >>"$T/$name/client.$src" 2>&1
    done
  done
  "$BIN/tests/bin/tcpclient" -R 127.0.0.1 "$PORT" >/dev/null 2>&1
  # every child ended (a log line per child with -v), then SIGTERM
  waitfor 10 allended "$T/$name/log"
  sleep 0.2
  kill -TERM "$SPID"
  waitfor 10 gone "$SPID" || { notok "$name: tcpserver exits on SIGTERM" "still running, killed"; kill -9 "$SPID"; }
  wait "$SPID" 2>/dev/null
  return 0
}

SOURCES=(127.0.0.1 127.0.0.2 127.0.0.3 127.0.0.4 127.0.0.5 127.0.0.7 127.0.0.9)
SERVE_ENV=()
ARGS=(-v -1 -p -c 3 -B $'hi\n' -x "$T/rules.cdb" -t 3 127.0.0.1 0
  "$PROBE" -E X Y WHO RANGE HOSTRULE SUFFIX DEFAULT TCPREMOTEHOST TCPREMOTEINFO TCPLOCALHOST)
if serve small 1 "${ARGS[@]}"; then
  out=$(cat "$T/small/client.127.0.0.1")
  case $out in *"X=one"*"TCPREMOTEHOST=local.example"*"TCPREMOTEINFO=joe"*) ok "valgrind tcpserver: workload runs";;
    *) notok "valgrind tcpserver: workload runs" "127.0.0.1 got [$(echo "$out" | tr '\n' '|' | cut -c 1-300)]";; esac
  same "valgrind tcpserver: deny rule" "hi" "$(cat "$T/small/client.127.0.0.2" | tr -d '\n')"
  vgcheck "valgrind tcpserver (${#SOURCES[@]} connections)" "$T/small/vg" "$SPID"
  small_pid=$SPID
  if serve big 5 "${ARGS[@]}"; then
    vgcheck "valgrind tcpserver ($((5 * ${#SOURCES[@]})) connections)" "$T/big/vg" "$SPID"
    a=$(inuse "$T/small/vg/$small_pid.log"); b=$(inuse "$T/big/vg/$SPID.log")
    if [ -n "$a" ] && [ -n "$b" ] && [ "$b" -le "$a" ]; then
      ok "valgrind tcpserver: parent heap does not grow with connections ($a bytes at exit after ${#SOURCES[@]} connections, $b after $((5 * ${#SOURCES[@]})))"
    else
      notok "valgrind tcpserver: parent heap does not grow with connections" "$a bytes in use at exit after ${#SOURCES[@]} connections, $b after $((5 * ${#SOURCES[@]}))"
    fi
  fi
fi

# --- tcpserver -S ----------------------------------------------------------
if [ ! -x "$BIN/sqlrelayd" ] || [ -z "${MYSQL_SOCK:-}" ] || [ ! -S "${MYSQL_SOCK:-}" ]; then
  ok "valgrind tcpserver -S: skipped (no sqlrelayd or no MariaDB socket)"
  exit 0
fi
DB=h7vg$$
sq() { mariadb --no-defaults -S "$MYSQL_SOCK" -uroot "$@"; }
sq <<EOF || { notok "valgrind -S: schema" "mariadb failed"; exit 0; }
CREATE DATABASE $DB;
CREATE TABLE $DB.relay (ip_addr VARCHAR(39) NOT NULL, timestamp INT, PRIMARY KEY (ip_addr));
INSERT INTO $DB.relay VALUES ('127.0.0.6', UNIX_TIMESTAMP()), ('127.0.0.7', UNIX_TIMESTAMP() - 100000),
  ('127.0.0.2', UNIX_TIMESTAMP());
CREATE USER IF NOT EXISTS 'h7vg'@'localhost' IDENTIFIED BY 'vg-Secret-9';
GRANT SELECT ON $DB.* TO 'h7vg'@'localhost';
EOF
cleanup() { for p in $PIDS; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; sq -e "DROP DATABASE IF EXISTS $DB" 2>/dev/null; }
printf '%s\n' "server localhost" "socket $MYSQL_SOCK" "database $DB" "user h7vg" \
  "pass vg-Secret-9" "connect_timeout 10" "read_timeout 10" >"$T/sql.conf"
chmod 600 "$T/sql.conf"
SOURCES=(127.0.0.6 127.0.0.7 127.0.0.2 127.0.0.9)
SERVE_ENV=("TCPSERVER_SQL_CONTROL=$T/sql.conf")
SARGS=(-v -1 -RHl0 -S -x "$T/rules.cdb" 127.0.0.1 0 "$PROBE" -E RELAYCLIENT X)
if serve sql 3 "${SARGS[@]}"; then
  n=$(grep -c '^RELAYCLIENT=$' "$T/sql/client.127.0.0.6")
  [ "$n" -ge 1 ] && ok "valgrind tcpserver -S: a hit sets RELAYCLIENT ($n of 3 under valgrind)" ||
    notok "valgrind tcpserver -S: a hit sets RELAYCLIENT" "none of 3: $(grep -m 3 sql "$T/sql/log" | tr '\n' '|')"
  same "valgrind tcpserver -S: an expired row does not" 0 "$(grep -c '^RELAYCLIENT=$' "$T/sql/client.127.0.0.7")"
  grep -l sqlrelayd "$T"/sql/vg/*.log >/dev/null 2>&1 && ok "valgrind tcpserver -S: sqlrelayd traced" ||
    notok "valgrind tcpserver -S: sqlrelayd traced" "no log names sqlrelayd"
  vgcheck "valgrind tcpserver -S" "$T/sql/vg" "$SPID"
fi
exit 0
