#!/usr/bin/env bash
# Make sure the tools and libraries mailwire's build needs are present.
#
#   bash scripts/ensure-deps.sh [--sanitizers] [--fuzz]
#
# Checks: a C++20 compiler ($CXX, else g++ or clang++), cmake >= 3.20, ninja
# (optional: the scripts fall back to make), pkg-config, fmt and Catch2
# (v2 or v3), python3 (test checks), Asio (examples/imap-fetch).
# --sanitizers/--fuzz also need clang++ with compiler-rt (ASan/UBSan, libFuzzer).
#
# Anything missing is installed with apt-get when running as root or with
# passwordless sudo (Debian 12, Ubuntu 22.04+); otherwise the exact command to
# run is printed and the script exits 1. Set MAILWIRE_SKIP_DEPS=1 to skip all
# of this (e.g. when fmt/Catch2 come from vcpkg or Conan).
set -euo pipefail

if [[ "${MAILWIRE_SKIP_DEPS:-0}" == 1 ]]; then
  echo "ensure-deps: MAILWIRE_SKIP_DEPS=1, not checking dependencies"
  exit 0
fi

want_sanitizers=0
want_fuzz=0
for arg in "$@"; do
  case "$arg" in
    --sanitizers) want_sanitizers=1 ;;
    --fuzz) want_fuzz=1 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "ensure-deps: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

have() { command -v "$1" >/dev/null 2>&1; }

# Compiles (and links) a small C++20 program with compiler $1 and flags $2...
compiles_cxx20() {
  local cxx=$1; shift
  cat >"$tmp/probe.cpp" <<'CPP'
#include <concepts>
#include <span>
#include <string_view>
template <std::integral T> constexpr T twice(T v) { return v * 2; }
int main() { constexpr std::string_view s = "ok"; return twice(static_cast<int>(s.size())) == 4 ? 0 : 1; }
CPP
  "$cxx" -std=c++20 "$@" "$tmp/probe.cpp" -o "$tmp/probe" >/dev/null 2>&1 && "$tmp/probe"
}

version_ge() {  # version_ge 3.25.1 3.20
  [[ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" == "$2" ]]
}

missing_pkgs=()
problems=()
add_pkg() { local p; for p in "$@"; do [[ " ${missing_pkgs[*]-} " == *" $p "* ]] || missing_pkgs+=("$p"); done; }

# ---- compiler -------------------------------------------------------------
if [[ -n "${CXX:-}" ]]; then
  if ! have "$CXX"; then
    case "$(basename "$CXX")" in
      clang++*) add_pkg clang ;;
      g++*|c++) add_pkg g++ ;;
      *) problems+=("CXX=$CXX not found") ;;
    esac
  elif ! compiles_cxx20 "$CXX"; then
    problems+=("CXX=$CXX cannot compile C++20 (need g++ >= 11 or clang++ >= 14)")
  fi
elif have g++ && compiles_cxx20 g++; then
  :
elif have clang++ && compiles_cxx20 clang++; then
  :
else
  add_pkg g++
fi

# ---- build tools ----------------------------------------------------------
if ! have cmake; then
  add_pkg cmake
else
  cmake_version=$(cmake --version | sed -n 's/^cmake version \([0-9.]*\).*/\1/p')
  if ! version_ge "$cmake_version" 3.20; then
    problems+=("cmake $cmake_version is too old (need >= 3.20)")
  fi
fi
have ninja || add_pkg ninja-build
have pkg-config || have pkgconf || add_pkg pkg-config

# ---- libraries ------------------------------------------------------------
fmt_found=0
for f in /usr/include/fmt/format.h /usr/local/include/fmt/format.h; do
  [[ -e "$f" ]] && fmt_found=1
done
(( fmt_found )) || add_pkg libfmt-dev

catch_found=0
for f in /usr/include/catch2/catch.hpp /usr/include/catch2/catch_all.hpp \
         /usr/local/include/catch2/catch.hpp /usr/local/include/catch2/catch_all.hpp; do
  [[ -e "$f" ]] && catch_found=1
done
(( catch_found )) || add_pkg catch2

