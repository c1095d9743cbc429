#!/bin/bash
# IPv6 differential tests. Every case of tests/golden/diff6.cases is run
# with Debian's IPv6 tcpserver ($ORACLE6, default: package ucspi-tcp-ipv6
# unpacked by tests/oracle6.sh into $ORACLE6_DIR, default $T/oracle6) and
# with ours ($TCPSERVER, default $BIN/tcpserver), in private network
# namespaces (2 per program, in parallel); the normalised outputs must be
# identical, one ok/FAIL line per case. Rules are compiled with Debian's
# IPv6 tcprules for both ($TCPRULES6 to choose another).
# Then the cases of tests/golden/dev6.cases (where our contract deviates
# from Debian's build, spec/ipv6.md Part 2) run with both programs and each
# output is checked against the expected text below: ours must behave as
# the contract says, Debian's as spec/ipv6.md Part 1.1 says (which keeps
# the expectations honest). CASES=REGEX runs only the matching cases;
# GOLDEN_KEEP=PREFIX keeps the outputs; ORACLE6_DIR=DIR keeps the fetched
# package between runs.
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
. "$TOP/tests/lib.sh"
. "$TOP/tests/golden/harness.sh"
: "${TCPSERVER:=$BIN/tcpserver}"
what="tcpserver vs Debian IPv6"
[ -x "$TCPSERVER" ] || { notok "$what" "no program $TCPSERVER"; exit 0; }
if [ -z "${ORACLE6:-}" ]; then
  o6=$("$TOP/tests/oracle6.sh" "${ORACLE6_DIR:-$T/oracle6}" 2>"$T/oracle6.err") ||
    { notok "$what" "no oracle: $(cat "$T/oracle6.err")"; exit 0; }
  ORACLE6=$o6/usr/bin/tcpserver
fi
[ -x "$ORACLE6" ] || { notok "$what" "no oracle $ORACLE6"; exit 0; }
# harness.sh defaults TCPRULES to the IPv4 /usr/bin/tcprules: not here
TCPRULES=${TCPRULES6:-$(dirname "$ORACLE6")/tcprules}
[ -x "$TCPRULES" ] || { notok "$what" "no IPv6 tcprules $TCPRULES"; exit 0; }
export TCPRULES
unshare -n -m -u true 2>/dev/null || { notok "$what" "cannot create a private network namespace (unshare -n -m -u)"; exit 0; }
golden_probe || { notok "$what" "cannot build the test programs"; exit 0; }
export NORMALISE_PORTS=collapse
if golden_parallel "$TOP/tests/golden/diff6.cases" "$T/out" "${CASES:-}" 2 "$ORACLE6" "$TCPSERVER"; then
  compare_cases "$what" "$T/out.1" "$T/out.2"
  [ -n "${GOLDEN_KEEP:-}" ] && cp "$T/out.1" "$GOLDEN_KEEP.oracle" && cp "$T/out.2" "$GOLDEN_KEEP.ours"
fi

# ---- the deviations -------------------------------------------------------
mkdir -p "$T/dev"
T=$T/dev NORMALISE_PORTS= golden_parallel "$TOP/tests/golden/dev6.cases" "$T/dev/out" "${CASES:-}" 1 "$ORACLE6" "$TCPSERVER" || exit 0
[ -n "${GOLDEN_KEEP:-}" ] && cp "$T/dev/out.1" "$GOLDEN_KEEP.dev.oracle" && cp "$T/dev/out.2" "$GOLDEN_KEEP.dev.ours"

