# Shared helpers for the POP3 interop tests (sourced, not run). Loopback only; every wait is
# bounded; every process a test starts is recorded with `track PID` and ended by the EXIT trap.
#   needs CMD PACKAGE...      fail (not skip) when a tool is missing: CI installs them all
#   free_port                 an unused TCP port on 127.0.0.1 (bind to 0, read, close)
#   start_example_server BIN PORTVAR LOG ARGS...  run an example server --port 0 in the background
#   start_pop3_server PORTVAR LOG ARGS...   the same with $POP3_SERVER
#   wait_listening PORT LOG NAME            wait (10 s at most) for a daemon to accept
#   run_bounded SECONDS CMD...             run a command with a time limit
#   cleanup_add "shell code"               run at exit, in reverse order
#   watchdog SECONDS "shell code"          run it after SECONDS even if this script was killed
# Lifetimes: CTest's TIMEOUT is 300 s; every daemon is bounded to 280 s on its own
# (pop3-server --max-seconds, pop3d under timeout, Dovecot by a watchdog), so nothing
# outlives a test even if CTest kills the script with SIGKILL; the scripts' own bounds add
# up to less than that.
set -euo pipefail

interop_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
_cleanups=()
_pids=()

daemon_lifetime=280

cleanup_add() { _cleanups+=("$1"); }
track() { _pids+=("$1"); }

_on_exit() {
  local rc=$? i
  for ((i = ${#_cleanups[@]} - 1; i >= 0; i--)); do eval "${_cleanups[i]}" || true; done
  for i in "${_pids[@]}"; do
    if kill -0 "$i" 2>/dev/null; then
      kill "$i" 2>/dev/null || true
      for _ in $(seq 30); do kill -0 "$i" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$i" 2>/dev/null || true
    fi
  done
  if ((rc == 0)); then echo "PASS: $(basename "$0")"; else echo "FAIL: $(basename "$0") (exit $rc)"; fi
  exit "$rc"
}
trap _on_exit EXIT
trap 'exit 130' INT TERM

say() { echo "== $*"; }
die() { echo "FAIL: $*" >&2; exit 1; }

needs() {  # needs CMD PACKAGE
  command -v "$1" >/dev/null 2>&1 || die "$1 not found: apt-get install $2 (the interop tests need it)"
}

watchdog() {  # watchdog SECONDS CODE: a tracked background guard, ended (with its sleep) at exit
  local secs=$1 code=$2
  ( trap 'kill "$s" 2>/dev/null; exit 0' TERM
    sleep "$secs" & s=$!
    wait "$s"
    eval "$code" ) >/dev/null 2>&1 &
  track $!
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

run_bounded() {  # run_bounded SECONDS CMD...: fails if CMD fails or runs longer
  local secs=$1; shift
  timeout --kill-after=5 "$secs" "$@"
}

# start_example_server BIN VAR LOG ARGS...: starts an example server (pop3-server,
# imap-server) on a free port (it picks one and writes it to a file), waits at most 10 s
# for it, and stores the port in VAR.
start_example_server() {
  local bin=$1 var=$2 log=$3; shift 3
  local name portfile
  name=$(basename "$bin")
  portfile=$(mktemp "${WORK:-/tmp}/port.XXXXXX"); rm -f "$portfile"
  "$bin" --port 0 --port-file "$portfile" --max-seconds "$daemon_lifetime" "$@" >"$log" 2>&1 &
  track $!
  local pid=$!
  for _ in $(seq 100); do
    [ -s "$portfile" ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; die "$name exited at start"; }
    sleep 0.1
  done
  [ -s "$portfile" ] || { cat "$log" >&2; die "$name did not start within 10 s"; }
  printf -v "$var" '%s' "$(cat "$portfile")"
}
# start_pop3_server VAR LOG ARGS...: start_example_server with $POP3_SERVER.
start_pop3_server() { start_example_server "$POP3_SERVER" "$@"; }

# wait_listening PORT LOG NAME: waits at most 10 s for a daemon to accept on 127.0.0.1:PORT;
# shows LOG and fails if it does not.
wait_listening() {
  local port=$1 log=$2 name=$3
  for _ in $(seq 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  cat "$log"; die "$name did not start within 10 s"
}
