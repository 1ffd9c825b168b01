#!/usr/bin/env bash
# Interop: imap-fetch (strict parsing) against a second, independent IMAP server: GNU
# Mailutils' imap4d (Debian: mailutils-imap4d) on loopback.
#   imap_mailutils.sh IMAP_FETCH WORKDIR
#
# Set-up, all under WORKDIR, as in pop3_mailutils.sh: virtual-domain users alice@example.test
# and bob@example.test (a passwd-format file with MD5-crypt passwords, authenticated by the
# "generic" module), each user's INBOX a Maildir at HOME/INBOX owned by Debian's `mail` user
# (`mailbox-type maildir`: without it imap4d opens HOME/INBOX as an mbox and SELECT answers
# "NO ... File check failed"), lock files in WORKDIR. imap4d runs as a foreground daemon
# under `timeout`, which passes the TERM of the exit trap on.
#
# What Mailutils 3.15 does (all seen, not guessed):
#   - like its pop3d, its Maildir reader wants Unix line ends, so the files are stored with LF;
#     it sends CRLF, RFC822.SIZE is the size with CRLF, and BODY[] equals the CRLF original
#     byte for byte (no header added: pop3d's X-UIDL does not happen here). It renames the
#     files (",S=390:2," becomes ",a=O,u=1:2,": attributes and UID) without changing them.
#     UIDs are 1..N in file name order, UIDNEXT N+1.
#   - it sends the tagged OK of AUTHENTICATE with a bare LF:
#       "A002 OK AUTHENTICATE PLAIN authentication successful\n"   (every other line: CRLF)
#     Strict framing stops there (strict_violation at offset 52: expected CRLF); the lenient
#     quirk "Bare LF line ends" (docs/QUIRKS.md, IMAP) accepts it. So the strict runs log in
#     with LOGIN, and AUTHENTICATE PLAIN is run twice: strict (must fail at that LF) and
#     --lenient (must succeed).
#   - in the BODYSTRUCTURE of a message/rfc822 part it writes no SP between the envelope and
#     the body (RFC 3501 §9 / RFC 9051 §9: body-type-msg = media-message SP body-fields SP
#     envelope SP body SP body-fld-lines):
#       ... ((NIL NIL "alice" "example.net")) NIL NIL NIL NIL)("TEXT" "PLAIN" ...) 5 NIL NIL NIL)
#     Strict mode reports it (strict_violation) at make_mailbox.py's message 5 (a multipart/mixed
#     holding a message/rfc822); lenient mode accepts it (docs/QUIRKS.md). alice's INBOX holds
#     the other 8 messages (the strict runs that must pass completely); bob's holds all 9: his
#     strict run must fail exactly there while every message, UID 5 too, still downloads equal
#     to the original, and his lenient run must pass whole.
#   - LIST shows the Maildir++ folders make_mailbox.py writes (.Archive, ...) and cur/new/tmp
#     as \NoSelect "INBOX/..." directories, so LIST is not checked against folder names here.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
IMAP_FETCH=${1:?imap-fetch binary}; WORK=${2:?work dir}
needs imap4d mailutils-imap4d
needs openssl openssl
needs python3 python3

rm -rf "$WORK"; mkdir -p "$WORK/mail/alice" "$WORK/mail/bob" "$WORK/vd" "$WORK/lock"
python3 "$interop_dir/make_mailbox.py" "$WORK/source" "$WORK/manifest"   # CRLF originals
nested=$(sed -n 5p "$WORK/manifest" | cut -d' ' -f1)   # the multipart/mixed with a message/rfc822
case $nested in *.M5P1.*) ;; *) die "make_mailbox.py's message 5 is not $nested's: update this test" ;; esac
sed 5d "$WORK/manifest" >"$WORK/manifest-alice"
cp -a "$WORK/source" "$WORK/mail/alice/INBOX"
cp -a "$WORK/source" "$WORK/mail/bob/INBOX"
rm "$WORK/mail/alice/INBOX/cur/$nested"
find "$WORK/mail" -type f -path '*/cur/*' -exec sed -i 's/\r$//' {} +
chown -R mail:mail "$WORK/mail" "$WORK/lock"
hash=$(openssl passwd -1 -salt mailwire wonderland)
for u in alice bob; do
  echo "$u:$hash:$(id -u mail):$(id -g mail)::$WORK/mail/$u:/bin/false"
done >"$WORK/vd/example.test"

port=$(free_port)
cat >"$WORK/imap4d.conf" <<EOF
mode daemon;
foreground yes;
pidfile $WORK/imap4d.pid;
tls-mode false;
logging { syslog no; };
auth { authorization virtdomain; authentication generic; };
virtdomain { passwd-dir $WORK/vd; };
mailbox { mailbox-type maildir; };
mandatory-locking { enable yes; lock-directory $WORK/lock; };
server 127.0.0.1:$port { transcript yes; tls-mode no; timeout 30; };
EOF
say "starting GNU Mailutils imap4d on 127.0.0.1:$port"
timeout --kill-after=5 "$daemon_lifetime" imap4d --config-file="$WORK/imap4d.conf" >"$WORK/imap4d.log" 2>&1 &
track $!   # timeout's PID: the TERM at exit reaches imap4d through it
wait_listening "$port" "$WORK/imap4d.log" imap4d