# expect WHO CASE WHAT LINE...: the output of CASE (in $T/dev/out.1 for
# WHO=debian, out.2 for ours) has every line `+TEXT` (as a whole line) and
# none of the lines `-TEXT`; `~REGEX` must match a line. One ok/FAIL line.
expect() {
  local who=$1 case=$2 desc=$3 f=$T/dev/out.2 l bad='' body
  shift 3
  [ "$who" = debian ] && f=$T/dev/out.1
  [ -n "${CASES:-}" ] && ! [[ $case =~ $CASES ]] && return 0
  body=$(awk -v c="--- $case" '$0 == c { on = 1; next } /^--- / { on = 0 } on' "$f")
  if [ -z "$body" ]; then notok "$who: $desc" "case [$case] did not run"; return; fi
  for l in "$@"; do
    case "$l" in
      +*) grep -qxF -- "${l#+}" <<<"$body" || bad+="missing [${l#+}] ";;
      -*) grep -qxF -- "${l#-}" <<<"$body" && bad+="unexpected [${l#-}] ";;
      ~*) grep -qE -- "${l#\~}" <<<"$body" || bad+="no line matching /${l#\~}/ ";;
    esac
  done
  if [ -z "$bad" ]; then ok "$who: $desc"
  else notok "$who: $desc" "$bad| output: $(head -c 1500 <<<"$body" | tr '\n' '|')"; fi
}

c='host 0: IPv4 only for us, dual-stack for Debian'
expect ours "$c" "host 0 refuses an IPv6 client" \
  '+v6 client:' '+connect: connection refused' '-PROTO=TCP6' '+PROTO=TCP' '+TCPREMOTEIP=127.0.0.1' \
  '+listening 0.0.0.0:$PORT backlog 20'
expect debian "$c" "Debian's host 0 takes an IPv6 client" \
  '+PROTO=TCP6' '+TCPREMOTEIP=::1' '-connect: connection refused' '+listening *:$PORT backlog 20'

c='host :: is the dual-stack listener'
expect ours "$c" "host :: serves IPv4 as TCP with no TCP6 variables" \
  '+v4 client:' '+PROTO=TCP' '+TCPREMOTEIP=127.0.0.1' '+TCPLOCALIP=127.0.0.1' \
  '+TCP6REMOTEIP unset' '+TCP6LOCALIP unset' '+TCP6REMOTEPORT unset' '-TCPREMOTEIP=::ffff:127.0.0.1' \
  '+2> tcpserver: pid $PID1 from 127.0.0.1' '+2> tcpserver: ok $PID1 local:127.0.0.1:$PORT :127.0.0.1::$CPORT1'
expect ours "$c" "host :: serves IPv6 as TCP6" \
  '+v6 client:' '+PROTO=TCP6' '+TCPREMOTEIP=2001:db8::5' '+TCP6REMOTEIP=2001:db8::5' '+TCP6LOCALIP=2001:db8::1' \
  '+2> tcpserver: ok $PID2 local:2001:db8::1:$PORT :2001:db8::5::$CPORT2' '+TCPREMOTEIP=::1' '+exit 0'
expect debian "$c" "Debian dies on host ::" \
  '~^2> tcpserver: fatal: temporarily unable to figure out IP address for ::' '+exit 111'

c='IPv4 client: no TCP6 variables, dotted log lines'
expect ours "$c" "an IPv4 client gets 0.88's environment" \
  '+PROTO=TCP' '+TCPREMOTEIP=127.0.0.1' '+TCP6REMOTEIP unset' '+TCP6LOCALIP unset' '+TCP6REMOTEPORT unset' \
  '+TCP6LOCALPORT unset' '+TCP6REMOTEHOST unset' '+TCP6LOCALHOST unset' '+TCP6REMOTEINFO unset' '+TCP6INTERFACE unset'
expect ours "$c" "IPv4 ok and deny lines stay dotted" \
  '+2> tcpserver: ok $PID1 local:127.0.0.1:$PORT :127.0.0.1:joe:$CPORT1' \
  '+2> tcpserver: deny $PID2 local:127.0.0.1:$PORT2 :127.0.0.1:joe:$CPORT2'
expect debian "$c" "Debian sets TCP6 variables and mapped log forms for IPv4" \
  '+TCP6REMOTEIP=::ffff:127.0.0.1' '+TCP6LOCALIP=::ffff:127.0.0.1' \
  '+2> tcpserver: ok $PID1 local:::ffff:127.0.0.1:$PORT :::ffff:127.0.0.1:joe:$CPORT1'

