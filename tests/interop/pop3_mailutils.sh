#!/usr/bin/env bash
# Interop 4: pop3-fetch (strict parsing) against a second, independent POP3 server: GNU
# Mailutils' pop3d (Debian: mailutils-pop3d) on loopback.
#   pop3_mailutils.sh POP3_FETCH WORKDIR
#
# Set-up, all under WORKDIR: a virtual-domain user alice@example.test (passwd-format file with
# an MD5-crypt password, authenticated by the "generic" module), the maildrop a Maildir at
# the user's INBOX, owned by Debian's `mail` user, lock files in WORKDIR.
# What Mailutils 3.15 does that the comparison accounts for (both seen, not guessed):
#   - its Maildir reader wants Unix line ends: the files are stored with LF (with CRLF, every
#     message came out empty), and it sends them with CRLF;
#   - it adds "X-UIDL: <uid>" as the last header line of each message, which LIST does not
#     count: pop3-fetch runs with --lax-sizes and check_fetch.py --x-uidl removes that line
#     (checking it holds the message's UIDL) before comparing with the CRLF original;
#   - its greeting carries an APOP timestamp but APOP needs a database we do not set up, so
#     the login is USER/PASS (--auth user).
# Its CAPA sends "EXPIRENEVER" (no space): a valid capa-tag, kept as an unknown capability.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
POP3_FETCH=${1:?pop3-fetch binary}; WORK=${2:?work dir}
needs pop3d mailutils-pop3d
needs openssl openssl
needs python3 python3

rm -rf "$WORK"; mkdir -p "$WORK/mail" "$WORK/vd" "$WORK/lock"
python3 "$interop_dir/make_mailbox.py" "$WORK/source" "$WORK/manifest"   # CRLF originals
fresh_inbox() {  # pop3d writes the X-UIDL headers into the files at QUIT: each run starts afresh
  rm -rf "$WORK/mail/INBOX"
  cp -a "$WORK/source" "$WORK/mail/INBOX"
  find "$WORK/mail/INBOX" -type f -path '*/cur/*' -exec sed -i 's/\r$//' {} +
  chown -R mail:mail "$WORK/mail" "$WORK/lock"
}
fresh_inbox
hash=$(openssl passwd -1 -salt mailwire wonderland)
echo "alice:$hash:$(id -u mail):$(id -g mail)::$WORK/mail:/bin/false" >"$WORK/vd/example.test"
port=$(free_port)
cat >"$WORK/pop3d.conf" <<EOF
mode daemon;
foreground yes;
pidfile $WORK/pop3d.pid;
tls-mode false;
logging { syslog no; };
auth { authorization virtdomain; authentication generic; };
virtdomain { passwd-dir $WORK/vd; };
mandatory-locking { enable yes; lock-directory $WORK/lock; };
server 127.0.0.1:$port { transcript yes; tls-mode no; timeout 30; };
EOF
say "starting GNU Mailutils pop3d on 127.0.0.1:$port"
timeout --kill-after=5 "$daemon_lifetime" pop3d --config-file="$WORK/pop3d.conf" >"$WORK/pop3d.log" 2>&1 &
track $!   # timeout's PID: the TERM at exit reaches pop3d through it
wait_listening "$port" "$WORK/pop3d.log" pop3d

say "pop3-fetch --auth user --lax-sizes (strict parsing)"
run_bounded 30 "$POP3_FETCH" --port "$port" --user alice@example.test --pass wonderland --auth user --lax-sizes \
  --timeout 10 --maildir "$WORK/fetched" --report "$WORK/fetch.report" >"$WORK/fetch.log" 2>&1 \
  || { cat "$WORK/fetch.log"; tail -20 "$WORK/pop3d.log"; die "pop3-fetch against Mailutils failed"; }
grep -E '^(C|S): ' "$WORK/fetch.log" | cut -c1-110 | head -14
tail -1 "$WORK/fetch.log"
python3 "$interop_dir/check_fetch.py" --report "$WORK/fetch.report" --source "$WORK/source" \
  --manifest "$WORK/manifest" --x-uidl

fresh_inbox
say "pop3-fetch --pipelining"
run_bounded 30 "$POP3_FETCH" --port "$port" --user alice@example.test --pass wonderland --auth user --lax-sizes \
  --pipelining --timeout 10 --maildir "$WORK/fetched-pipelined" --report "$WORK/pipelined.report" \
  >"$WORK/pipelined.log" 2>&1 || { cat "$WORK/pipelined.log"; die "pipelined pop3-fetch against Mailutils failed"; }
tail -1 "$WORK/pipelined.log"
python3 "$interop_dir/check_fetch.py" --report "$WORK/pipelined.report" --source "$WORK/source" \
  --manifest "$WORK/manifest" --x-uidl
