#!/usr/bin/env bash
# Interop 1: pop3-fetch (strict) against Dovecot's POP3 server on loopback.
#   pop3_dovecot.sh POP3_FETCH WORKDIR
# Runs: AUTH PLAIN (what Dovecot offers), then pipelined, then USER/PASS, then APOP (Dovecot
# reloaded with the apop mechanism, which puts a timestamp in its greeting), each compared
# with check_fetch.py; then --delete, and a last run that must find STAT 0.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
POP3_FETCH=${1:?pop3-fetch binary}; WORK=${2:?work dir}
needs dovecot "dovecot-pop3d dovecot-imapd"
needs python3 python3

rm -rf "$WORK"; mkdir -p "$WORK"
dv=$WORK/dovecot
mkdir -p "$dv/mail/alice"
maildir=$dv/mail/alice/Maildir
python3 "$interop_dir/make_mailbox.py" "$maildir" "$WORK/manifest"
cp -a "$maildir" "$WORK/source"   # the files as served, for comparing after --delete
imap_port=$(free_port); pop3_port=$(free_port)
while [ "$pop3_port" = "$imap_port" ]; do pop3_port=$(free_port); done
say "starting Dovecot on 127.0.0.1:$pop3_port (POP3), :$imap_port (IMAP)"
cleanup_add "'$interop_dir/dovecot.sh' stop '$dv'"
watchdog "$daemon_lifetime" "'$interop_dir/dovecot.sh' stop '$dv'"
run_bounded 30 "$interop_dir/dovecot.sh" start "$dv" "$imap_port" "$pop3_port"

fetch() {  # fetch NAME ARGS...: a pop3-fetch run with its report in $WORK/NAME.report
  local name=$1; shift
  say "pop3-fetch $name: $*"
  run_bounded 25 "$POP3_FETCH" --port "$pop3_port" --user alice --pass wonderland --timeout 10 \
    --report "$WORK/$name.report" "$@" >"$WORK/$name.log" 2>&1 \
    || { cat "$WORK/$name.log"; die "pop3-fetch $name failed"; }
  grep -E '^(C|S): ' "$WORK/$name.log" | cut -c1-110 | head -12
  tail -1 "$WORK/$name.log"
}
check() { python3 "$interop_dir/check_fetch.py" --source "$WORK/source" --manifest "$WORK/manifest" "$@"; }

fetch plain --maildir "$WORK/plain"
grep -q '^-- login with AUTH PLAIN' "$WORK/plain.log" || die "expected AUTH PLAIN to be chosen"
check --report "$WORK/plain.report"

fetch pipelined --pipelining --maildir "$WORK/pipelined"
check --report "$WORK/pipelined.report"

fetch user --auth user --maildir "$WORK/user"
check --report "$WORK/user.report"

# APOP: Dovecot offers it (a timestamp in the greeting) once the apop mechanism is enabled.
sed -i 's/^auth_mechanisms = plain login$/auth_mechanisms = plain login apop/' "$dv/dovecot.conf"
grep -q '^auth_mechanisms = plain login apop$' "$dv/dovecot.conf" || die "could not enable APOP in $dv/dovecot.conf"
dovecot -c "$dv/dovecot.conf" reload
apop_ready=0
for _ in $(seq 30); do
  greeting=
  if exec 3<>"/dev/tcp/127.0.0.1/$pop3_port"; then read -r -t 1 greeting <&3 || true; exec 3<&-; fi
  case $greeting in *'<'*'>'*) apop_ready=1; break ;; esac
  sleep 0.1
done
((apop_ready)) || die "Dovecot's greeting has no APOP timestamp after reload"
fetch apop --maildir "$WORK/apop"
grep -q '^-- login with APOP' "$WORK/apop.log" || die "expected APOP to be chosen"
check --report "$WORK/apop.report"

fetch delete --delete --pipelining --maildir "$WORK/deleted"
check --report "$WORK/delete.report" --expect-deleted

fetch after-delete
check --report "$WORK/after-delete.report" --expect-empty
left=$(find "$maildir/cur" "$maildir/new" -type f | wc -l)
[ "$left" -eq 0 ] || die "$left message file(s) left in Dovecot's Maildir after --delete"
echo "compared: Maildir on disk is empty after the --delete run"
