#!/usr/bin/env bash
# Builds the Python package into a fresh venv and runs its tests (incl. stubtest).
# Honours CARGO_TARGET_DIR; VENV overrides the venv location (default target/py-venv).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
VENV="${VENV:-$CARGO_TARGET_DIR/py-venv}"
PYTHON="${PYTHON:-python3}"

# The binding's own Rust unit tests (the panic guard); they need no Python to link.
# SKIP_RUST_UNIT=1 skips them when iterating on the Python side.
[ "${SKIP_RUST_UNIT:-0}" = 1 ] || cargo test --release --quiet -p traceability-py --lib --manifest-path "$ROOT/Cargo.toml"

[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet pytest mypy jsonschema rfc3987
"$VENV/bin/python" -m pip install --quiet --force-reinstall "$ROOT/traceability-py"
cd "$ROOT/tests/python"
"$VENV/bin/python" -m pytest -q "$@"
