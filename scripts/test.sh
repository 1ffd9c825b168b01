#!/usr/bin/env bash
# Configure, build and test everything (Debug) — the README's test command.
#
#   bash scripts/test.sh [extra cmake -D options...]
#
# Environment: CXX (compiler, default: cmake's choice), BUILD_DIR (default
# build/dev), BUILD_TYPE (default Debug), JOBS (default 2),
# MAILWIRE_SKIP_DEPS=1 (skip the dependency check/install).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

build_dir=${BUILD_DIR:-build/dev}
build_type=${BUILD_TYPE:-Debug}
jobs=${JOBS:-2}

bash scripts/ensure-deps.sh

configure=(cmake -S . -B "$build_dir" "-DCMAKE_BUILD_TYPE=$build_type")
if [[ ! -f "$build_dir/CMakeCache.txt" ]]; then
  # A fresh tree: Ninja if available, else Makefiles. An existing tree keeps
  # the generator it was created with.
  if command -v ninja >/dev/null 2>&1; then
    configure+=(-G Ninja)
  else
    configure+=(-G "Unix Makefiles")
  fi
fi
if [[ -n "${CXX:-}" ]]; then
  configure+=("-DCMAKE_CXX_COMPILER=$CXX")
fi
configure+=("$@")

echo "+ ${configure[*]}"
"${configure[@]}"
echo "+ cmake --build $build_dir -j $jobs"
cmake --build "$build_dir" -j "$jobs"
echo "+ ctest --test-dir $build_dir --output-on-failure --no-tests=error -j $jobs"
ctest --test-dir "$build_dir" --output-on-failure --no-tests=error -j "$jobs"
