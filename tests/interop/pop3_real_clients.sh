#!/usr/bin/env bash
# Interop 2: independent POP3 clients against pop3-server serving make_mailbox.py's Maildir.
#   pop3_real_clients.sh POP3_SERVER WORKDIR
# Clients: Python's poplib (USER/PASS, and APOP against a second server started with
# --apop), curl (RETR of each message, and LIST), getmail6 (Maildir destination) and
# fetchmail (MDA delivery, --invisible). What each compares is printed as it passes.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
POP3_SERVER=${1:?pop3-server binary}; WORK=${2:?work dir}
needs python3 python3
needs curl curl
needs getmail getmail6
needs fetchmail fetchmail

rm -rf "$WORK"; mkdir -p "$WORK"
md=$WORK/Maildir
python3 "$interop_dir/make_mailbox.py" "$md" "$WORK/manifest"
cp -a "$md" "$WORK/source"
start_pop3_server port "$WORK/server.log" --maildir "$md" --user alice --pass wonderland --quiet
say "pop3-server (strict) on 127.0.0.1:$port serving $md"

# ---- poplib ----------------------------------------------------------------------------
say "poplib, USER/PASS"
run_bounded 30 python3 "$interop_dir/poplib_check.py" "$port" alice wonderland "$md"
start_pop3_server apop_port "$WORK/server-apop.log" --maildir "$md" --user alice --pass wonderland --apop --quiet
say "poplib, APOP (pop3-server --apop on :$apop_port)"
run_bounded 30 python3 "$interop_dir/poplib_check.py" "$apop_port" alice wonderland "$md" --apop

# ---- curl ------------------------------------------------------------------------------
say "curl"
mapfile -t files < <(cd "$md" && find cur new -type f ! -name '.*' -printf '%f %p\n' | sort | cut -d' ' -f2)
mkdir -p "$WORK/curl"
n=0
for f in "${files[@]}"; do
  n=$((n + 1))
  run_bounded 8 curl -sS --max-time 6 "pop3://127.0.0.1:$port/$n" -u alice:wonderland -o "$WORK/curl/$n"
  cmp "$WORK/curl/$n" "$md/$f" || die "curl: message $n differs from $f"
done
run_bounded 8 curl -sS --max-time 6 "pop3://127.0.0.1:$port/" -u alice:wonderland -o "$WORK/curl/list"
expected_list=$(n=0; for f in "${files[@]}"; do n=$((n + 1)); echo "$n $(stat -c %s "$md/$f")"; done)
[ "$(tr -d '\r' <"$WORK/curl/list")" = "$expected_list" ] || die "curl: LIST differs: $(cat -A "$WORK/curl/list")"
echo "curl: compared RETR of each of the $n messages byte for byte (cmp) with its file, and LIST with the file sizes"

# ---- getmail6 --------------------------------------------------------------------------
# getmail refuses to deliver as root; its Maildir destination switches to `user` for that.
say "getmail6"
gm=$WORK/getmail; mkdir -p "$gm/maildir/cur" "$gm/maildir/new" "$gm/maildir/tmp" "$gm/state"
deliver_user=
if [ "$(id -u)" = 0 ]; then deliver_user="user = nobody"; chown -R nobody "$gm/maildir"; fi
cat >"$gm/state/getmailrc" <<EOF
[retriever]
type = SimplePOP3Retriever
server = 127.0.0.1
port = $port
username = alice
password = wonderland
timeout = 10

[destination]
type = Maildir
path = $gm/maildir/
$deliver_user

[options]
read_all = true
delete = false
delivered_to = false
received = false
EOF
run_bounded 30 getmail --rcfile=getmailrc --getmaildir="$gm/state" --quiet \
  || die "getmail failed (see $gm)"
python3 "$interop_dir/compare_messages.py" --label getmail6 --source "$md" --got "$gm/maildir" --lf

# ---- fetchmail -------------------------------------------------------------------------
# --invisible: no Received header; sslproto "": no opportunistic STLS (pop3-server has none);
# each message goes to an MDA that writes it to its own file.
say "fetchmail"
fm=$WORK/fetchmail; mkdir -p "$fm/out"
cat >"$fm/fetchmailrc" <<EOF
poll 127.0.0.1 service $port protocol POP3 auth password timeout 10:
  user "alice" there with password "wonderland" is "$(id -un)" here
  options keep fetchall no rewrite sslproto ""
  mda "/bin/sh -c 'cat > $fm/out/msg.\$\$'"
EOF
chmod 600 "$fm/fetchmailrc"
HOME=$fm run_bounded 30 fetchmail -f "$fm/fetchmailrc" --nodetach --nosyslog --invisible \
  --pidfile "$fm/fetchmail.pid" >"$fm/log" 2>&1 || { cat "$fm/log"; die "fetchmail failed"; }
python3 "$interop_dir/compare_messages.py" --label fetchmail --source "$md" --got "$fm/out" --lf

# Nothing was deleted by anyone (all clients kept the mail), so the Maildir is as generated.
diff -r "$WORK/source" "$md" >/dev/null || die "the served Maildir changed"
grep -q 'pop3-server: listening' "$WORK/server.log" || die "server log incomplete"
echo "compared: the served Maildir is unchanged after all clients (no client deleted anything)"
