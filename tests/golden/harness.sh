# Golden-output harness for tcpserver, sourced by tests/suite-30-tcpserver.sh,
# tests/suite-40-tcpserver-diff.sh and tests/golden/regen.
#
# A case file is a list of cases. A line `--- what` starts a case; the
# lines up to the next `--- ` are its bash body. Lines before the first case
# are a prelude, evaluated once per run. Each body runs in its own subshell,
# in its own directory $W, with stdin /dev/null; everything it prints is the
# case output. The harness prints `--- what` before it, normalises pids,
# ports and paths, and kills whatever the case left running.
#
# Helpers for bodies (all bounded in time):
#   run CMD...        run in the foreground ($RUN_TIMEOUT, 20 s max); prints its stdout,
#                     its stderr as `2> ` lines, then `exit N`
#   start [VAR=val]... ARGS...
#                     start "$TCPSERVER" ARGS in the background with the
#                     environment `env -i PATH=/usr/bin:/bin VAR=val...`;
#                     waits until it listens or dies; sets PORT (the -1 line
#                     or the listening port), SRV (its index, 1, 2, ...)
#   stop [-n] [SIG]   signal the current server (TERM), wait for it, print
#                     its stdout as `1> ` lines, stderr as `2> ` lines and
#                     `exit N`. Before that it waits until every `pid` log
#                     line has its `end` line (-n: do not wait)
#   conn [-H host] [-p port] [tcpclient options]
#                     tests/tcpclient to HOST (127.0.0.1):PORT; prints what the
#                     server sent (and `client exit N` unless 0). HOST and
#                     `-b SRC` may be IPv6 literals (-H ::1 -b 2001:db8::5):
#                     lo holds ::1 and $GOLDEN_IP6 in every namespace
#   conn_bg NAME ...  the same in the background, with -w $W/release.NAME
#   release NAME      let client NAME shut down; conn_wait NAME prints it
#   waitlog N REGEX   wait (10 s max) until the current log has N lines
#                     matching REGEX
#   identd [-6] [-a ADDR]... MODE [ARG]
#                     start fakeident.py on 127.0.0.1:113 (log: identlog);
#                     -a ADDR instead (IPv4 or IPv6, repeatable); -6 adds
#                     `-a ::` (every IPv6 address, IPv6 only)
#   dns LINE...       replace the fakedns table (emptied before each case)
#   rules TEXT        compile TEXT with $TCPRULES into $W/rules.cdb
#   listening         the server's listening address and backlog (ss)
# Variables: TCPSERVER, TCPRULES, PROBE (childprobe, in $PUB), CLIENT
# (tcpclient), W (the case's directory), T, PUB (a tmpfs any uid can reach).

: "${TCPRULES:=/usr/bin/tcprules}"
if [ -z "${PYTHON:-}" ]; then
  PYTHON=python3
  [ -x /usr/bin/python3 ] && PYTHON=/usr/bin/python3   # not a slow shim
fi
PY=$PYTHON

# golden_parallel CASEFILE OUTFILE REGEX N TCPSERVER...: run the cases in
# N parallel namespaces per program (tests/golden/runns); OUTFILE.I is the
# output for the I-th program. Prints a FAIL line and returns 1 when a
# namespace could not be set up.
golden_parallel() {
  local file=$1 out=$2 sel=$3 n=$4 i k p rc=0
  shift 4
  GOLDEN_PIDS=()
  trap 'kill "${GOLDEN_PIDS[@]}" 2>/dev/null; exit 143' TERM INT
  i=0
  for p in "$@"; do
    i=$((i+1))
    for ((k = 0; k < n; k++)); do
      "$TOP/tests/golden/runns" "$p" "$file" "$out.$i.$k" "$T/run$i.$k" "$sel" "$k/$n" 2>"$T/run$i.$k.err" &
      GOLDEN_PIDS+=($!)
    done
  done
  for p in "${GOLDEN_PIDS[@]}"; do wait "$p" || rc=1; done
  trap - TERM INT
  i=0
  for p in "$@"; do
    i=$((i+1))
    for ((k = 0; k < n; k++)); do cat "$out.$i.$k"; done >"$out.$i" 2>/dev/null
  done
  if [ $rc != 0 ]; then
    notok "namespace runs" "$(cat "$T"/run*.err | tr '\n' ' ')"
    return 1
  fi
}

