#!/bin/bash
# Differential tests: every case of tests/golden/diff.cases is run with
# Debian's tcpserver ($ORACLE, default /usr/bin/tcpserver) and with ours
# ($TCPSERVER, default $BIN/tcpserver) inside a private network namespace;
# the normalised outputs (child environment, banner, log lines, messages,
# exit codes) must be identical, one ok/FAIL line per case.
# CASES=REGEX runs only the matching cases.
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
. "$TOP/tests/lib.sh"
. "$TOP/tests/golden/harness.sh"
: "${TCPSERVER:=$BIN/tcpserver}" "${ORACLE:=/usr/bin/tcpserver}"
export TCPSERVER ORACLE
what="tcpserver vs Debian"
if [ ! -x "$TCPSERVER" ]; then notok "$what" "no program $TCPSERVER"; exit 0; fi
if [ ! -x "$ORACLE" ]; then notok "$what" "no oracle $ORACLE (apt-get install ucspi-tcp)"; exit 0; fi
golden_netns "$0" "$@" || { notok "$what" "cannot create a private network namespace (unshare -n -m -u)"; exit 0; }
trap golden_teardown EXIT
golden_probe || { notok "$what" "cannot build childprobe"; exit 0; }
golden_setup || { notok "$what" "namespace setup failed (lo, hostname, mounts, fakedns)"; exit 0; }
ours=$TCPSERVER
TCPSERVER=$ORACLE RUN_TAG=oracle run_cases "$TOP/tests/golden/diff.cases" "$T/oracle.out" "${CASES:-}"
TCPSERVER=$ours RUN_TAG=ours run_cases "$TOP/tests/golden/diff.cases" "$T/ours.out" "${CASES:-}"
compare_cases "$what" "$T/oracle.out" "$T/ours.out"
[ -n "${GOLDEN_KEEP:-}" ] && cp "$T/oracle.out" "$GOLDEN_KEEP.oracle" && cp "$T/ours.out" "$GOLDEN_KEEP.ours"
exit 0
