#!/usr/bin/env bash
# The main job: a realistic end-to-end demo on the embedded default store (a SQLite file).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --demo
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
cargo run --release --quiet -p traceability-core --example demo -- "${1:-traceability-demo.sqlite}"
