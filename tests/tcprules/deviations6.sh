# Sourced by suite-22-tcprules6.sh: where we differ from Debian's IPv6
# tcprules/tcprulescheck on purpose (ipv6.md, Rules), each asserted.

# stored INPUT: the records our tcprules writes for INPUT (printf format)
stored() {
  # shellcheck disable=SC2059
  printf "$1" >"$W/dev.in"
  side "$W/m" "$RULES" <"$W/dev.in"
  $DUMP "$W/m/x.cdb"
}
# decision CDB IP [PROG]: the first line tcprulescheck prints for IP
decision() { env -u TCPREMOTEHOST -u TCPREMOTEINFO TCPREMOTEIP=$2 "${3:-$CHECK}" "$1" | head -n 1; }

# 1. a complete address is stored in RFC 5952 form, whatever its spelling
same "tcprules6: 2001:DB8:0:0::1 stored as 2001:db8::1" \
  "2001:db8::1 -> +A=1\0" "$(stored '2001:DB8:0:0::1:allow,A="1"\n')"
same "tcprules6: joe@2001:0DB8::5 stored as joe@2001:db8::5" \
  "joe@2001:db8::5 -> D\0" "$(stored 'joe@2001:0DB8::5:deny\n')"
same "tcprules6: Debian's 2001:db8::1:1:1:1:1 stored as RFC 5952 text" \
  "2001:db8:0:1:1:1:1:1 -> " "$(stored '2001:db8::1:1:1:1:1:allow\n')"
same "tcprules6: a full 8-group spelling is compressed" \
  "2001:db8:: -> " "$(stored '2001:0db8:0000:0000:0000:0000:0000:0000:allow\n')"
same "tcprules6: ::FFFF:1.2.3.4 stays mapped, in lower case" \
  "::ffff:1.2.3.4 -> " "$(stored '::FFFF:1.2.3.4:allow\n')"
same "tcprules6: ::ffff:102:304 is stored dotted" \
  "::ffff:1.2.3.4 -> " "$(stored '::ffff:102:304:allow\n')"
printf '2001:DB8:0:0::1:allow,A="1"\n' >"$W/dev.in"
"$RULES" "$W/dev.cdb" "$W/dev.tmp" <"$W/dev.in"
"$ORULES" "$W/odev.cdb" "$W/odev.tmp" <"$W/dev.in"
same "tcprulescheck6: a non-compact key matches its address (ours)" \
  "rule 2001:db8::1:" "$(decision "$W/dev.cdb" 2001:db8::1)"
same "tcprulescheck6: ... and never matches in Debian's" \
  "default:" "$(decision "$W/odev.cdb" 2001:db8::1 "$OCHECK")"

