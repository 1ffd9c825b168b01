#!/usr/bin/env bash
# pop3-server's protocol behaviour, driven by server_protocol.py over raw sockets: pipelining,
# bad input answered with -ERR on a connection that stays usable, the state rules, several
# clients at once with the maildrop lock, TOP, RSET, and UPDATE only after QUIT.
#   pop3_server_protocol.sh POP3_SERVER WORKDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
POP3_SERVER=${1:?pop3-server binary}; WORK=${2:?work dir}
needs python3 python3
rm -rf "$WORK"; mkdir -p "$WORK"

start_pop3_server port "$WORK/server.log"
say "protocol checks against pop3-server (built-in mailbox) on 127.0.0.1:$port"
run_bounded 40 python3 "$interop_dir/server_protocol.py" "$port"
