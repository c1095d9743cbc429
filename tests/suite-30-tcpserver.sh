#!/bin/bash
# Golden-output tests for tcpserver: every case of tests/golden/tcpserver.cases
# is run against $TCPSERVER (default $BIN/tcpserver) inside a private network
# namespace, normalised, and compared with tests/golden/tcpserver.expected
# (one ok/FAIL line per case). CASES=REGEX runs only the matching cases.
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
. "$TOP/tests/lib.sh"
. "$TOP/tests/golden/harness.sh"
: "${TCPSERVER:=$BIN/tcpserver}"
export TCPSERVER
what="tcpserver golden"
if [ ! -x "$TCPSERVER" ]; then notok "$what" "no program $TCPSERVER"; exit 0; fi
golden_netns "$0" "$@" || { notok "$what" "cannot create a private network namespace (unshare -n -m -u)"; exit 0; }
trap golden_teardown EXIT
golden_probe || { notok "$what" "cannot build childprobe"; exit 0; }
golden_setup || { notok "$what" "namespace setup failed (lo, hostname, mounts, fakedns)"; exit 0; }
run_cases "$TOP/tests/golden/tcpserver.cases" "$T/tcpserver.actual" "${CASES:-}"
compare_cases "$what" "$TOP/tests/golden/tcpserver.expected" "$T/tcpserver.actual" ${CASES:+ran-only}
[ -n "${GOLDEN_KEEP:-}" ] && cp "$T/tcpserver.actual" "$GOLDEN_KEEP"
exit 0
