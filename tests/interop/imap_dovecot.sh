#!/usr/bin/env bash
# Interop: imap-fetch (strict) against Dovecot's IMAP server on loopback.
#   imap_dovecot.sh IMAP_FETCH WORKDIR
# Runs, each compared with imap_check.py against the Maildir make_mailbox.py wrote:
#   1. default: AUTHENTICATE PLAIN with SASL-IR (what Dovecot offers), LIST (the non-ASCII
#      folders decoded from modified UTF-7), SELECT INBOX, the UID FETCH tree, the first
#      part of the first multipart message (<0.64>), its header, BODY.PEEK[] of every
#      message, IDLE 2 s, LOGOUT;
#   2. --auth login, --part 5:2.1 (the body of the nested message/rfc822) <0.5>, no IDLE;
#   3. SELECT of a folder with a non-ASCII name (Été, encoded to modified UTF-7), empty;
#   4. --lenient on the same server: the same result;
#   5. AUTHENTICATE PLAIN without SASL-IR (Dovecot reloaded with imap_capability without
#      it): the client waits for the "+" challenge;
#   6. strict vs --lenient against imap_quirky_server.py (BODYSTRUCTURE with a NIL
#      body-fld-enc, as iCloud sends it): strict exits 1 with the parse error and its
#      offset, lenient exits 0 and prints the part.
# Dovecot listens on free ports, so this runs beside the POP3 tests; it is stopped on
# every exit path (trap) and by a watchdog if this script is killed.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
IMAP_FETCH=${1:?imap-fetch binary}; WORK=${2:?work dir}
needs dovecot "dovecot-imapd dovecot-pop3d"
needs python3 python3

rm -rf "$WORK"; mkdir -p "$WORK"
dv=$WORK/dovecot
mkdir -p "$dv/mail/alice"
maildir=$dv/mail/alice/Maildir
python3 "$interop_dir/make_mailbox.py" "$maildir" "$WORK/manifest"
cp -a "$maildir/cur" "$WORK/source"   # the files as written (Dovecot may rename them)
imap_port=$(free_port); pop3_port=$(free_port)
while [ "$pop3_port" = "$imap_port" ]; do pop3_port=$(free_port); done
say "starting Dovecot on 127.0.0.1:$imap_port (IMAP), :$pop3_port (POP3)"
cleanup_add "'$interop_dir/dovecot.sh' stop '$dv'"
watchdog "$daemon_lifetime" "'$interop_dir/dovecot.sh' stop '$dv'"
run_bounded 30 "$interop_dir/dovecot.sh" start "$dv" "$imap_port" "$pop3_port"

fetch() {  # fetch NAME ARGS...: an imap-fetch run, output in $WORK/NAME.log, dump in $WORK/NAME
  local name=$1; shift
  say "imap-fetch $name: $*"
  run_bounded 25 "$IMAP_FETCH" --port "$imap_port" --user alice --pass wonderland --timeout 10 \
    --dump "$WORK/$name" "$@" >"$WORK/$name.log" 2>&1 \
    || { cat "$WORK/$name.log"; die "imap-fetch $name failed"; }
  tail -1 "$WORK/$name.log"
}
check() {  # check NAME ARGS...
  local name=$1; shift
  python3 "$interop_dir/imap_check.py" --dump "$WORK/$name" --log "$WORK/$name.log" \
    --source "$WORK/source" --manifest "$WORK/manifest" "$@"
}

fetch default --download --idle-seconds 2
grep -q '^-- login with AUTHENTICATE PLAIN (SASL-IR)' "$WORK/default.log" || die "expected AUTHENTICATE PLAIN with SASL-IR"
sed -n '/^-- mailboxes:/,/^-- selected/p' "$WORK/default.log"
sed -n '/^UID 5 /,/^UID 6 /p' "$WORK/default.log" | sed '$d'
grep -E '^(part|header): ' "$WORK/default.log" | cut -c1-110
check default --download --folders --idle --part 3:1:64

