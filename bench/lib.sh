# bench/lib.sh: sourced by bench/run and bench/cluster/run (TOP, B and
# say set). bench_programs SRC...: the packages and the tree's programs,
# then each bench program SRC (a C file, relative to TOP) compiled into
# $B/NAME when it is missing or older than its source. 1 on a failure,
# said on stderr.
bench_programs() {
  local src p
  "$TOP/tests/deps.sh" build-essential ucspi-tcp default-libmysqlclient-dev \
    mariadb-server mariadb-client python3 || return 1
  make -s -C "$TOP" all >/dev/null || { say "cannot build the programs"; return 1; }
  mkdir -p "$B" || return 1
  for src in "$@"; do
    p=$B/$(basename "$src" .c)
    if [ ! -x "$p" ] || [ "$TOP/$src" -nt "$p" ]; then
      gcc -O2 -Wall -Wextra -o "$p" "$TOP/$src" || { say "cannot build $src"; return 1; }
    fi
  done
}
