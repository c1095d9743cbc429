#!/bin/sh
# tests/oracle6.sh DIR: Debian's ucspi-tcp-ipv6 (fefe's IPv6 patch), the
# oracle of the IPv6 differential tests, unpacked into DIR (it conflicts
# with the installed ucspi-tcp, so it is fetched with `apt-get download`
# and unpacked with `dpkg-deb -x`, never installed). Prints DIR, the
# directory holding the unpacked usr/bin (DIR/usr/bin/tcpserver,
# tcprules, tcprulescheck, ...), as an absolute path. A DIR that already
# holds them is used as it is. Exits non-zero with a message on stderr if
# the package cannot be fetched or unpacked.
set -u
[ $# -eq 1 ] && [ -n "$1" ] || { echo "usage: tests/oracle6.sh DIR" >&2; exit 100; }
mkdir -p "$1" || { echo "oracle6: cannot create $1" >&2; exit 111; }
dir=$(cd "$1" && pwd) || exit 111
have() {
  for p in tcpserver tcprules tcprulescheck; do
    [ -x "$dir/usr/bin/$p" ] || return 1
  done
}
if have; then echo "$dir"; exit 0; fi
work=$(mktemp -d "$dir/fetch.XXXXXX") || { echo "oracle6: cannot write in $dir" >&2; exit 111; }
trap 'rm -rf "$work"' EXIT
deb=$(ls /var/cache/apt/archives/ucspi-tcp-ipv6_*.deb 2>/dev/null | tail -n 1)
if [ -z "$deb" ]; then
  if ! (cd "$work" && timeout 120 apt-get download ucspi-tcp-ipv6) >"$work/log" 2>&1; then
    echo "oracle6: apt-get download ucspi-tcp-ipv6 failed: $(tail -n 2 "$work/log" | tr '\n' ' ')" >&2
    exit 111
  fi
  deb=$(ls "$work"/ucspi-tcp-ipv6_*.deb 2>/dev/null | tail -n 1)
  [ -n "$deb" ] || { echo "oracle6: apt-get download left no .deb" >&2; exit 111; }
fi
if ! dpkg-deb -x "$deb" "$work/root" 2>"$work/log"; then
  echo "oracle6: dpkg-deb -x $deb failed: $(head -n 2 "$work/log" | tr '\n' ' ')" >&2
  exit 111
fi
# into place directory by directory (another run may have won meanwhile)
for d in "$work"/root/*; do
  [ -e "$dir/$(basename "$d")" ] || mv "$d" "$dir/" 2>/dev/null
done
have || { echo "oracle6: $dir/usr/bin lacks tcpserver, tcprules or tcprulescheck" >&2; exit 111; }
echo "$dir"
