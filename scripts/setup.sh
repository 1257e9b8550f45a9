#!/usr/bin/env bash
# Installs what the build and the tests need on a bare Debian machine, skipping what is
# already there: a C toolchain, valgrind, pkg-config and CMake (Debian packages) and
# Python's venv. Rust itself (cargo, rustc >= 1.86) must be installed; its rustfmt and clippy components
# are added through rustup when missing; crates and PyPI packages are fetched
# by cargo and by tests/python/run.sh.
# `setup.sh --demo` installs only what the Rust demo needs (a C compiler for SQLite).
set -euo pipefail
demo_only=false
[ "${1:-}" = "--demo" ] && demo_only=true

if ! command -v cargo >/dev/null; then
    echo "error: cargo not found: install Rust (rustup, stable >= 1.86) first" >&2
    exit 1
fi

missing=()
command -v cc >/dev/null || missing+=(gcc)
if ! $demo_only; then
    command -v g++ >/dev/null || missing+=(g++)
    command -v valgrind >/dev/null || missing+=(valgrind)
    command -v make >/dev/null || missing+=(make)
    command -v pkg-config >/dev/null || missing+=(pkg-config)
    command -v cmake >/dev/null || missing+=(cmake)
    command -v python3 >/dev/null || missing+=(python3)
    python3 -m venv --help >/dev/null 2>&1 || missing+=(python3-venv)
fi
if [ ${#missing[@]} -gt 0 ]; then
    echo "== installing Debian packages: ${missing[*]}"
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! $demo_only; then
    cargo fmt --version >/dev/null 2>&1 || rustup component add rustfmt
    cargo clippy --version >/dev/null 2>&1 || rustup component add clippy
fi
