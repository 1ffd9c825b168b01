#!/usr/bin/env bash
# Interop 3: the seed dialogue (user bob / pass hungry / list / retr 1 / dele 1 / retr 2 /
# dele 2 / quit) against pop3-server's built-in mailbox, every reply compared byte for byte
# with examples/transcripts/seed-pop3.txt by seed_dialogue.py.
#   pop3_seed.sh POP3_SERVER TRANSCRIPT WORKDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
POP3_SERVER=${1:?pop3-server binary}; TRANSCRIPT=${2:?seed transcript}; WORK=${3:?work dir}
needs python3 python3
rm -rf "$WORK"; mkdir -p "$WORK"

start_pop3_server port "$WORK/seed-server.log"
say "seed dialogue against pop3-server (built-in mailbox) on 127.0.0.1:$port"
run_bounded 40 python3 "$interop_dir/seed_dialogue.py" "$port" "$TRANSCRIPT"