c='RFC 5952: an address with one isolated zero group'
expect ours "$c" "TCPREMOTEIP and the logs keep a single zero group" \
  '+TCPREMOTEIP=2001:db8:0:1:1:1:1:1' '+TCP6REMOTEIP=2001:db8:0:1:1:1:1:1' \
  '+2> tcpserver: pid $PID1 from 2001:db8:0:1:1:1:1:1' \
  '+2> tcpserver: ok $PID1 local:2001:db8::1:$PORT :2001:db8:0:1:1:1:1:1::$CPORT1'
expect ours "$c" "a rule written in RFC 5952 form matches" '+WHO=rfc5952'
expect ours "$c" "the listener's own address in RFC 5952 form" '+TCPLOCALIP=2001:db8:0:1:1:1:1:1'
expect debian "$c" "Debian compresses the single zero group" \
  '+TCPREMOTEIP=2001:db8::1:1:1:1:1' '+WHO=debian' '+TCPLOCALIP=2001:db8::1:1:1:1:1'

c='-4 with an IPv6 host'
for who in ours debian; do
  expect $who "$c" "-4 with an IPv6 host is fatal at startup" \
    '+2> tcpserver: fatal: unable to bind: address family not supported' '+exit 111'
done
expect ours "$c" "-4 0 refuses an IPv6 client" '+connect: connection refused' '+PROTO=TCP'

c='bad host arguments'
for h in ::1/64 ::1%nosuchif 1::2::3 fe80::1 ::1::; do
  # one fatal message on stderr, nothing on stdout (no port line), exit 111
  expect ours "$c" "host [$h] is a clear fatal error" "~^host \\[$h\\]: 2> tcpserver: fatal: [^>]+ exit 111 \$"
done

c='an AAAA-only name binds IPv6 only'
for who in ours debian; do
  expect $who "$c" "host six.test (AAAA ::1) listens on ::1 only" \
    '+listening [::1]:$PORT backlog 20' '+PROTO=TCP6' '+TCPLOCALIP=::1' '+connect: connection refused'
done

c='ident text with a colon in an IPv6 log line'
expect ours "$c" "a ':' in ident text is sanitised in the log, as in 0.88" \
  '+TCPREMOTEINFO=jo:e' '+2> tcpserver: ok $PID1 local:::1:$PORT :::1:jo?e:$CPORT1'
expect debian "$c" "Debian leaves a ':' in the log" '+2> tcpserver: ok $PID1 local:::1:$PORT :::1:jo:e:$CPORT1'

c='the usage line stays 0.88'"'"'s'
u088='2> tcpserver: usage: tcpserver [ -1UXpPhHrRoOdDqQv ] [ -c limit ] [ -x rules.cdb ] [ -B banner ] [ -g gid ] [ -u uid ] [ -b backlog ] [ -l localname ] [ -t timeout ] host port program'
expect ours "$c" "the usage line is 0.88's, byte for byte" "+$u088" '+exit 100' '+2> tcpserver: illegal option -- z'
expect debian "$c" "Debian's usage line has -46 and -I" \
  '+2> tcpserver: usage: tcpserver [ -461UXpPhHrRoOdDqQv ] [ -c limit ] [ -x rules.cdb ] [ -B banner ] [ -g gid ] [ -u uid ] [ -b backlog ] [ -l localname ] [ -t timeout ] [ -I interface ] host port program'

c='TCP6INTERFACE only for a peer with a scope id'
expect ours "$c" "no TCP6INTERFACE without a scope id (a stale one removed, none for -6 IPv4 clients)" \
  '-TCP6INTERFACE=stale' '-TCP6INTERFACE=[unknown]' '+PROTO=TCP6' '+TCP6INTERFACE=lo'
expect debian "$c" "Debian keeps a stale TCP6INTERFACE and sets [unknown] for -6 IPv4 clients" \
  '+TCP6INTERFACE=stale' '+TCP6INTERFACE=[unknown]' '+TCP6INTERFACE=lo'

c='-I with an unknown interface'
expect ours "$c" "-I nosuchif is fatal at startup" \
  '~^2> tcpserver: fatal: .*nosuchif' '+exit 111' '+connect: connection refused'
expect debian "$c" "Debian ignores an unknown -I interface" '+PROTO=TCP6' '+exit 0'
exit 0
