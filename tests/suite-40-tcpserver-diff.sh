#!/bin/bash
# Differential tests: every case of tests/golden/diff.cases is run with
# Debian's tcpserver ($ORACLE, default /usr/bin/tcpserver) and with ours
# ($TCPSERVER, default $BIN/tcpserver), each in private network namespaces
# (2 per program, in parallel); the normalised outputs (child environment,
# banner, log lines, messages, exit codes) must be identical, one ok/FAIL
# line per case. CASES=REGEX runs only the matching cases;
# GOLDEN_KEEP=PREFIX keeps both outputs.
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
. "$TOP/tests/lib.sh"
. "$TOP/tests/golden/harness.sh"
: "${TCPSERVER:=$BIN/tcpserver}" "${ORACLE:=/usr/bin/tcpserver}"
what="tcpserver vs Debian"
[ -x "$TCPSERVER" ] || { notok "$what" "no program $TCPSERVER"; exit 0; }
[ -x "$ORACLE" ] || { notok "$what" "no oracle $ORACLE (apt-get install ucspi-tcp)"; exit 0; }
unshare -n -m -u true 2>/dev/null || { notok "$what" "cannot create a private network namespace (unshare -n -m -u)"; exit 0; }
golden_probe || { notok "$what" "cannot build the test programs"; exit 0; }
export NORMALISE_PORTS=collapse
golden_parallel "$TOP/tests/golden/diff.cases" "$T/out" "${CASES:-}" 2 "$ORACLE" "$TCPSERVER" || exit 0
compare_cases "$what" "$T/out.1" "$T/out.2"
[ -n "${GOLDEN_KEEP:-}" ] && cp "$T/out.1" "$GOLDEN_KEEP.oracle" && cp "$T/out.2" "$GOLDEN_KEEP.ours"
exit 0
