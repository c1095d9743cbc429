#!/bin/bash
# The Debian package (make deb, debian/): it builds, lintian has no error
# or warning, and in a throwaway root (an overlay over / in a private mount
# namespace, so the machine's own /usr is never touched) it coexists with
# Debian's ucspi-tcp: our tcpserver, tcprules, tcprulescheck are the ones on
# PATH, Debian's are kept under .ucspi-tcp names (installed before or after
# ours), rblsmtpd still works, removal gives Debian's programs back byte for
# byte, and purge leaves the root as it found it (no files, no diversions).
. "$(dirname "$0")/lib.sh"
R=$T/root          # the throwaway root: upper and work dirs of the overlay
X=$T/x             # bound into the root as /tmp/x: the .debs, reference copies
mkdir -p "$R/upper" "$R/work" "$R/mnt" "$X" || exit 1

# --- build and lint -------------------------------------------------------------
if ! make -s -C "$TOP" deb DEBDIR="$T/deb" >"$T/deb.log" 2>&1; then
  notok "make deb builds the package" "$(tail -n 5 "$T/deb.log" | tr '\n' '|')"; exit 0
fi
DEB=$(ls "$T"/deb/ucspi-tcp-sql_*.deb 2>/dev/null | head -n 1)
[ -f "$DEB" ] && ok "make deb builds ucspi-tcp-sql ($(basename "$DEB"))" ||
  { notok "make deb builds the package" "no .deb in $T/deb"; exit 0; }
lintian "$DEB" >"$T/lintian.out" 2>&1
bad=$(grep -E '^[EW]: ' "$T/lintian.out")
same "lintian: no E: or W: lines" "" "$bad"
same "the package is ucspi-tcp-sql" "ucspi-tcp-sql" "$(dpkg-deb -f "$DEB" Package)"
same "it conflicts with ucspi-tcp-ipv6 only (not ucspi-tcp)" "ucspi-tcp-ipv6" "$(dpkg-deb -f "$DEB" Conflicts)"
dpkg-deb -c "$DEB" | awk '{print $1, $6}' | sed 's|^\([-d]\)[^ ]* \./|\1 /|' >"$T/contents"
missing=
for f in /usr/bin/{tcpserver,tcprules,tcprulescheck,sqlrelayd,sqlrelaycheck,sqlrelayopen,sqlrelayexpire} \
         /usr/share/man/man1/{tcpserver,tcprules,tcprulescheck,sqlrelaycheck,sqlrelayopen,sqlrelayexpire}.1.gz \
         /usr/share/doc/ucspi-tcp-sql/{copyright,examples/control-sql.example} \
         /usr/share/doc/ucspi-tcp-sql/examples/service/smtpd/{run,log/run,env/TCPSERVER_SQL_CONTROL} \
         /usr/share/doc/ucspi-tcp-sql/examples/systemd/tcpserver-smtp.service; do
  grep -qx -- "- $f" "$T/contents" || missing="$missing $f"
