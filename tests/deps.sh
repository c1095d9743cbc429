#!/bin/sh
# tests/deps.sh PACKAGE...: apt-get install the Debian packages that are
# missing (tests, demo and bench run on fresh Debian 12 machines as root).
need=""
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
    need="$need $p"
done
[ -n "$need" ] || exit 0
echo "installing:$need" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1
# shellcheck disable=SC2086
apt-get install -y -qq $need >/dev/null 2>&1 || { echo "apt-get install failed:$need" >&2; exit 1; }