fetch login --auth login --part 5:2.1 --part-bytes 5 --idle-seconds 0
grep -q '^-- login with LOGIN' "$WORK/login.log" || die "expected LOGIN"
grep -q '^-- IDLE skipped (--idle-seconds 0)' "$WORK/login.log" || die "expected IDLE to be skipped"
check login --part 5:2.1:5

fetch folder --mailbox 'Été' --idle-seconds 0
grep -q '^-- selected Été: EXISTS 0 ' "$WORK/folder.log" || { cat "$WORK/folder.log"; die "expected an empty Été"; }
echo "checked: SELECT of Été (modified UTF-7 &AMk-t&AOk-) answered EXISTS 0"

fetch lenient --lenient --download --idle-seconds 1
check lenient --download --folders --idle --part 3:1:64

# Without SASL-IR the client must send AUTHENTICATE PLAIN alone and answer the "+".
printf 'imap_capability = IMAP4rev1 LITERAL+ IDLE\n' >>"$dv/dovecot.conf"
dovecot -c "$dv/dovecot.conf" reload
no_ir=0
for _ in $(seq 30); do
  caps=
  if exec 3<>"/dev/tcp/127.0.0.1/$imap_port"; then
    printf 'a CAPABILITY\r\nb LOGOUT\r\n' >&3
    caps=$(timeout 2 head -c 4096 <&3 | grep -a '^\* CAPABILITY' || true)
    exec 3<&-
  fi
  case $caps in *'* CAPABILITY'*) case $caps in *SASL-IR*) ;; *) no_ir=1; break ;; esac ;; esac
  sleep 0.1
done
((no_ir)) || die "Dovecot still advertises SASL-IR after reload: $caps"
fetch no-sasl-ir --idle-seconds 0
grep -q '^-- login with AUTHENTICATE PLAIN (waiting for the "+" challenge)' "$WORK/no-sasl-ir.log" \
  || die "expected AUTHENTICATE PLAIN without SASL-IR"
check no-sasl-ir --part 3:1:64

# Strict means strict: a response outside the grammar fails the run; --lenient accepts it.
portfile=$WORK/quirky.port
python3 "$interop_dir/imap_quirky_server.py" "$portfile" 2 60 >"$WORK/quirky-server.log" 2>&1 &
track $!
for _ in $(seq 100); do [ -s "$portfile" ] && break; sleep 0.1; done
[ -s "$portfile" ] || die "imap_quirky_server.py did not start within 10 s"
qport=$(cat "$portfile")
say "imap-fetch strict against imap_quirky_server.py (iCloud's NIL body-fld-enc)"
if run_bounded 25 "$IMAP_FETCH" --port "$qport" --user alice --pass wonderland --timeout 10 --idle-seconds 0 \
    >"$WORK/quirky-strict.log" 2>&1; then
  cat "$WORK/quirky-strict.log"; die "strict imap-fetch accepted a NIL body-fld-enc"
fi
grep -q 'strict_violation at offset 158: expected body-fld-enc' "$WORK/quirky-strict.log" \
  || { cat "$WORK/quirky-strict.log"; die "expected the strict_violation at the NIL"; }
grep -A2 'strict_violation' "$WORK/quirky-strict.log"
say "imap-fetch --lenient against imap_quirky_server.py"
run_bounded 25 "$IMAP_FETCH" --port "$qport" --user alice --pass wonderland --timeout 10 --idle-seconds 0 --lenient \
    >"$WORK/quirky-lenient.log" 2>&1 || { cat "$WORK/quirky-lenient.log"; die "lenient imap-fetch failed"; }
grep -q '^part: UID 1 BODY\[1\]<0> 12 octets (literal): "hello world\\n"$' "$WORK/quirky-lenient.log" \
  || { cat "$WORK/quirky-lenient.log"; die "lenient run: expected the part"; }
grep -E '^(    1 |part:)' "$WORK/quirky-lenient.log"
