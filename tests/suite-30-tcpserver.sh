#!/bin/bash
# Golden-output tests for tcpserver: every case of tests/golden/tcpserver.cases
# is run against $TCPSERVER (default $BIN/tcpserver) in private network
# namespaces (3 in parallel), normalised, and compared with
# tests/golden/tcpserver.expected, one ok/FAIL line per case.
# CASES=REGEX runs only the matching cases; GOLDEN_KEEP=FILE keeps the output.
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
. "$TOP/tests/lib.sh"
. "$TOP/tests/golden/harness.sh"
: "${TCPSERVER:=$BIN/tcpserver}"
what="tcpserver golden"
[ -x "$TCPSERVER" ] || { notok "$what" "no program $TCPSERVER"; exit 0; }
unshare -n -m -u true 2>/dev/null || { notok "$what" "cannot create a private network namespace (unshare -n -m -u)"; exit 0; }
golden_probe || { notok "$what" "cannot build the test programs"; exit 0; }
golden_parallel "$TOP/tests/golden/tcpserver.cases" "$T/out" "${CASES:-}" 3 "$TCPSERVER" || exit 0
compare_cases "$what" "$TOP/tests/golden/tcpserver.expected" "$T/out.1" ${CASES:+ran-only}
[ -n "${GOLDEN_KEEP:-}" ] && cp "$T/out.1" "$GOLDEN_KEEP"
exit 0
