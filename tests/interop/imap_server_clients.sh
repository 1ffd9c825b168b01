#!/usr/bin/env bash
# Interop: real IMAP clients against imap-server (examples/imap-server) on loopback.
#   imap_server_clients.sh IMAP_SERVER WORKDIR
# imap-server serves make_mailbox.py's Maildir (9 CRLF messages, one of ~1 MB) read-only to
# alice / wonderland; then:
#   1. Python's imaplib (imap_server_clients.py): LIST (one pattern as a synchronizing
#      literal), SELECT/EXAMINE [READ-ONLY], SEARCH ALL, UID FETCH of UID, RFC822.SIZE, FLAGS,
#      INTERNALDATE, BODY.PEEK[], [HEADER], [TEXT], <partial>, three clients at once, and
#      refusals (BAD/NO) after which the connection goes on;
#   2. curl: imap://alice:wonderland@127.0.0.1:PORT/INBOX;UID=i for every message;
#   3. raw bytes: a line that does not parse (or breaks a limit, or ends in a bare LF) gets
#      BAD with the parse error's text, tagged when the tag is readable; a command in the
#      wrong state gets BAD, an unknown one BAD; a synchronizing literal gets "+ Ready"; the
#      connection goes on after each.
# Every download must equal its file byte for byte. imap-fetch is not run here: it asks for
# ENVELOPE and BODYSTRUCTURE, which imap-server does not offer (it answers BAD).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
IMAP_SERVER=${1:?imap-server binary}; WORK=${2:?work dir}
needs python3 python3
needs curl curl

rm -rf "$WORK"; mkdir -p "$WORK"
python3 "$interop_dir/make_mailbox.py" "$WORK/maildir" "$WORK/manifest"
n=$(wc -l <"$WORK/manifest")

start_example_server "$IMAP_SERVER" port "$WORK/server.log" --maildir "$WORK/maildir" --user alice --pass wonderland
say "imap-server on 127.0.0.1:$port serving $n messages"

say "Python imaplib"
run_bounded 60 python3 "$interop_dir/imap_server_clients.py" "$port" "$WORK/maildir" "$WORK/manifest" "$WORK/imaplib" \
  || { tail -30 "$WORK/server.log"; die "imaplib against imap-server failed"; }

say "curl $(curl --version | head -1 | cut -d' ' -f1-2)"
mkdir -p "$WORK/curl"
i=0
while read -r name size; do
  i=$((i + 1))
  run_bounded 20 curl -sS --max-time 15 -o "$WORK/curl/$i.eml" "imap://alice:wonderland@127.0.0.1:$port/INBOX;UID=$i" \
    || { tail -30 "$WORK/server.log"; die "curl UID=$i failed"; }
  cmp "$WORK/curl/$i.eml" "$WORK/maildir/cur/$name" || die "curl UID=$i: differs from $name ($size octets)"
done <"$WORK/manifest"
echo "compared: $i messages downloaded by curl equal the files byte for byte"

say "raw: bad input gets BAD, and the connection goes on"
python3 - "$port" <<'EOF' || die "raw session failed"
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
f = s.makefile("rb")
def line():
    l = f.readline()
    if not l:
        sys.exit("connection closed")
    return l
def expect(sent, want):
    if sent:
        s.sendall(sent)
    got = line()
    if got != want:
        sys.exit(f"sent {sent!r}: got {got!r}, expected {want!r}")
    print(f"  C: {sent!r:42} S: {got!r}")
line()  # greeting
expect(b"a1 LOGIN alice\r\n", b'a1 BAD invalid_syntax at offset 14: expected SP\r\n')
expect(b"a2 NOOP extra\r\n", b'a2 BAD invalid_syntax at offset 7: expected CRLF\r\n')
expect(b"(bad tag\r\n", b'* BAD invalid_syntax at offset 0: expected tag\r\n')
expect(b"a0 NOOP\n", b'a0 BAD strict_violation at offset 7: expected CRLF\r\n')  # bare LF: framer
expect(b"b1 LOGIN alice {1000000000}\r\n", b'b1 BAD limit_exceeded at offset 15: expected max_literal\r\n')
expect(b"a3 FETCH 1 (FLAGS)\r\n", b'a3 BAD FETCH not allowed now: LOGIN first\r\n')
expect(b"a4 XYZZY 1 2\r\n", b'a4 BAD unknown command XYZZY\r\n')
expect(b"a9 LOGIN alice wrong\r\n", b'a9 NO [AUTHENTICATIONFAILED] invalid user name or password\r\n')
expect(b"a5 LOGIN alice {10}\r\n", b'+ Ready\r\n')
expect(b"wonderland\r\n", b'a5 OK LOGIN completed\r\n')
expect(b"a6 SELECT Archive\r\n", b'a6 NO [NONEXISTENT] only INBOX exists here\r\n')
expect(b"b2 LOGIN alice wonderland\r\n", b'b2 BAD LOGIN not allowed now: already logged in\r\n')
expect(b"a7 LOGOUT\r\n", b'* BYE mailwire imap-server logging out\r\n')
expect(None, b'a7 OK LOGOUT completed\r\n')
EOF
grep -c '^\[[0-9]*\] connected' "$WORK/server.log" | sed 's/^/connections served: /'
