#!/usr/bin/env bash
# Build the mailwire-parse example and run it on the seed POP3 transcript —
# the README's demo command.
#
#   bash scripts/demo.sh [extra mailwire-parse arguments...]
#
# Environment: CXX, BUILD_DIR (default build/dev), MAILWIRE_SKIP_DEPS=1.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

build_dir=${BUILD_DIR:-build/dev}
transcript=examples/transcripts/seed-pop3.txt

bash scripts/ensure-deps.sh

if [[ ! -f examples/mailwire-parse/CMakeLists.txt ]]; then
  echo "demo: examples/mailwire-parse does not exist yet; nothing to run" >&2
  exit 1
fi

configure=(cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Debug)
if [[ ! -f "$build_dir/CMakeCache.txt" ]]; then
  if command -v ninja >/dev/null 2>&1; then configure+=(-G Ninja); else configure+=(-G "Unix Makefiles"); fi
fi
[[ -n "${CXX:-}" ]] && configure+=("-DCMAKE_CXX_COMPILER=$CXX")
"${configure[@]}" >/dev/null

# Capture first: `grep -q` would close the pipe early and, under pipefail, the SIGPIPE'd
# cmake would make the test fail even when the target exists.
targets=$(cmake --build "$build_dir" --target help 2>/dev/null || true)
if ! grep -q 'mailwire-parse' <<<"$targets"; then
  echo "demo: the build has no mailwire-parse target yet; nothing to run" >&2
  exit 1
fi
cmake --build "$build_dir" --target mailwire-parse -j "${JOBS:-2}"

exe="$build_dir/examples/mailwire-parse/mailwire-parse"
if [[ ! -x "$exe" ]]; then
  echo "demo: built mailwire-parse but $exe is missing" >&2
  exit 1
fi
if [[ ! -f "$transcript" ]]; then
  echo "demo: $transcript does not exist yet; nothing to run" >&2
  exit 1
fi
echo "+ $exe --pop3 $transcript $*"
rc=0
"$exe" --pop3 "$transcript" "$@" || rc=$?
# One line to end on, counted from the tool's own JSON lines (one per message).
json=$("$exe" --pop3 --json "$transcript" || true)
ok=$(grep -c '"ok":true' <<<"$json" || true)
failed=$(grep -c '"ok":false' <<<"$json" || true)
clients=$(grep -c '"dir":"C"' <<<"$json" || true)
servers=$(grep -c '"dir":"S"' <<<"$json" || true)
echo "demo: $((ok + failed)) messages in $transcript ($clients from the client, $servers from the server): $ok parsed, $failed failed"
exit "$rc"