# golden_probe: find the built test programs childprobe and tcpclient
# (PROBE_SRC, CLIENT); compile them into $T if the tree has none, e.g. when
# a suite is run by hand.
golden_probe() {
  PROBE_SRC=${PROBE_SRC:-$BIN/tests/bin/childprobe}
  CLIENT=${CLIENT:-$BIN/tests/bin/tcpclient}
  if [ ! -x "$PROBE_SRC" ]; then
    PROBE_SRC=$T/childprobe
    ${CC:-cc} -O2 -o "$PROBE_SRC" "$TOP/tests/childprobe.c" || return 1
  fi
  if [ ! -x "$CLIENT" ]; then
    CLIENT=$T/tcpclient
    ${CC:-cc} -O2 -o "$CLIENT" "$TOP/tests/tcpclient.c" || return 1
  fi
  export PROBE_SRC CLIENT
}

# The IPv6 addresses on lo in every namespace (besides ::1): documentation
# addresses, one with a single isolated zero group (RFC 5952 keeps it,
# Debian's formatter compresses it: 2001:db8::1:1:1:1:1) and one with two
# equal zero runs (the first is compressed).
GOLDEN_IP6="2001:db8::1 2001:db8::2 2001:db8::5 2001:db8:0:1:1:1:1:1 2001:db8::1:0:0:1"

# _golden_ipv6: IPv6 enabled on lo, ::1 present, GOLDEN_IP6 added (nodad:
# usable at once).
_golden_ipv6() {
  local a
  if [ "$(cat /proc/sys/net/ipv6/conf/lo/disable_ipv6 2>/dev/null)" != 0 ]; then
    sysctl -q -w net.ipv6.conf.lo.disable_ipv6=0 >/dev/null || return 1
  fi
  ip -6 addr show dev lo | grep -q 'inet6 ::1/128' || ip -6 addr add ::1/128 dev lo nodad || return 1
  for a in $GOLDEN_IP6; do ip -6 addr add "$a/128" dev lo nodad || return 1; done
}

# golden_setup: inside the namespace: loopback up with the IPv6 addresses,
# fixed host name, a resolv.conf pointing at fakedns, an empty /etc/hosts,
# fakedns running, stray descriptors closed, the probe copied to $PUB where
# any uid can run it.
golden_setup() {
  local fd
  for fd in /proc/$$/fd/*; do
    fd=${fd##*/}
    case "$fd" in 0|1|2|255) continue;; esac
    [ -e "/proc/$$/fd/$fd" ] && eval "exec $fd>&-"
  done
  ip link set lo up || return 1
  _golden_ipv6 || return 1
  hostname golden || return 1
  chmod 755 "$T"
  mkdir -p "$T/etc"
  # A tmpfs, private to this mount namespace, that every uid can reach
  # (the test temp dirs may sit below a 0700 directory).
  PUB=
  for d in /mnt /media /srv; do [ -d "$d" ] && { PUB=$d; break; }; done
  [ -n "$PUB" ] && mount -t tmpfs -o mode=755 golden-pub "$PUB" || return 1
  printf 'nameserver 127.0.0.1\n' >"$T/etc/resolv.conf"
  printf '# empty: tcpserver must not need /etc/hosts\n' >"$T/etc/hosts"
  mount --bind "$T/etc/resolv.conf" /etc/resolv.conf || return 1
  mount --bind "$T/etc/hosts" /etc/hosts || return 1
  cp "$PROBE_SRC" "$PUB/childprobe" && chmod 755 "$PUB/childprobe" || return 1
  PROBE=$PUB/childprobe
  : >"$T/dns.table"
  $PY "$TOP/tests/fakedns.py" -f "$T/dns.table" -l "$T/dns.log" -r "$T/dns.ready" </dev/null >/dev/null 2>"$T/dns.err" &
  DNS_PID=$!
  local i=0
  while [ ! -s "$T/dns.ready" ] && [ $i -lt 200 ]; do sleep 0.02; i=$((i+1)); done
  [ -s "$T/dns.ready" ]
}

