#!/bin/sh
# tests/mariadb.sh start DIR [PORT [mariadbd args...]]
#                             -- private MariaDB under DIR; prints
#                                 MYSQL_SOCK=... MYSQL_PORT=... MYSQL_PID=...
# tests/mariadb.sh stop DIR   -- stops it (by its pid file), whatever state
# tests/mariadb.sh kill DIR   -- SIGKILL (fault tests); start DIR again after
set -u
cmd=$1; dir=$2
case $cmd in
start)
  mkdir -p "$dir"
  if [ ! -d "$dir/data/mysql" ]; then
    mariadb-install-db --no-defaults --datadir="$dir/data" --user=root \
      --auth-root-authentication-method=normal >"$dir/install.log" 2>&1 ||
      { cat "$dir/install.log" >&2; exit 1; }
  fi
  port=${3:-}
  [ $# -ge 3 ] && shift 3 || shift $#
  if [ -z "$port" ]; then
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  fi
  mariadbd --no-defaults --datadir="$dir/data" --socket="$dir/sock" \
    --port="$port" --bind-address=127.0.0.1 --user=root \
    --pid-file="$dir/pid" --log-error="$dir/error.log" \
    --skip-name-resolve --innodb-buffer-pool-size=64M \
    --max-connections=500 "$@" >/dev/null 2>&1 &
  echo $! >"$dir/mpid"
  i=0
  while [ $i -lt 300 ]; do
    if mariadb --no-defaults -S "$dir/sock" -uroot -e 'select 1' >/dev/null 2>&1; then
      echo "$port" >"$dir/port"
      echo "MYSQL_SOCK=$dir/sock MYSQL_PORT=$port MYSQL_PID=$(cat "$dir/mpid")"
      exit 0
    fi
    kill -0 "$(cat "$dir/mpid")" 2>/dev/null || break
    sleep 0.1; i=$((i+1))
  done
  echo "mariadb did not start" >&2; tail -n 20 "$dir/error.log" >&2; exit 1;;
stop|kill)
  sig=TERM; [ "$cmd" = kill ] && sig=KILL
  pid=$(cat "$dir/mpid" 2>/dev/null) || exit 0
  kill -$sig "$pid" 2>/dev/null
  i=0
  while kill -0 "$pid" 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
  kill -9 "$pid" 2>/dev/null
  exit 0;;
esac
