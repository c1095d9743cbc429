#!/bin/sh
# tests/qpsmtpd.sh DIR -- lays out a private qpsmtpd (Debian's package) to
# run under tcpserver, and prints the program to give tcpserver. It accepts
# mail for test.local only, and for any domain when RELAYCLIENT is set (as
# qmail-smtpd does: set, even empty, means relay). Mail goes to DIR/maildir.
# Needs QPSMTPD_CONFIG=DIR/config in the program's environment (the
# printed program sets it itself). Start tcpserver outside a git work tree:
# qpsmtpd runs `git describe` when it finds .git in its working directory.
set -eu
dir=$1
mkdir -p "$dir/config" "$dir/plugins" "$dir/spool" "$dir/maildir"
chmod 700 "$dir/spool"
cfg=$dir/config
echo test.local >"$cfg/me"
echo test.local >"$cfg/rcpthosts"
echo "$dir/spool" >"$cfg/spool_dir"
printf '%s\n' "$dir/plugins" /usr/share/qpsmtpd/plugins >"$cfg/plugin_dirs"
echo 'logging/warn LOGWARN' >"$cfg/logging"
cat >"$cfg/plugins" <<EOF
relayenv
rcpt_ok
queue/maildir $dir/maildir
EOF
# The packaged relay plugin wants a true RELAYCLIENT; qmail only wants it set.
cat >"$dir/plugins/relayenv" <<'EOF'
use Qpsmtpd::Constants;
sub hook_connect {
    my ($self) = @_;
    $self->qp->connection->relay_client(1) if defined $ENV{RELAYCLIENT};
    return DECLINED;
}
EOF
cat >"$dir/qpsmtpd" <<EOF
#!/usr/bin/perl -w
BEGIN { \$ENV{QPSMTPD_CONFIG} = '$cfg'; }
use strict;
use IO::Socket::INET;
use Qpsmtpd::TcpServer;
\$| = 1;
my \$q = Qpsmtpd::TcpServer->new();
\$q->load_plugins;
\$q->start_connection;
\$q->run(IO::Socket::INET->new_from_fd(0, 'r'));
\$q->run_hooks('post-connection');
EOF
chmod 755 "$dir/qpsmtpd"
echo "$dir/qpsmtpd"
