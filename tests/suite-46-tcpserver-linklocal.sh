#!/bin/bash
# Link-local IPv6 (ipv6.md: -I, TCP6INTERFACE): in a private network
# namespace with a veth pair, `tcpserver -I d0 fe80::1` serves a client
# from fe80::99%d0; the program's environment and the log lines are the
# same as with Debian's ucspi-tcp-ipv6 (tests/oracle6.sh). Also: a
# link-local host without -I, -I with an unknown interface, and a scope id
# in the host argument are fatal errors in 0.88's shape.
. "$(dirname "$0")/lib.sh"
if [ "${1:-}" != inner ]; then
  [ -x "$BIN/tcpserver" ] || { notok "built tcpserver" "missing $BIN/tcpserver"; exit 0; }
  O6=$("$TOP/tests/oracle6.sh" "$T/oracle6") || { notok "Debian's ucspi-tcp-ipv6 unpacked" "tests/oracle6.sh failed"; exit 0; }
  unshare -n true 2>/dev/null || { notok "private network namespace" "unshare -n failed"; exit 0; }
  O6=$O6 unshare -n "$(cd "$(dirname "$0")" && pwd)/$(basename "$0")" inner
  exit 0
fi
ip link set lo up
if ! { ip link add d0 type veth peer name d1 && ip link set d0 up && ip link set d1 up &&
       ip addr add fe80::1/64 dev d0 nodad && ip addr add fe80::99/64 dev d0 nodad; }; then
  notok "veth pair with link-local addresses" "ip failed"; exit 0
fi
PROBE='env | grep -E "^(PROTO|TCP)" | sort'
# serve PROGRAM: one connection from fe80::99%d0; environment, then log
serve() {
  local port pid
  "$1" -1 -v -RH -l L -I d0 fe80::1 0 sh -c "$PROBE" >"$T/port" 2>"$T/log" &
  pid=$!
  port=$(wait_port "$T/port") || { echo "no port: $(cat "$T/log")"; kill $pid; return; }
  python3 - "$port" <<'EOF'
import socket, sys
i = socket.if_nametoindex('d0')
s = socket.socket(socket.AF_INET6)
s.settimeout(10)
s.bind(('fe80::99', 0, 0, i))
s.connect(('fe80::1', int(sys.argv[1]), 0, i))
s.shutdown(socket.SHUT_WR)
d = b''
while True:
    x = s.recv(4096)
    if not x:
        break
    d += x
sys.stdout.write(d.decode())
EOF
  sleep 0.2; kill $pid; wait $pid 2>/dev/null
  # ports and pids differ between runs
  sed -E 's/PORT=[0-9]+/PORT=P/; s/[0-9]+ status/N status/; s/(pid|ok) [0-9]+/\1 N/; s/:[0-9]+( |$)/:P\1/g' "$T/log"
}
ours=$(serve "$BIN/tcpserver" | sed -E 's/PORT=[0-9]+/PORT=P/')
theirs=$(serve "$O6/usr/bin/tcpserver" | sed -E 's/PORT=[0-9]+/PORT=P/')
same "link-local client: environment and log as Debian's ucspi-tcp-ipv6" "$theirs" "$ours"
case $ours in *"TCP6INTERFACE=d0"*) ok "TCP6INTERFACE=d0 for a link-local client";;
  *) notok "TCP6INTERFACE=d0 for a link-local client" "$ours";; esac
# fatal HOST [OPTIONS]: the message and exit code
fatal() { local h=$1; shift; timeout 5 "$BIN/tcpserver" "$@" "$h" 0 true 2>&1; echo "exit $?"; }
same "fe80::1 without -I: bind fails" "tcpserver: fatal: unable to bind: invalid argument
exit 111" "$(fatal fe80::1)"
same "-I with an unknown interface" "tcpserver: fatal: unable to figure out interface index for nosuch0: no such device
exit 111" "$(fatal fe80::1 -I nosuch0)"
same "a scope id in the host argument" "tcpserver: fatal: no IP address for fe80::1%d0: give the scope id with -I
exit 111" "$(fatal fe80::1%d0)"
exit 0
