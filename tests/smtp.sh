# Sourced by suites that drive real SMTP sessions through a tcpserver on
# $PORT (its log in $T/ts.log): swaks from a source address to a server.
#   smtp SRC SERVER     the whole swaks transcript
#   relayed SRC SERVER  true when the remote recipient was accepted (250)
#   refused SRC SERVER  true when relaying was denied (550)
#   t CMD...            ok "$what" when CMD succeeds, else FAIL with the
#                       last lines of the server's log
smtp() { swaks --server "$2" --port "$PORT" --local-interface "$1" --timeout 20 \
           --from roamer@client.example --to someone@remote.example 2>&1; }
relayed() { smtp "$@" | grep -q '^<-  250 .*recipient ok'; }
refused() { smtp "$@" | grep -q '^<\*\* 550 Relaying denied'; }
t() { if "$@"; then ok "$what"; else notok "$what" "$(tail -n 3 "$T/ts.log" | tr '\n' '|')"; fi; }
