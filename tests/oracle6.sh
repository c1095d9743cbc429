#!/bin/bash
# tests/oracle6.sh DIR: Debian's IPv6 ucspi-tcp (package ucspi-tcp-ipv6,
# which conflicts with the installed ucspi-tcp) fetched with
# `apt-get download` into DIR and unpacked with `dpkg-deb -x` into
# DIR/root; prints DIR/root/usr/bin on stdout. When DIR/root/usr/bin/tcpserver
# already exists it only prints the path. Exit 1 with a message on stderr
# when the package cannot be fetched or unpacked.
dir=${1:?usage: tests/oracle6.sh DIR}
bin=$dir/root/usr/bin
[ -x "$bin/tcpserver" ] && { echo "$bin"; exit 0; }
mkdir -p "$dir" || { echo "oracle6.sh: cannot create $dir" >&2; exit 1; }
cd "$dir" || { echo "oracle6.sh: cannot enter $dir" >&2; exit 1; }
[ -w . ] || { echo "oracle6.sh: $dir is not writable" >&2; exit 1; }
if ! ls ucspi-tcp-ipv6_*.deb >/dev/null 2>&1; then
  apt-get download ucspi-tcp-ipv6 >download.log 2>&1 ||
    { echo "oracle6.sh: apt-get download ucspi-tcp-ipv6 failed: $(tail -n 2 download.log | tr '\n' ' ')" >&2; exit 1; }
fi
deb=$(ls ucspi-tcp-ipv6_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || { echo "oracle6.sh: no ucspi-tcp-ipv6 package in $dir" >&2; exit 1; }
dpkg-deb -x "$deb" root || { echo "oracle6.sh: dpkg-deb -x $deb failed" >&2; exit 1; }
[ -x root/usr/bin/tcpserver ] || { echo "oracle6.sh: $deb has no usr/bin/tcpserver" >&2; exit 1; }
echo "$bin"
