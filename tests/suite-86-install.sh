#!/bin/bash
# make install PREFIX= DESTDIR=DIR: every program (mode 755), every man
# page (644), README and the examples (run scripts 755, the rest 644) at
# the documented places, the same bytes as the tree's, and nothing else.
. "$(dirname "$0")/lib.sh"
D=$T/root
if ! make -s -C "$TOP" install PREFIX= DESTDIR="$D" >"$T/install.log" 2>&1; then
  notok "make install PREFIX= DESTDIR=$D" "$(tail -n 5 "$T/install.log" | tr '\n' '|')"; exit 0
fi
ok "make install PREFIX= DESTDIR=\$T/root"
mode() { stat -c %a "$1" 2>/dev/null; }
# want MODE SOURCE INSTALLED: the installed file has MODE and SOURCE's bytes
want() {
  if [ "$(mode "$3")" != "$1" ]; then notok "installed ${3#"$D"} mode $1" "mode $(mode "$3" || echo missing)"
  elif ! cmp -s "$2" "$3"; then notok "installed ${3#"$D"} is ${2#"$TOP"/}" "differs"
  else ok "installed ${3#"$D"} ($1)"; fi
}
expect=
for p in tcpserver tcprules tcprulescheck sqlrelayd sqlrelaycheck sqlrelayopen sqlrelayexpire; do
  want 755 "$TOP/$p" "$D/bin/$p"; expect="$expect /bin/$p"
done
n=0
for m in "$TOP"/*.1; do
  b=$(basename "$m"); want 644 "$m" "$D/share/man/man1/$b"; expect="$expect /share/man/man1/$b"
  n=$((n + 1))
  # a page for the program it is installed under
  sed -n '/^\.SH NAME/{n;p;q}' "$D/share/man/man1/$b" | grep -q "^${b%.1}\b" ||
    notok "man page $b names ${b%.1}" "$(sed -n '/^\.SH NAME/{n;p;q}' "$D/share/man/man1/$b")"
done
[ $n -ge 6 ] && ok "$n man pages installed" || notok "man pages installed" "only $n"
doc=/share/doc/ucspi-tcp-sql
want 644 "$TOP/README" "$D$doc/README"; expect="$expect $doc/README"
want 644 "$TOP/control-sql.example" "$D$doc/examples/control-sql.example"
expect="$expect $doc/examples/control-sql.example"
for f in $(cd "$TOP/examples" && find . -type f | sed 's|^\./||'); do
  m=644; case $f in */run) m=755;; esac
  want $m "$TOP/examples/$f" "$D$doc/examples/$f"; expect="$expect $doc/examples/$f"
done
same "the daemontools run scripts are installed executable" "755 755" \
  "$(mode "$D$doc/examples/service/smtpd/run") $(mode "$D$doc/examples/service/smtpd/log/run")"
same "nothing else installed" "$(printf '%s\n' $expect | sort)" "$(cd "$D" && find . -type f | sed 's|^\.||' | sort)"
bad=$(cd "$D" && find . -type d ! -perm 755)
same "installed directories are 755" "" "$bad"
# the installed programs run: tcprules writes the cdb the tree's writes
printf '127.0.0.1:allow,RELAYCLIENT=""\n:deny\n' >"$T/rules.txt"
"$D/bin/tcprules" "$T/a.cdb" "$T/a.tmp" <"$T/rules.txt" && "$BIN/tcprules" "$T/b.cdb" "$T/b.tmp" <"$T/rules.txt" &&
  samefile "the installed tcprules works" "$T/b.cdb" "$T/a.cdb" || notok "the installed tcprules works" "tcprules failed"
exit 0
