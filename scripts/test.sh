#!/usr/bin/env bash
# The whole test suite: Rust (unit, integration, property and doc tests), then the C and
# Python bindings. Installs what is missing first. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
source scripts/pg-test-server.sh

echo "== Rust formatting and lints"
cargo fmt --all --check
cargo clippy --workspace --all-targets -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps -p traceability-core
# The publishable crates package (metadata, LICENSE, README, the header inside the
# C crate); clippy's incompatible_msrv lint holds the code to the declared rust-version.
cargo package --quiet --list --allow-dirty -p traceability-core >/dev/null
cargo package --quiet --list --allow-dirty -p traceability-ffi | grep -x include/traceability.h >/dev/null

echo "== Rust tests"
cargo test --release --workspace --exclude traceability-py

echo "== The demo (the README's main command) runs to its end"
rm -f "$CARGO_TARGET_DIR/demo-check.sqlite"*
cargo run --release --quiet -p traceability-core --example demo -- "$CARGO_TARGET_DIR/demo-check.sqlite" >/dev/null

echo "== C and C++ tests (valgrind, sanitizers)"
bash tests/c/run.sh

echo "== Python tests"
bash tests/python/run.sh
