# Sourced by tests/tcprules/check.sh (suite-20) and suite-22.
# check_matrix CDB WHAT: every combination of TCPREMOTEIP/HOST/INFO unset
# (-), empty (@) or set, from the word lists MATRIX_IPS and MATRIX_HOSTS,
# gives the
# same stdout, stderr and exit code with $OCHECK and $CHECK; the ok/FAIL
# line starts with MATRIX_LABEL
check_matrix() {
  cdb=$1 what=$2 bad= n=0
  for ip in $MATRIX_IPS; do
    [ "$ip" = @ ] && ip=
    for host in $MATRIX_HOSTS; do
      [ "$host" = @ ] && host=
      for info in - '' joe; do
        set -- env -u TCPREMOTEIP -u TCPREMOTEHOST -u TCPREMOTEINFO
        [ "$ip" = - ] || set -- "$@" "TCPREMOTEIP=$ip"
        [ "$host" = - ] || set -- "$@" "TCPREMOTEHOST=$host"
        [ "$info" = - ] || set -- "$@" "TCPREMOTEINFO=$info"
        a=$("$@" "$OCHECK" "$cdb" 2>&1; echo "rc=$?")
        b=$("$@" "$CHECK" "$cdb" 2>&1; echo "rc=$?")
        n=$((n + 1))
        [ "$a" = "$b" ] || bad="$bad [ip=$ip host=$host info=$info]"
      done
    done
  done
  if [ -z "$bad" ]; then ok "$MATRIX_LABEL: $what: $n environments identical"
  else notok "$MATRIX_LABEL: $what" "differs for$bad"; fi
}
