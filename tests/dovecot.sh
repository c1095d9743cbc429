#!/bin/sh
# tests/dovecot.sh start DIR POSTLOGIN -- a private Dovecot POP3 server
#     under DIR (base_dir, logs, mail), listening on 127.0.0.1 and ::1 on
#     a free port, one passwd-file user "alice" (password in DIR/password),
#     POSTLOGIN (a script: exec "$@" at its end) run after each login;
#     prints POP_PORT=... POP_PID=...
# tests/dovecot.sh stop DIR           -- stops it by its pid
set -u
cmd=$1; dir=$2
case $cmd in
start)
  post=$3
  mkdir -p "$dir/run" "$dir/state"
  # the mail user (nobody) cannot reach into the tests' private temp dir
  mail=$(mktemp -d /tmp/dovecot-mail.XXXXXX) && chown nobody:nogroup "$mail" &&
    echo "$mail" >"$dir/maildir" || exit 1
  port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::",0)); print(s.getsockname()[1])')
  chmod 755 "$mail"
  pw=pop-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
  printf '%s\n' "$pw" >"$dir/password"
  # auth runs as the dovecot user: the users file lives beside the mail
  printf 'alice:{PLAIN}%s::::::\n' "$pw" >"$mail/users" && chmod 644 "$mail/users"
  cat >"$dir/dovecot.conf" <<CONF
base_dir = $dir/run
state_dir = $dir/state
log_path = $dir/dovecot.log
info_log_path = $dir/dovecot.log
protocols = pop3
listen = 127.0.0.1, ::1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
mail_location = maildir:$mail/%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $mail/users
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=$mail/%u
}
service pop3-login {
  inet_listener pop3 {
    port = $port
  }
}
service pop3 {
  executable = pop3 pop3-postlogin
}
service pop3-postlogin {
  executable = script-login $post
  user = root
  # unlimited address space: the sanitizer build of sqlrelayopen needs it
  vsz_limit = 0
  unix_listener pop3-postlogin {
  }
}
service anvil {
  chroot =
}
CONF
  dovecot -F -c "$dir/dovecot.conf" >>"$dir/dovecot.out" 2>&1 &
  echo $! >"$dir/pid"
  i=0
  while [ $i -lt 100 ]; do
    if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$port),1).close()" 2>/dev/null; then
      echo "POP_PORT=$port POP_PID=$(cat "$dir/pid")"; exit 0
    fi
    kill -0 "$(cat "$dir/pid")" 2>/dev/null || break
    sleep 0.1; i=$((i+1))
  done
  echo "dovecot did not start" >&2; cat "$dir/dovecot.out" "$dir/dovecot.log" >&2 2>/dev/null; exit 1;;
stop)
  pid=$(cat "$dir/pid" 2>/dev/null) || exit 0
  kill "$pid" 2>/dev/null
  i=0
  while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
  kill -9 "$pid" 2>/dev/null
  mail=$(cat "$dir/maildir" 2>/dev/null) && case $mail in /tmp/dovecot-mail.*) rm -rf "$mail";; esac
  exit 0;;
esac
