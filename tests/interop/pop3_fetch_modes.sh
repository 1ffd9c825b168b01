#!/usr/bin/env bash
# pop3-fetch's strict and lenient modes end to end, against quirky_server.py (a scripted
# server whose LIST reply has bare LF line ends): strict must exit 1 and name the
# strict_violation; --lenient must fetch the message. Also: no CAPA (-ERR) means USER/PASS.
#   pop3_fetch_modes.sh POP3_FETCH WORKDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
POP3_FETCH=${1:?pop3-fetch binary}; WORK=${2:?work dir}
needs python3 python3
rm -rf "$WORK"; mkdir -p "$WORK"

python3 "$interop_dir/quirky_server.py" "$WORK/port" 2 >"$WORK/server.log" 2>&1 &
track $!
for _ in $(seq 100); do [ -s "$WORK/port" ] && break; sleep 0.1; done
[ -s "$WORK/port" ] || die "quirky_server.py did not start"
port=$(cat "$WORK/port")

say "strict (default): must fail on the bare LF"
rc=0
run_bounded 20 "$POP3_FETCH" --port "$port" --user u --pass p --timeout 5 --maildir "$WORK/strict" \
  >"$WORK/strict.log" 2>&1 || rc=$?
cat "$WORK/strict.log" | grep -v '^[CS]: ' || true
[ "$rc" = 1 ] || die "strict pop3-fetch exited $rc, want 1"
grep -q 'strict_violation' "$WORK/strict.log" || die "strict run did not report the strict_violation"

say "--lenient: must fetch the message"
run_bounded 20 "$POP3_FETCH" --port "$port" --user u --pass p --timeout 5 --lenient --maildir "$WORK/lenient" \
  >"$WORK/lenient.log" 2>&1 || { cat "$WORK/lenient.log"; die "lenient pop3-fetch failed"; }
grep -q '^-- login with USER/PASS' "$WORK/lenient.log" || die "no CAPA should mean USER/PASS"
printf 'abc\r\n' | cmp - "$WORK"/lenient/new/* || die "lenient run did not store exactly 'abc' CRLF"
echo "compared: strict exit 1 with strict_violation on the bare-LF LIST; lenient exit 0, the message stored as 'abc' CRLF (5 octets = LIST size)"
