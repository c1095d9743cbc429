#!/bin/sh
# A private MariaDB primary and a GTID replica of it (tests/mariadb.sh
# twice), for the fail-over suite and bench/cluster.
#
# tests/replica.sh start DIR PADDR RADDR
#     primary in DIR/primary on PADDR, replica in DIR/replica on RADDR,
#     both on the same TCP port (a control file's `port` is that of every
#     server, so two servers differ by address); the replica is read-only
#     and replicates with MASTER_USE_GTID=slave_pos. Prints
#     PORT=... P_SOCK=... P_PID=... R_SOCK=... R_PID=...
# tests/replica.sh kill DIR        -- SIGKILL the primary
# tests/replica.sh primary DIR     -- (re)start the primary on its datadir
#                                     and port; prints P_PID=...
# tests/replica.sh sync DIR [SECS] -- wait (default 10 s) until the
#                                     replica has applied all the primary
#                                     has logged; exit 1 if not
# tests/replica.sh stop DIR        -- stop both, whatever state
set -u
cmd=$1; dir=$2
here=$(dirname "$0")
REPLPW=r3pl-Gt1d
# own DIR ROLE: what each server needs beyond tests/mariadb.sh's defaults
own() {
  case $2 in
  primary) id=1 ro=0;;
  *) id=2 ro=1;;
  esac
  echo "--server-id=$id --log-bin=$1/$2/bin --log-basename=$2 --read-only=$ro --bind-address=$(cat "$1/$2/addr") --tmpdir=$1/$2/tmp"
}
# install DIR ROLE: the system tables, with a temporary directory of its
# own (in a shared /tmp two bootstraps' temporary tables can collide);
# tests/mariadb.sh start then finds them there
install() {
  mkdir -p "$1/$2/tmp"
  [ -d "$1/$2/data/mysql" ] && return 0
  mariadb-install-db --no-defaults --datadir="$1/$2/data" --user=root \
    --auth-root-authentication-method=normal --tmpdir="$1/$2/tmp" >"$1/$2/install.log" 2>&1 ||
    { cat "$1/$2/install.log" >&2; return 1; }
}
start_one() {  # DIR ROLE: start it, print its pid
  # shellcheck disable=SC2046
  out=$("$here/mariadb.sh" start "$1/$2" "$(cat "$1/port")" $(own "$1" "$2")) || return 1
  echo "${out##*MYSQL_PID=}"
}
q() { mariadb --no-defaults -S "$dir/$1/sock" -uroot -N -e "$2"; }
freeport() {  # a port free on both addresses
  python3 - "$1" "$2" <<'EOF'
import socket, sys
for _ in range(50):
    a = socket.socket(); a.bind((sys.argv[1], 0)); p = a.getsockname()[1]
    b = socket.socket()
    try:
        b.bind((sys.argv[2], p)); print(p); break
    except OSError: pass
    finally: a.close(); b.close()
EOF
}
case $cmd in
start)
  mkdir -p "$dir/primary" "$dir/replica" || exit 1
  echo "$3" >"$dir/primary/addr"; echo "$4" >"$dir/replica/addr"
  install "$dir" primary && install "$dir" replica || exit 1
  port=$(freeport "$3" "$4"); [ -n "$port" ] || { echo "no free port" >&2; exit 1; }
  echo "$port" >"$dir/port"
  ppid_=$(start_one "$dir" primary) || exit 1
  rpid=$(start_one "$dir" replica) || { "$here/mariadb.sh" stop "$dir/primary"; exit 1; }
  q primary "CREATE USER 'repl'@'127.%' IDENTIFIED BY '$REPLPW';
    GRANT REPLICATION SLAVE ON *.* TO 'repl'@'127.%'" &&
  q replica "CHANGE MASTER TO MASTER_HOST='$3', MASTER_PORT=$port,
    MASTER_USER='repl', MASTER_PASSWORD='$REPLPW', MASTER_CONNECT_RETRY=1,
    MASTER_USE_GTID=slave_pos; START SLAVE" || { "$0" stop "$dir"; exit 1; }
  "$0" sync "$dir" 20 || { echo "replication did not start" >&2
    q replica "SHOW SLAVE STATUS\G" >&2; "$0" stop "$dir"; exit 1; }
  echo "PORT=$port P_SOCK=$dir/primary/sock P_PID=$ppid_ R_SOCK=$dir/replica/sock R_PID=$rpid";;
kill) "$here/mariadb.sh" kill "$dir/primary";;
primary) p=$(start_one "$dir" primary) || exit 1; echo "P_PID=$p";;
sync)
  pos=$(q primary "SELECT @@gtid_binlog_pos") || exit 1
  r=$(q replica "SELECT MASTER_GTID_WAIT('$pos', ${3:-10})") || exit 1
  [ "$r" = 0 ];;
stop)
  "$here/mariadb.sh" stop "$dir/replica"
  "$here/mariadb.sh" stop "$dir/primary";;
*) echo "usage: tests/replica.sh start|kill|primary|sync|stop DIR ..." >&2; exit 100;;
esac