done
same "the package holds every program, man page and example" "" "$missing"
for m in "$TOP"/*.1; do
  grep -qx -- "- /usr/share/man/man1/$(basename "$m").gz" "$T/contents" ||
    notok "man page $(basename "$m") packaged" "not in $(basename "$DEB")"
done

# --- the throwaway root ---------------------------------------------------------
# Debian's ucspi-tcp .deb (tests/run installed the package on the host)
UDEB=$(ls /var/cache/apt/archives/ucspi-tcp_*.deb 2>/dev/null | head -n 1)
if [ -z "$UDEB" ]; then
  (cd "$X" && apt-get download -qq ucspi-tcp >/dev/null 2>&1)
  UDEB=$(ls "$X"/ucspi-tcp_*.deb 2>/dev/null | head -n 1)
fi
[ -f "$UDEB" ] || { notok "Debian's ucspi-tcp .deb" "not in the apt cache and apt-get download failed"; exit 0; }
cp "$DEB" "$X/ours.deb" && cp "$UDEB" "$X/debian.deb" || exit 1
dpkg-deb -x "$X/ours.deb" "$X/ours" && dpkg-deb -x "$X/debian.deb" "$X/debian" || exit 1
unshare -m true 2>/dev/null || { notok "private mount namespace" "unshare -m failed"; exit 0; }

# inroot CMD: run CMD (sh) in the root; the overlay lives only as long as
# the namespace, the changes stay in $R/upper for the next call
inroot() {
  unshare -m sh -c '
    mount -t overlay overlay -o "lowerdir=/,upperdir=$1/upper,workdir=$1/work" "$1/mnt" &&
    mount -t proc proc "$1/mnt/proc" && mount --bind /dev "$1/mnt/dev" &&
    mkdir -p "$1/mnt/tmp/x" &&
    mount --bind "$2" "$1/mnt/tmp/x" &&
    exec chroot "$1/mnt" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin sh -c "$3"' \
    inroot "$R" "$X" "$1"
}
# changes: what the root has that / has not (files added, changed or
# removed), leaving out dpkg's own bookkeeping and logs
changes() {
  (cd "$R/upper" && find . -mindepth 1 \
     \( -path ./var/lib/dpkg -o -path ./var/log -o -path ./var/cache -o -path ./tmp \
        -o -path ./var/lib/man-db -o -path ./proc -o -path ./dev \) -prune -o -print) | sort |
  while read -r p; do
    u=$R/upper/${p#./} l=/${p#./}
    if [ -c "$u" ]; then echo "removed $l"
    elif [ -L "$u" ]; then [ "$(readlink "$u")" = "$(readlink "$l" 2>/dev/null)" ] || echo "link $l"
    elif [ -d "$u" ]; then [ -d "$l" ] && [ ! -L "$l" ] || echo "dir $l"
    else cmp -s "$u" "$l" || echo "file $l $(md5sum <"$u" | cut -c 1-32)"
    fi
  done
}
ours() { inroot "cmp -s /usr/bin/$1 /tmp/x/ours/usr/bin/$1"; }
debians() { inroot "cmp -s $1 /tmp/x/debian/usr/bin/$2"; }
diversions() { inroot 'dpkg-divert --list' | grep -c 'by ucspi-tcp-sql$'; }
# our tcpserver knows -S: it starts and prints its port (-1); Debian's
# gives its usage and exits 100
takes_S() {
  inroot 'tcpserver -1 -S 127.0.0.1 0 true >/tmp/x/S.port 2>/tmp/x/S.err & p=$!
    i=0; while [ $i -lt 100 ] && ! [ -s /tmp/x/S.port ] && kill -0 $p 2>/dev/null; do sleep 0.05; i=$((i+1)); done
    kill $p 2>/dev/null; wait $p 2>/dev/null; grep -q "^[0-9]" /tmp/x/S.port' 2>/dev/null
}
rbl() { inroot 'env RBLSMTPD= rblsmtpd echo rblsmtpd-ran' 2>&1 | grep -qx rblsmtpd-ran; }
dpkgdo() { inroot "$1" >>"$T/dpkg.log" 2>&1 || notok "$2" "$(tail -n 3 "$T/dpkg.log" | tr '\n' '|')"; }
# man-db's trigger would rebuild its index at every step: not needed here
inroot 'rm -f /var/lib/man-db/auto-update'
inroot 'dpkg -s ucspi-tcp' 2>/dev/null | grep -q '^Status: install ok installed' ||
  dpkgdo 'dpkg -i /tmp/x/debian.deb' "Debian's ucspi-tcp installed in the root"

# --- with ucspi-tcp installed before ours ---------------------------------------
before=$(changes)
dpkgdo 'dpkg -i /tmp/x/ours.deb' "dpkg -i ucspi-tcp-sql over ucspi-tcp"
for p in tcpserver tcprules tcprulescheck; do
  check "with ucspi-tcp: /usr/bin/$p is ours" ours $p
  check "with ucspi-tcp: Debian's $p kept as /usr/bin/$p.ucspi-tcp" debians /usr/bin/$p.ucspi-tcp $p
done
check "with ucspi-tcp: the tcpserver on PATH takes -S" takes_S
check "with ucspi-tcp: rblsmtpd still runs" rbl
check "with ucspi-tcp: tcpclient is still Debian's" debians /usr/bin/tcpclient tcpclient
check "with ucspi-tcp: man tcpserver is ours" inroot 'cmp -s /usr/share/man/man1/tcpserver.1.gz /tmp/x/ours/usr/share/man/man1/tcpserver.1.gz'
check "with ucspi-tcp: Debian's page kept as tcpserver.ucspi-tcp.1.gz" \
  inroot 'cmp -s /usr/share/man/man1/tcpserver.ucspi-tcp.1.gz /tmp/x/debian/usr/share/man/man1/tcpserver.1.gz'
same "dpkg-divert --list: six diversions by ucspi-tcp-sql" 6 "$(diversions)"
inroot 'dpkg-divert --list' | grep -q '^diversion of /usr/bin/tcpserver to /usr/bin/tcpserver.ucspi-tcp by ucspi-tcp-sql$' &&
  ok "dpkg-divert --list: /usr/bin/tcpserver to tcpserver.ucspi-tcp" ||
  notok "dpkg-divert --list: /usr/bin/tcpserver to tcpserver.ucspi-tcp" "$(inroot 'dpkg-divert --list' | tr '\n' '|')"
dpkgdo 'dpkg -i /tmp/x/ours.deb' "dpkg -i ucspi-tcp-sql again (upgrade path)"
check "after a reinstall: tcpserver is still ours" ours tcpserver
same "after a reinstall: still six diversions" 6 "$(diversions)"
dpkgdo 'dpkg -r ucspi-tcp-sql' "dpkg -r ucspi-tcp-sql"
for p in tcpserver tcprules tcprulescheck; do
  check "dpkg -r: Debian's /usr/bin/$p is back, byte-identical" debians /usr/bin/$p $p
done
check "dpkg -r: Debian's man page tcpserver.1.gz is back" \
  inroot 'cmp -s /usr/share/man/man1/tcpserver.1.gz /tmp/x/debian/usr/share/man/man1/tcpserver.1.gz'
check "dpkg -r: no .ucspi-tcp names left" inroot '! ls /usr/bin/*.ucspi-tcp /usr/share/man/man1/*.ucspi-tcp.1.gz >/dev/null 2>&1'
same "dpkg -r: no diversions left" 0 "$(diversions)"
check "dpkg -r: rblsmtpd still runs" rbl
dpkgdo 'dpkg --purge ucspi-tcp-sql' "dpkg --purge ucspi-tcp-sql"
same "purge (with ucspi-tcp): the root is as before the install" "$before" "$(changes)"
check "purge: dpkg has no trace of ucspi-tcp-sql" inroot '! ls /var/lib/dpkg/info/ucspi-tcp-sql.* >/dev/null 2>&1 && ! dpkg -s ucspi-tcp-sql >/dev/null 2>&1'

# --- without ucspi-tcp ------------------------------------------------------------
dpkgdo 'dpkg --purge ucspi-tcp' "dpkg --purge ucspi-tcp in the root"
before=$(changes)
dpkgdo 'dpkg -i /tmp/x/ours.deb' "dpkg -i ucspi-tcp-sql without ucspi-tcp"
[ -n "$(changes)" ] && [ "$(changes)" != "$before" ] && ok "the root's changes show the installed package" ||
  notok "the root's changes show the installed package" "no difference seen"
for p in tcpserver tcprules tcprulescheck sqlrelayd; do
  check "without ucspi-tcp: /usr/bin/$p is ours" ours $p
done
check "without ucspi-tcp: the tcpserver on PATH takes -S" takes_S
check "without ucspi-tcp: nothing at the .ucspi-tcp names" inroot '! ls /usr/bin/*.ucspi-tcp >/dev/null 2>&1'
same "without ucspi-tcp: the six diversions are there" 6 "$(diversions)"
dpkgdo 'dpkg --purge ucspi-tcp-sql' "dpkg --purge ucspi-tcp-sql (never had ucspi-tcp)"
same "purge (without ucspi-tcp): the root is as before the install" "$before" "$(changes)"
same "purge (without ucspi-tcp): no diversions left" 0 "$(diversions)"

# --- ucspi-tcp installed after ours -------------------------------------------------
dpkgdo 'dpkg -i /tmp/x/ours.deb' "dpkg -i ucspi-tcp-sql first"
dpkgdo 'dpkg -i /tmp/x/debian.deb' "dpkg -i ucspi-tcp after ucspi-tcp-sql"
for p in tcpserver tcprules tcprulescheck; do
  check "ucspi-tcp after ours: its $p lands at /usr/bin/$p.ucspi-tcp" debians /usr/bin/$p.ucspi-tcp $p
  check "ucspi-tcp after ours: /usr/bin/$p is still ours" ours $p
done
check "ucspi-tcp after ours: rblsmtpd runs" rbl
dpkgdo 'dpkg -r ucspi-tcp-sql' "dpkg -r ucspi-tcp-sql (ucspi-tcp installed after)"
check "dpkg -r: Debian's tcpserver (installed after ours) is back at /usr/bin/tcpserver" debians /usr/bin/tcpserver tcpserver
same "dpkg -r: no diversions left (ucspi-tcp installed after)" 0 "$(diversions)"
exit 0