# golden_teardown: stop fakedns and whatever a case left running.
golden_teardown() {
  local f
  for f in "$T"/*/pids; do [ -f "$f" ] && _killpids "$f"; done
  [ -n "${DNS_PID:-}" ] && kill "$DNS_PID" 2>/dev/null && wait "$DNS_PID" 2>/dev/null
  DNS_PID=
}

# ---- helpers used inside case bodies ------------------------------------

_track() { echo "$1" >>"$W/pids"; }
_map() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$W/map"; }
_mapport() { # value name: ports of the ephemeral range only
  case "$1" in ''|*[!0-9]*) return;; esac
  [ "$1" -ge 32768 ] && _map num "$1" "$2"
}

_show() { # prefix file
  [ -s "$2" ] || return 0
  sed "s/^/$1/" "$2"
  [ -n "$(tail -c 1 "$2")" ] && printf '\\ (no newline at end)\n'
  return 0
}

run() {
  local rc
  timeout "${RUN_TIMEOUT:-20}" "$@" </dev/null >"$W/run.out" 2>"$W/run.err"
  rc=$?
  _show '' "$W/run.out"
  _show '2> ' "$W/run.err"
  echo "exit $rc"
}

_wants_port_line() { # tcpserver options: is -1 among them?
  local a l i
  for a in "$@"; do
    case "$a" in --|-|[!-]*) return 1;; esac
    for ((i = 1; i < ${#a}; i++)); do
      l=${a:i:1}
      case "$l" in 1) return 0;; [xtuglbBc]) break;; esac
    done
    case "$a" in -[xtuglbBc]) shift;; esac
  done
  return 1
}

# start: as _start_once, again (up to 5 times) while the port the
# kernel gave is one this case has already named: a closed server's port
# handed to the next one would make the two indistinguishable in the
# normalised output.
start() {
  local tries=1
  _start_once "$@"
  while [ -n "$PORT" ] && [ $tries -lt 5 ] &&
        awk -F'\t' -v p="$PORT" '$1 == "num" && $2 == p { f = 1 } END { exit !f }' "$W/map" 2>/dev/null; do
    kill -TERM "$(_spid)" 2>/dev/null
    _wait_rc 250
    SRV=$((SRV - 1))
    _start_once "$@"
    tries=$((tries + 1))
  done
  if [ "$SRV" = 1 ]; then _mapport "$PORT" '$PORT'; else _mapport "$PORT" "\$PORT$SRV"; fi
  eval "PORT_$SRV=\$PORT"
}

_start_once() {
  local envs=() i=0 lp= one=0
  while [ $# -gt 0 ]; do
    case "$1" in [A-Za-z_]*=*) envs+=("$1"); shift;; *) break;; esac
  done
  _wants_port_line "$@" && one=1
  SRV=$(( ${SRV:-0} + 1 ))
  : >"$W/out.$SRV"; : >"$W/log.$SRV"
  rm -f "$W/spid.$SRV" "$W/rc.$SRV"
  # The wrapper subshell records the exit status and keeps bash's notices
  # about signalled jobs out of the case output.
  (
    env -i PATH=/usr/bin:/bin "${envs[@]}" "${SRV_WRAP[@]}" "$TCPSERVER" "$@" \
      </dev/null >"$W/out.$SRV" 2>"$W/log.$SRV" &
    echo $! >"$W/spid.$SRV.tmp" && mv "$W/spid.$SRV.tmp" "$W/spid.$SRV"
    wait $!
    echo $? >"$W/rc.$SRV.tmp" && mv "$W/rc.$SRV.tmp" "$W/rc.$SRV"
  ) 2>/dev/null &
  _track $!
  while [ ! -s "$W/spid.$SRV" ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i+1)); done
  i=0
  eval "SPID_$SRV=\$(cat "\$W/spid.\$SRV")"
  _track "$(_spid)"
  LOG=$W/log.$SRV
  PORT=
  while [ $i -lt 500 ]; do
    if [ $one = 1 ]; then
      read -r PORT <"$W/out.$SRV"
      case "$PORT" in [0-9]*) break;; esac
      PORT=
    else
      lp=$(ss -Hltnp 2>/dev/null | awk -v p="pid=$(_spid)," 'index($0, p) { n = split($4, a, ":"); print a[n]; exit }')
      [ -n "$lp" ] && { PORT=$lp; break; }
    fi
    kill -0 "$(_spid)" 2>/dev/null || break
    sleep 0.01; i=$((i+1))
  done
  if [ -z "$PORT" ] && kill -0 "$(_spid)" 2>/dev/null; then
    echo "(harness: server $SRV did not start listening)"
  fi
}

_spid() { eval "echo \${SPID_${1:-$SRV}}"; }
# _wait_rc TICKS: until the current server's exit status is recorded, at
# most TICKS x 20 ms
_wait_rc() { local i=0; while [ ! -s "$W/rc.$SRV" ] && [ $i -lt "$1" ]; do sleep 0.02; i=$((i+1)); done; }

# use N: make server N the current one
use() { SRV=$1; LOG=$W/log.$SRV; eval "PORT=\$PORT_$SRV"; }

waitlog() { # N REGEX [file]
  local i=0 f=${3:-$LOG} c
  while [ $i -lt 500 ]; do
    c=$(grep -c -E -- "$2" "$f" 2>/dev/null)
    [ "${c:-0}" -ge "$1" ] && return 0
    sleep 0.02; i=$((i+1))
  done
  echo "(harness: timeout waiting for $1 lines /$2/)"
  return 1
}

stop() {
  local nowait=0 sig=TERM pid i=0 rc np ne
  [ "$1" = -n ] && { nowait=1; shift; }
  [ -n "$1" ] && sig=$1
  pid=$(_spid)
  {
    if [ $nowait = 0 ]; then
      while [ $i -lt 500 ]; do
        np=$(grep -c -E '^[^ ]+: pid [0-9]+ from ' "$LOG")
        ne=$(grep -c -E '^[^ ]+: end [0-9]+ status ' "$LOG")
        [ "$ne" -ge "$np" ] && break
        sleep 0.02; i=$((i+1))
      done
    fi
    kill -s "$sig" "$pid"
    _wait_rc 250
    if [ ! -s "$W/rc.$SRV" ]; then
      echo "(harness: server did not exit, killed)" >&3
      kill -9 "$pid"
      _wait_rc 100
    fi
    rc=$(cat "$W/rc.$SRV")
  } 3>&1 2>/dev/null
  _show '1> ' "$W/out.$SRV"
  _show '2> ' "$LOG"
  echo "exit $rc"
}

_conn_args() { # sets CHOST CPORTARG CARGS from conn arguments
  CHOST=127.0.0.1; CPORTARG=$PORT; CARGS=()
  while [ $# -gt 0 ]; do
    case "$1" in
      -H) CHOST=$2; shift 2;;
      -p) CPORTARG=$2; shift 2;;
      *) CARGS+=("$1"); shift;;
    esac
  done
}

# _mapcports: name the client ports tcpclient appended to $W/cports since
# the last call ($CPORTn for the n-th line); _CPORTS_SEEN (per case: the
# body runs in a subshell) counts the lines already named, so a case with
# many connections does not rescan them all.
_mapcports() {
  local p n=0
  [ -f "$W/cports" ] || return 0
  sed -n '1,$p' "$W/cports" >"$W/cports.seen"
  while read -r p; do
    n=$((n+1))
    [ "$n" -le "${_CPORTS_SEEN:-0}" ] && continue
    grep -q "	\\\$CPORT$n\$" "$W/map" 2>/dev/null || _mapport "$p" "\$CPORT$n"
  done <"$W/cports.seen"
  _CPORTS_SEEN=$n
}

# _avoid: the port numbers already named in this case, for tcpclient -A
_avoid() { awk -F'\t' '$1 == "num" { print $2 }' "$W/map" >"$W/avoid" 2>/dev/null || : >"$W/avoid"; }

conn() {
  local rc
  _conn_args "$@"
  _avoid
  "$CLIENT" -t 10 -P "$W/cports" -A "$W/avoid" "${CARGS[@]}" "$CHOST" "$CPORTARG" >"$W/conn.out" 2>"$W/conn.err"
  rc=$?
  _mapcports
  cat "$W/conn.out"
  [ -n "$(tail -c 1 "$W/conn.out")" ] && echo '\ (no newline at end)'
  _show 'client 2> ' "$W/conn.err"
  [ $rc = 0 ] || echo "client exit $rc"
  return 0
}

# conn_bg NAME ARGS: connect in the background; returns once connected
conn_bg() {
  local name=$1 n0 i=0
  shift
  _conn_args "$@"
  n0=$(cat "$W/cports" 2>/dev/null | wc -l)
  _avoid
  "$CLIENT" -t 10 -P "$W/cports" -A "$W/avoid" -w "$W/release.$name" "${CARGS[@]}" "$CHOST" "$CPORTARG" \
    >"$W/client.$name" 2>"$W/client.$name.err" &
  eval "CPID_$name=$!"
  _track $!
  while [ "$(cat "$W/cports" 2>/dev/null | wc -l)" -le "$n0" ] && [ $i -lt 250 ]; do
    kill -0 $! 2>/dev/null || break
    sleep 0.02; i=$((i+1))
  done
  _mapcports
}

release() { : >"$W/release.$1"; }

conn_wait() {
  local pid rc
  eval "pid=\$CPID_$1"
  wait "$pid"; rc=$?
  echo "client $1:"
  cat "$W/client.$1"
  [ -n "$(tail -c 1 "$W/client.$1")" ] && echo '\ (no newline at end)'
  _show 'client 2> ' "$W/client.$1.err"
  [ $rc = 0 ] || echo "client exit $rc"
  return 0
}

identd() {
  local i=0 args=()
  while [ $# -gt 0 ]; do
    case "$1" in -6) args+=(-a ::); shift;; -a) args+=(-a "$2"); shift 2;; *) break;; esac
  done
  rm -f "$W/ident.ready"
  $PY "$TOP/tests/fakeident.py" -l "$W/ident.log" -r "$W/ident.ready" "${args[@]}" "$@" </dev/null >/dev/null 2>"$W/ident.err" &
  _track $!
  IDENT_PID=$!
  while [ ! -s "$W/ident.ready" ] && [ $i -lt 250 ]; do sleep 0.02; i=$((i+1)); done
  [ -s "$W/ident.ready" ] || echo "(harness: fakeident did not start)"
}

identlog() { _show 'identd: ' "$W/ident.log"; }

dns() {
  printf '%s\n' "$@" >"$T/dns.table.tmp"
  mv "$T/dns.table.tmp" "$T/dns.table"
}

rules() { # TEXT [cdb]
  local cdb=${2:-$W/rules.cdb}
  printf '%s\n' "$1" | "$TCPRULES" "$cdb" "$cdb.tmp" || echo "(harness: tcprules failed)"
}

listening() {
  ss -Hltn "sport = :$PORT" | awk '{ print "listening " $4 " backlog " $3 }'
}

# ---- the driver -----------------------------------------------------------

# run_cases CASEFILE OUTFILE [REGEX] [K/N]: run every case (whose name
# matches REGEX, a bash regular expression; and with K/N only the cases
# K, K+N, K+2N, ... counted from 0), write the normalised output to OUTFILE.
run_cases() {
  local file=$1 out=$2 sel=${3:-} shard=${4:-0/1} line name="" body="" prelude="" n=0
  local -a names=() bodies=() dirs=()
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in
      "--- "*)
        if [ -n "$name" ]; then names+=("$name"); bodies+=("$body"); else prelude=$body; fi
        name=${line#--- }; body="";;
      *) body+="$line"$'\n';;
    esac
  done <"$file"
  if [ -n "$name" ]; then names+=("$name"); bodies+=("$body"); else prelude=$body; fi
  eval "$prelude"
  for ((n = 0; n < ${#names[@]}; n++)); do
    [ -n "$sel" ] && ! [[ ${names[n]} =~ $sel ]] && continue
    [ $((n % ${shard#*/})) = "${shard%/*}" ] || continue
    W=$T/${RUN_TAG:-case}.$((n+1))
    rm -rf "$W"; mkdir -p "$W"; chmod 755 "$W"
    : >"$W/map"; : >"$W/pids"
    _map str "$W" '$W'; _map str "$T" '$T'; _map str "$TOP" '$TOP'; _map str "$PUB/" '$PUB/'
    dns
    printf -- '--- %s\n' "${names[n]}" >"$W/raw"
    local t0=$EPOCHREALTIME
    ( cd "$W" && eval "${bodies[n]}" ) </dev/null >>"$W/raw" 2>&1
    _case_cleanup
    [ -n "${GOLDEN_TIMES:-}" ] && echo "$t0 $EPOCHREALTIME ${names[n]}" | awk '{ $1 = sprintf("%.2f", $2 - $1); $2 = ""; print }' >>"$GOLDEN_TIMES"
    dirs+=("$W")
  done
  $PY "$TOP/tests/golden/normalise.py" "${dirs[@]}" >"$out"
}

# _killpids FILE: SIGKILL the pids listed in FILE that still run in this
# network namespace (a pid reused by an unrelated process lives elsewhere).
_killpids() {
  local p ns
  ns=$(readlink /proc/self/ns/net)
  while read -r p; do
    [ "$(readlink "/proc/$p/ns/net" 2>/dev/null)" = "$ns" ] && kill -9 "$p" 2>/dev/null
  done <"$1"
}

_case_cleanup() {
  local p
  [ -s "$W/pids" ] || return 0
  _killpids "$W/pids"
  while read -r p; do wait "$p" 2>/dev/null; done <"$W/pids"
}

# compare_cases WHAT EXPECTED ACTUAL [ran-only]: one ok/FAIL line per case
# of EXPECTED (a case missing from ACTUAL fails, unless ran-only), plus one
# for each case only in ACTUAL.
compare_cases() {
  $PY "$TOP/tests/golden/compare.py" "$@"
}