# ---- what the examples need (the test command builds every example) ------
# examples/imap-fetch: standalone Asio (header-only).
asio_found=0
for f in /usr/include/asio.hpp /usr/local/include/asio.hpp; do
  [[ -e "$f" ]] && asio_found=1
done
(( asio_found )) || add_pkg libasio-dev

# ---- what the tests run --------------------------------------------------
# meta.test_names (tests/check_test_names.py) and the interop scripts are python3.
have python3 || add_pkg python3

# ---- sanitizers / libFuzzer (clang + compiler-rt) -------------------------
need_rt=0
if (( want_sanitizers || want_fuzz )); then
  if ! have clang++; then
    add_pkg clang
    need_rt=1
  else
    if (( want_sanitizers )) && ! compiles_cxx20 clang++ -fsanitize=address,undefined; then
      need_rt=1
    fi
    if (( want_fuzz )); then
      printf '#include <cstddef>\n#include <cstdint>\nextern "C" int LLVMFuzzerTestOneInput(const std::uint8_t*, std::size_t) { return 0; }\n' >"$tmp/fz.cpp"
      clang++ -fsanitize=fuzzer "$tmp/fz.cpp" -o "$tmp/fz" >/dev/null 2>&1 || need_rt=1
    fi
  fi
fi

if (( ${#missing_pkgs[@]} == 0 && need_rt == 0 && ${#problems[@]} == 0 )); then
  echo "ensure-deps: all dependencies present"
  exit 0
fi

# ---- install --------------------------------------------------------------
if (( ${#problems[@]} )); then
  printf 'ensure-deps: %s\n' "${problems[@]}" >&2
fi

sudo_cmd=()
can_install=0
if have apt-get; then
  if [[ $(id -u) -eq 0 ]]; then
    can_install=1
  elif have sudo && sudo -n true 2>/dev/null; then
    sudo_cmd=(sudo -n)
    can_install=1
  fi
fi

# compiler-rt package name depends on the distribution and clang version:
# Debian 12 / Ubuntu 23.04+ split it into libclang-rt-N-dev; older releases
# ship it inside libclang-common-N-dev (pulled in by clang itself).
rt_pkg() {
  local major=""
  if have clang++; then
    major=$(clang++ --version | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -n1)
  elif have apt-cache; then
    major=$(apt-cache depends clang 2>/dev/null | sed -n 's/.*Depends: clang-\([0-9]*\)$/\1/p' | head -n1)
  fi
  if [[ -n "$major" ]] && apt-cache show "libclang-rt-$major-dev" >/dev/null 2>&1; then
    echo "libclang-rt-$major-dev"
  elif apt-cache show libclang-rt-dev >/dev/null 2>&1; then
    echo "libclang-rt-dev"
  fi
}

if (( ! can_install )); then
  pkgs=("${missing_pkgs[@]}")
  (( need_rt )) && pkgs+=(clang "libclang-rt-<clang-major>-dev")
  if (( ${#pkgs[@]} )); then
    echo "ensure-deps: missing packages: ${pkgs[*]}" >&2
    if have apt-get; then
      echo "ensure-deps: run this, then retry:" >&2
      echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${pkgs[*]}" >&2
    else
      echo "ensure-deps: install the equivalents with your package manager, then retry" >&2
    fi
  fi
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# apt's progress (hundreds of dpkg lines on a fresh machine) goes to a log; the terminal
# gets one line per step, and the log's tail when a step fails.
log=${MAILWIRE_DEPS_LOG:-${TMPDIR:-/tmp}/mailwire-ensure-deps.log}
: >"$log"
quiet_step() { # quiet_step <what> <command...>
  local what=$1; shift
  echo "ensure-deps: $what (log: $log)"
  if ! "$@" >>"$log" 2>&1; then
    echo "ensure-deps: failed: $what; the end of $log:" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
}
quiet_step "apt-get update" "${sudo_cmd[@]}" apt-get update -q
if (( need_rt )); then
  add_pkg clang
  rt=$(rt_pkg || true)
  [[ -n "$rt" ]] && add_pkg "$rt"
fi
quiet_step "installing ${missing_pkgs[*]}" "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing_pkgs[@]}"

# The ones apt cannot fix (e.g. too old a cmake) still fail here.
if (( ${#problems[@]} )); then
  exit 1
fi
echo "ensure-deps: done"