fetch() {  # fetch NAME USER ARGS...: an imap-fetch run that must succeed; $WORK/NAME.log, dump $WORK/NAME
  local name=$1 user=$2; shift 2
  say "imap-fetch $name: --user $user $*"
  run_bounded 25 "$IMAP_FETCH" --port "$port" --user "$user@example.test" --pass wonderland --timeout 10 \
    --dump "$WORK/$name" "$@" >"$WORK/$name.log" 2>&1 \
    || { cat "$WORK/$name.log"; tail -20 "$WORK/imap4d.log"; die "imap-fetch $name failed"; }
  tail -1 "$WORK/$name.log"
}
fetch_fails() {  # fetch_fails NAME USER ARGS...: an imap-fetch run that must exit 1
  # --timeout 5: after a framing error the client waits that long for the lost tagged reply.
  local name=$1 user=$2 rc=0; shift 2
  say "imap-fetch $name (must fail): --user $user $*"
  run_bounded 25 "$IMAP_FETCH" --port "$port" --user "$user@example.test" --pass wonderland --timeout 5 \
    --dump "$WORK/$name" "$@" >"$WORK/$name.log" 2>&1 || rc=$?
  ((rc == 1)) || { cat "$WORK/$name.log"; die "imap-fetch $name: exit $rc, expected 1"; }
}
check() {  # check NAME MANIFEST ARGS...
  local name=$1 manifest=$2; shift 2
  python3 "$interop_dir/imap_check.py" --dump "$WORK/$name" --log "$WORK/$name.log" \
    --source "$WORK/source/cur" --manifest "$manifest" "$@"
}
# The parse error imap-fetch reports at the envelope/body boundary of message 5's BODYSTRUCTURE.
nested_error() {  # nested_error LOG
  grep -q 'strict_violation at offset [0-9]*: expected SP body (no SP after the envelope is a server quirk)' "$1" \
    && grep -q 'NIL NIL NIL NIL)("TEXT" "PLAIN" ("CHARSET" "US-ASCII' "$1" \
    && grep -q '^imap-fetch: EXISTS said 9, FETCH gave 8$' "$1" \
    && grep -q '^imap-fetch: FAILED (2 problem(s))$' "$1"
}

# 1. Strict, LOGIN, the 8 messages: everything parses; sizes, UIDs, downloads, part, header, IDLE.
fetch strict alice --auth login --download --idle-seconds 1
grep -q '^-- login with LOGIN' "$WORK/strict.log" || die "expected LOGIN"
sed -n '/^-- selected/p' "$WORK/strict.log"
grep -E '^(part|header): ' "$WORK/strict.log" | cut -c1-110
check strict "$WORK/manifest-alice" --download --idle --part 3:1:64

# 2. AUTHENTICATE PLAIN (no SASL-IR offered: the client waits for "+"). Strict stops at the
#    bare LF after the tagged OK; --lenient (bare-LF quirk) logs in and fetches everything.
fetch_fails plain-strict alice --idle-seconds 0
grep -q '^-- login with AUTHENTICATE PLAIN (waiting for the "+" challenge)' "$WORK/plain-strict.log" \
  || { cat "$WORK/plain-strict.log"; die "expected AUTHENTICATE PLAIN without SASL-IR"; }
grep -q 'strict_violation at offset 52: expected CRLF' "$WORK/plain-strict.log" \
  && grep -q '^  A002 OK AUTHENTICATE PLAIN authentication successful$' "$WORK/plain-strict.log" \
  || { cat "$WORK/plain-strict.log"; die "expected the strict_violation at the bare LF after AUTHENTICATE's OK"; }
grep -A2 'strict_violation' "$WORK/plain-strict.log"
fetch plain-lenient alice --lenient --download --idle-seconds 0
grep -q '^-- login with AUTHENTICATE PLAIN (waiting for the "+" challenge)' "$WORK/plain-lenient.log" \
  || die "expected AUTHENTICATE PLAIN without SASL-IR"
check plain-lenient "$WORK/manifest-alice" --download --part 3:1:64

# 3. Strict, all 9 messages: message 5's BODYSTRUCTURE lacks the SP before the inner body
#    (see above): exactly that fails; every message, UID 5 included, downloads unchanged.
fetch_fails nested-strict bob --auth login --download --idle-seconds 0
nested_error "$WORK/nested-strict.log" || { cat "$WORK/nested-strict.log"; die "expected only the parse error in message 5's BODYSTRUCTURE"; }
grep -A2 'strict_violation' "$WORK/nested-strict.log"
check nested-strict "$WORK/manifest" --download --part 3:1:64 --unlisted 5
# --lenient accepts the missing SP (docs/QUIRKS.md: GNU Mailutils): the run must pass whole.
fetch nested-lenient bob --auth login --lenient --download --idle-seconds 0
check nested-lenient "$WORK/manifest" --download --part 3:1:64