# 2. TCPREMOTEIP in any spelling is looked up as tcpserver presents it
"$ORULES" "$W/v6.cdb" "$W/v6.tmp" <"$DATA/ipv6.rules"
for c in "2001:DB8::1=2001:db8::1" "2001:0db8:0:0:0:0:0:1=2001:db8::1" \
         "2001:db8:0:0:1:0:0:1=2001:db8::1:0:0:1" "::FFFF:10.1.2.3=::ffff:10.1.2.3" \
         "0:0:0:0:0:ffff:a01:204=::ffff:10.1.2.4" "2001:DB8:1::=2001:db8:1::"; do
  ip=${c%%=*} norm=${c#*=}
  a=$(env -u TCPREMOTEHOST -u TCPREMOTEINFO TCPREMOTEIP=$ip "$CHECK" "$W/v6.cdb"; echo "rc=$?")
  b=$(env -u TCPREMOTEHOST -u TCPREMOTEINFO TCPREMOTEIP=$norm "$OCHECK" "$W/v6.cdb"; echo "rc=$?")
  same "tcprulescheck6: TCPREMOTEIP=$ip decides as Debian's does for $norm" "$b" "$a"
done
for ip in 2001:db8::1%eth0 '2001:db8::1 ' 2001:db8::g 2001:db8: ::ffff:1.2.3; do
  a=$(env -u TCPREMOTEHOST -u TCPREMOTEINFO "TCPREMOTEIP=$ip" "$CHECK" "$W/v6.cdb"; echo "rc=$?")
  b=$(env -u TCPREMOTEHOST -u TCPREMOTEINFO "TCPREMOTEIP=$ip" "$OCHECK" "$W/v6.cdb"; echo "rc=$?")
  same "tcprulescheck6: TCPREMOTEIP=[$ip], not an address, is used as it is" "$b" "$a"
done

# 3. keys that can never match: stored as written (Debian's bytes), with
#    a warning (a '/' makes a CIDR rule, spec/cidr.md: suite-24)
for c in "2001:0db8::allow|IPv6 prefix not in lowercase compact form" \
         "2001:DB8::deny|IPv6 prefix not in lowercase compact form" \
         "::FFFF:1.2.:allow|IPv6 prefix not in lowercase compact form" \
         "fe80::1%eth0:allow|not an IPv6 address or prefix" \
         "joe@2001:db8::allow|info@ needs a complete IPv6 address"; do
  line=${c%%|*} why=${c#*|}
  printf '%s\n::1:allow\n' "$line" >"$W/dev.in"
  side "$W/o" "$ORULES" <"$W/dev.in"
  side "$W/m" "$RULES" <"$W/dev.in"
  same "tcprules6: $line warns" \
    "tcprules: warning: $why, it can never match: $line
0" "$(cat "$W/m/err" "$W/m/rc")"
  samefile "tcprules6: $line stored as Debian stores it" "$W/o/x.cdb" "$W/m/x.cdb"
done
printf '::ffff:1.2.1-3.4%%eth0:allow\n' >"$W/dev.in"
side "$W/m" "$RULES" <"$W/dev.in"
same "tcprules6: a range line warns once, however many keys" \
  "1 0 3" "$(grep -c 'never match' "$W/m/err") $(cat "$W/m/rc") $($DUMP "$W/m/x.cdb" | wc -l)"
same "tcprules6: range keys in mapped addresses are normalised" \
  "::ffff:1.2.3.1 -> |::ffff:1.2.3.2 -> " \
  "$(stored '::FFFF:1.2.3.01-02:allow\n' | tr '\n' '|' | sed 's/|$//')"

# 4. a range in IPv6 groups: exit 100, old cdb kept, as Debian's does,
#    with a warning saying why
printf '2001:db8::2:allow\n2001:db8::1-5:allow\n' >"$W/dev.in"
side "$W/o" "$ORULES" <"$W/dev.in"
side "$W/m" "$RULES" <"$W/dev.in"
same "tcprules6: 2001:db8::1-5 is an error" \
  "tcprules: warning: a range works only in a dotted IPv4 part: 2001:db8::1-5:allow
tcprules: fatal: unable to parse this line: 2001:db8::1-5:allow
100" "$(cat "$W/m/err" "$W/m/rc")"
same "tcprules6: 2001:db8::1-5: Debian's exits 100 too" "100" "$(cat "$W/o/rc")"
samefile "tcprules6: 2001:db8::1-5 leaves the old cdb" "$W/old.cdb" "$W/m/x.cdb"

# 5. lines Debian's loops on behave as in 0.88 (/usr/bin/tcprules)
for line in foo '1.2.3.4:bogus' '::1:Allow' '2001:db8::1' 'x:y'; do
  printf '1.2.3.4:allow\n%s\n5.6.7.8:allow\n' "$line" >"$W/dev.in"
  side "$W/o" "$O4" <"$W/dev.in"
  side "$W/m" "$RULES" <"$W/dev.in"
  why=$(differ "$W/o" "$W/m")
  same "tcprules6: [$line] as in 0.88 (rc $(cat "$W/o/rc"))" "" "$why"
done
printf '1.2.3.4:bogus\n' | (cd "$W" && timeout 1 "$ORULES" l.cdb l.tmp >/dev/null 2>&1; echo $? >"$W/loop.rc")
same "tcprules6: Debian's loops on 1.2.3.4:bogus (the bug we do not copy)" "124" "$(cat "$W/loop.rc")"
# where 0.88 fails on a first ':' not followed by allow or deny, a later
# ':allow' now splits (ipv6.md, Rules): suite-20 no longer compares this
printf 'a:b:allow\n' | (cd "$W" && "$O4" l.cdb l.tmp >/dev/null 2>&1; echo $? >"$W/o4.rc")
same "tcprules6: a:b:allow: 0.88 exits 100" "100" "$(cat "$W/o4.rc")"
same "tcprules6: a:b:allow gives the key a:b, with a warning" \
  "a:b -> |tcprules: warning: not an IPv6 address or prefix, it can never match: a:b:allow|0" \
  "$(stored 'a:b:allow\n' 2>&1 | tr '\n' '|')$(cat "$W/m/err" "$W/m/rc" | tr '\n' '|' | sed 's/|$//')"
