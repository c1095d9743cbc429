# Sourced by suite-20-tcprules.sh: tcprulescheck against the oracle over a
# matrix of environments, plus the intended differences of Appendix A.

MATRIX_IPS='- @ 1.2.3.4 10.1.3.7 1.2.250.9 127.0.0.1 9.9.9.9 3.3.3.3 8.8.8.8'
MATRIX_HOSTS='- @ h.example.com x.example.com X.EXAMPLE.COM a.b.c .'
MATRIX_LABEL=tcprulescheck
. "$DATA/matrix.sh"

for f in matrix nodefault mixed; do
  "$ORULES" "$W/$f.cdb" "$W/$f.tmp" <"$DATA/$f.rules"
  check_matrix "$W/$f.cdb" "$f.rules"
done
python3 "$DATA/mkcdb.py" odd "$W/odd.cdb" &&
  check_matrix "$W/odd.cdb" "hand-made cdb with odd data entries"
for ip in 1.1.1.1 2.2.2.2 3.3.3.3 4.4.4.4 5.5.5.5 6.6.6.6 7.7.7.7 8.8.8.8 9.9.9.9; do
  a=$(TCPREMOTEIP=$ip "$OCHECK" "$W/odd.cdb" 2>&1; echo "rc=$?")
  b=$(TCPREMOTEIP=$ip "$CHECK" "$W/odd.cdb" 2>&1; echo "rc=$?")
  same "tcprulescheck: odd data entries of $ip" "$a" "$b"
done
a=$(TCPREMOTEIP=10.3.2.1 "$OCHECK" "$W/big.cdb" 2>&1; echo "rc=$?")
b=$(TCPREMOTEIP=10.3.2.1 "$CHECK" "$W/big.cdb" 2>&1; echo "rc=$?")
same "tcprulescheck: lookup in the 1,000,000-line cdb" "$a" "$b"

# command line
for args in "" "$W/matrix.cdb extra" "$W/nonexistent.cdb"; do
  # shellcheck disable=SC2086
  a=$("$OCHECK" $args 2>&1; echo "rc=$?")
  # shellcheck disable=SC2086
  b=$("$CHECK" $args 2>&1; echo "rc=$?")
  same "tcprulescheck: arguments [$(echo $args | sed "s|$W/||g")]" "$a" "$b"
done

# intended differences (Appendix A): fixed expected text, exit 111
: >"$W/empty.cdb"
head -c 100 "$W/matrix.cdb" >"$W/short.cdb"
mkdir -p "$W/dir.cdb"
for f in badtable badslots badrecord; do python3 "$DATA/mkcdb.py" $f "$W/$f.cdb"; done
for c in "empty.cdb:protocol error" "short.cdb:protocol error" \
         "dir.cdb:is a directory" "badtable.cdb:protocol error" \
         "badslots.cdb:protocol error" "badrecord.cdb:protocol error"; do
  f=${c%%:*} e=${c#*:}
  b=$(cd "$W" && TCPREMOTEIP=1.1.1.1 "$CHECK" "$f" 2>&1; echo "rc=$?")
  same "tcprulescheck: $f gives $e" \
    "tcprulescheck: fatal: unable to read $f: $e
rc=111" "$b"
done
