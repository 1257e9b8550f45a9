#!/usr/bin/env bash
# Builds the Python package into a fresh venv and runs its tests (incl. stubtest).
# Honours CARGO_TARGET_DIR; VENV overrides the venv location (default target/py-venv).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
VENV="${VENV:-$CARGO_TARGET_DIR/py-venv}"
PYTHON="${PYTHON:-python3}"

[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet pytest mypy
"$VENV/bin/python" -m pip install --quiet --force-reinstall "$ROOT/traceability-py"
cd "$ROOT/tests/python"
"$VENV/bin/python" -m pytest -q "$@"
