#!/usr/bin/env bash
# Coverage-guided fuzzing of the engine (cargo-fuzz + libFuzzer, AddressSanitizer, debug
# assertions and overflow checks on). Builds every target in fuzz/ once, then runs each
# for a bounded time from a copy of its checked-in seed corpus (fuzz/corpus/<target>/)
# plus the saved crashes (fuzz/regressions/<target>/), so runs never grow the committed
# corpus. Exits non-zero when any target crashes (a panic, a broken invariant, a
# sanitizer report, a timeout or an out-of-memory).
#
#   scripts/fuzz.sh [seconds-per-target] [target...]     default: 60 s, every target
#
# Needs only stable Rust: cargo-fuzz needs nightly features (-Zsanitizer), enabled here
# with RUSTC_BOOTSTRAP=1. Installs cargo-fuzz (crates.io) and a C++ compiler (for
# libFuzzer) when missing. A crash leaves its input in fuzz/artifacts/<target>/;
# reproduce it with `RUSTC_BOOTSTRAP=1 cargo fuzz run <target> <file>` in fuzz/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

seconds="${1:-60}"
shift || true
case "$seconds" in
    '' | *[!0-9]*) echo "usage: $0 [seconds-per-target] [target...]" >&2; exit 2 ;;
esac

# A C and C++ compiler: SQLite is C, libFuzzer is C++.
bash scripts/setup.sh --demo
if ! command -v c++ >/dev/null && ! command -v g++ >/dev/null && ! command -v clang++ >/dev/null; then
    echo "== installing g++ (libFuzzer is C++)"
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq g++ >/dev/null
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "== installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

export RUSTC_BOOTSTRAP=1
# The fuzz crate has its own workspace and target directory (fuzz/target); an inherited
# CARGO_TARGET_DIR would mix its sanitizer builds with the normal ones.
unset CARGO_TARGET_DIR

cd "$root/fuzz"
mapfile -t all_targets < <(cargo fuzz list)
if [ $# -gt 0 ]; then
    targets=("$@")
else
    targets=("${all_targets[@]}")
fi

echo "== building the fuzz targets (${all_targets[*]})"
cargo fuzz build

scratch=$(mktemp -d "${TMPDIR:-/tmp}/traceability-fuzz.XXXXXX")
# The SQLite stores the targets write (synchronous=FULL: an fsync per commit) go to
# tmpfs when there is one.
files_base="$scratch"
[ -d /dev/shm ] && [ -w /dev/shm ] && files_base=/dev/shm
files=$(mktemp -d "$files_base/traceability-fuzz-files.XXXXXX")
trap 'rm -rf "$scratch" "$files"' EXIT
export TRACEABILITY_FUZZ_SCRATCH="$files"

failed=()
summary=()
for target in "${targets[@]}"; do
    corpus="$scratch/corpus/$target"
    mkdir -p "$corpus"
    cp -R "corpus/$target/." "$corpus/" 2>/dev/null || true
    [ -d "regressions/$target" ] && cp -R "regressions/$target/." "$corpus/"
    seeds=$(find "$corpus" -type f | wc -l)
    args=(-max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1)
    [ -f "dict/$target.dict" ] && args+=(-dict="$root/fuzz/dict/$target.dict")
    log="$scratch/$target.log"
    echo "== fuzzing $target for ${seconds}s ($seeds seeds)"
    # One process per target, one worker (libFuzzer's default: no -jobs / -fork).
    set +e
    cargo fuzz run "$target" "$corpus" -- "${args[@]}" 2>&1 | tee "$log" | grep -E \
        '^#[0-9]+[[:space:]]+(INITED|DONE)|^stat::|panicked at|ERROR: |SUMMARY: |Test unit written|^Failing input|^[[:space:]]+fuzz/artifacts'
    status=${PIPESTATUS[0]}
    set -e
    done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 || true)
    execs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}' | tail -1)
    cov=$(sed -nE 's/.*cov: ([0-9]+) ft: ([0-9]+) corp: ([0-9]+).*/cov \1, features \2, corpus \3/p' <<<"$done_line")
    if [ "$status" -ne 0 ]; then
        failed+=("$target")
        summary+=("$target: CRASHED (exit $status) after ${execs:-?} executions — input in fuzz/artifacts/$target/; save it under fuzz/regressions/$target/")
    else
        summary+=("$target: ok, ${execs:-?} executions in ${seconds}s, ${cov:-no coverage line}")
    fi
done

echo
echo "== fuzzing summary"
printf '  %s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
    echo "FAILED: ${failed[*]}" >&2
    exit 1
fi
