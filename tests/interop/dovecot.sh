#!/usr/bin/env bash
# Start or stop a throwaway Dovecot (Debian's dovecot-imapd + dovecot-pop3d) on loopback
# high ports, for mailwire's own tests. Nothing outside $DIR is written.
#   tests/interop/dovecot.sh start DIR [IMAP_PORT] [POP3_PORT]   -> prints "ready"
#   tests/interop/dovecot.sh stop DIR
# Users: alice / wonderland (mail in DIR/mail/alice, Maildir). Plaintext auth is allowed
# because everything stays on 127.0.0.1.
set -euo pipefail
cmd=${1:?start|stop}; dir=${2:?directory}
imap_port=${3:-10143}; pop3_port=${4:-10110}

if [ "$cmd" = stop ]; then
  if [ -f "$dir/run/master.pid" ]; then
    kill "$(cat "$dir/run/master.pid")" 2>/dev/null || true
    for _ in $(seq 50); do [ -f "$dir/run/master.pid" ] && kill -0 "$(cat "$dir/run/master.pid")" 2>/dev/null || break; sleep 0.1; done
  fi
  exit 0
fi

command -v dovecot >/dev/null || { echo "dovecot is not installed: apt-get install dovecot-imapd dovecot-pop3d" >&2; exit 1; }
mkdir -p "$dir/run" "$dir/mail/alice" "$dir/log"
dir=$(cd "$dir" && pwd)
# The login processes run as dovenull/dovecot and must reach the run dir.
chmod 755 "$dir" "$dir/run"
# Mail is owned by Debian's "mail" user: Dovecot refuses to serve mail as root.
uid=$(id -u mail); gid=$(id -g mail)
chown -R "$uid:$gid" "$dir/mail"
cat > "$dir/passwd" <<PW
alice:{PLAIN}wonderland:$uid:$gid::$dir/mail/alice::
PW
cat > "$dir/dovecot.conf" <<CONF
base_dir = $dir/run
state_dir = $dir/run/state
instance_name = mailwire-test-$$
protocols = imap pop3
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
log_path = $dir/log/dovecot.log
info_log_path = $dir/log/dovecot.log
mail_location = maildir:$dir/mail/%u/Maildir
first_valid_uid = $uid
last_valid_uid = $uid
default_internal_user = dovecot
default_login_user = dovenull
default_internal_group = dovecot
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $dir/passwd
}
userdb {
  driver = passwd-file
  args = username_format=%u $dir/passwd
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $imap_port
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = $pop3_port
  }
  inet_listener pop3s {
    port = 0
  }
}
service anvil {
  chroot =
}
service imap-login {
  chroot =
}
service pop3-login {
  chroot =
}
pop3_uidl_format = %08Xu%08Xv
namespace inbox {
  inbox = yes
  separator = /
}
CONF
dovecot -c "$dir/dovecot.conf"
for _ in $(seq 100); do
  if (exec 3<>/dev/tcp/127.0.0.1/"$pop3_port") 2>/dev/null && (exec 3<>/dev/tcp/127.0.0.1/"$imap_port") 2>/dev/null; then echo ready; exit 0; fi
  sleep 0.1
done
echo "dovecot did not start; log:" >&2; cat "$dir/log/dovecot.log" >&2 || true
exit 1
