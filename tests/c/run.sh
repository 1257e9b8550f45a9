#!/usr/bin/env bash
# The C ABI test suite: builds libtraceability in release (in $CARGO_TARGET_DIR), compiles
# the C and C++ tests against include/traceability.h, runs them under valgrind and under
# ASan+UBSan, and prints a final line "N passed, M failed". Exits non-zero on any
# failure, and when a test program reports fewer checks than expected (a suite that
# silently stops running fails).
set -uo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
LIBDIR="$TARGET/release"
HERE="$ROOT/tests/c"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

CFLAGS=(-std=c99 -Wall -Wextra -Werror -pedantic -I"$ROOT/include" -I"$HERE")
CXXFLAGS=(-std=c++17 -Wall -Wextra -Werror -pedantic -pthread -I"$ROOT/include" -I"$HERE")
LINK=(-L"$LIBDIR" -ltraceability -Wl,-rpath,"$LIBDIR")
VALGRIND=(valgrind --quiet --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect)
SANITIZE=(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)

passed=0
failed=0
programs=0

report_failure() {
    failed=$((failed + 1))
    echo "FAIL $1"
    sed 's/^/    /' "$OUT/log"
}

# step NAME COMMAND...: one check that COMMAND succeeds.
step() {
    local name=$1
    shift
    if "$@" >"$OUT/log" 2>&1; then
        passed=$((passed + 1))
        echo "ok   $name"
    else
        report_failure "$name"
    fi
}

# run_checks NAME MIN_CHECKS COMMAND...: runs a test program, adds its own check counts
# ("CHECKS passed=P failed=F"), and fails unless it exits 0 with at least MIN_CHECKS.
run_checks() {
    local name=$1 min=$2 rc line p=0 f=0
    shift 2
    programs=$((programs + 1))
    "$@" >"$OUT/log" 2>&1
    rc=$?
    line=$(grep -E '^CHECKS passed=[0-9]+ failed=[0-9]+$' "$OUT/log" | tail -n 1)
    if [[ $line =~ passed=([0-9]+)\ failed=([0-9]+) ]]; then
        p=${BASH_REMATCH[1]}
        f=${BASH_REMATCH[2]}
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    if [[ $rc -ne 0 || -z $line || $p -lt $min || $f -ne 0 ]]; then
        report_failure "$name (exit $rc; $p checks passed, $f failed; at least $min expected)"
    else
        echo "ok   $name ($p checks)"
    fi
}

compile_sanitized() {
    gcc "${CFLAGS[@]}" "${SANITIZE[@]}" "$HERE/scenario.c" -o "$OUT/scenario_asan" "${LINK[@]}" &&
        gcc "${CFLAGS[@]}" "${SANITIZE[@]}" "$HERE/nulls.c" -o "$OUT/nulls_asan" "${LINK[@]}"
}

# The C program in traceability-ffi/README.md, between "```c" and "```".
extract_readme_example() {
    awk '/^```c$/ {inside = 1; next} /^```$/ {inside = 0} inside' "$ROOT/traceability-ffi/README.md" >"$OUT/readme.c"
    [[ -s $OUT/readme.c ]]
}

step "cargo build --release -p traceability-ffi" \
    cargo build --release --quiet -p traceability-ffi --manifest-path "$ROOT/Cargo.toml"
step "header compiles as strict C89" gcc -std=c89 -pedantic-errors -Wall -Wextra -Werror -fsyntax-only -I"$ROOT/include" "$HERE/c89.c"
step "header compiles as strict C++98" g++ -x c++ -std=c++98 -pedantic-errors -Wall -Wextra -Werror -fsyntax-only -I"$ROOT/include" "$HERE/c89.c"
step "compile scenario.c" gcc "${CFLAGS[@]}" "$HERE/scenario.c" -o "$OUT/scenario" "${LINK[@]}"
step "compile nulls.c" gcc "${CFLAGS[@]}" "$HERE/nulls.c" -o "$OUT/nulls" "${LINK[@]}"
step "compile scenario.cpp" g++ "${CXXFLAGS[@]}" "$HERE/scenario.cpp" -o "$OUT/scenario_cpp" "${LINK[@]}"
step "compile scenario.c against the static library" \
    gcc "${CFLAGS[@]}" "$HERE/scenario.c" -o "$OUT/scenario_static" "$LIBDIR/libtraceability.a" -lpthread -ldl -lm
step "compile scenario.c and nulls.c with ASan+UBSan" compile_sanitized
step "extract the README example" extract_readme_example
step "compile the README example" gcc "${CFLAGS[@]}" "$OUT/readme.c" -o "$OUT/readme" "${LINK[@]}"
step "run the README example under valgrind" "${VALGRIND[@]}" "$OUT/readme"

# The installed library (scripts/install-c.sh): the README program built with pkg-config
# and with CMake's find_package against the install prefix.
install_prefix() {
    bash "$ROOT/scripts/install-c.sh" "$OUT/prefix" >/dev/null
}
build_with_pkg_config() {
    # shellcheck disable=SC2046
    gcc -std=c99 "$OUT/readme.c" -o "$OUT/readme_pc" \
        $(PKG_CONFIG_PATH="$OUT/prefix/lib/pkgconfig" pkg-config --cflags --libs traceability) \
        -Wl,-rpath,"$OUT/prefix/lib" && "$OUT/readme_pc"
}
build_with_cmake() {
    cmake -S "$HERE/cmake" -B "$OUT/cmake" -DCMAKE_PREFIX_PATH="$OUT/prefix" -DPROGRAM="$OUT/readme.c" &&
        cmake --build "$OUT/cmake" && "$OUT/cmake/program"
}
step "install into a prefix (scripts/install-c.sh)" install_prefix
step "the README example with pkg-config against the install" build_with_pkg_config
step "the README example with CMake find_package against the install" build_with_cmake

run_checks "scenario.c under valgrind" 568 "${VALGRIND[@]}" "$OUT/scenario" "$OUT/scenario.db"
run_checks "nulls.c under valgrind" 887 "${VALGRIND[@]}" "$OUT/nulls"
run_checks "scenario.cpp (RAII, threads, refresh, checkpoints) under valgrind" 68 "${VALGRIND[@]}" "$OUT/scenario_cpp" "$OUT/cpp.db"
run_checks "scenario.c, static library" 568 "$OUT/scenario_static" "$OUT/static.db"
run_checks "scenario.c under ASan+UBSan" 568 env ASAN_OPTIONS=detect_leaks=1 "$OUT/scenario_asan" "$OUT/asan.db"
run_checks "nulls.c under ASan+UBSan" 887 env ASAN_OPTIONS=detect_leaks=1 "$OUT/nulls_asan"

# Trace, recall (recorded recalls, tr_recall_as, tr_recalls_json) and hold (issue 3),
# with their NULL cases: tests/c/trace.c.
step "compile trace.c" gcc "${CFLAGS[@]}" "$HERE/trace.c" -o "$OUT/trace" "${LINK[@]}"
step "compile trace.c with ASan+UBSan" gcc "${CFLAGS[@]}" "${SANITIZE[@]}" "$HERE/trace.c" -o "$OUT/trace_asan" "${LINK[@]}"
run_checks "trace.c under valgrind" 320 "${VALGRIND[@]}" "$OUT/trace"
run_checks "trace.c under ASan+UBSan" 320 env ASAN_OPTIONS=detect_leaks=1 "$OUT/trace_asan"

# Hostile input (issue 9): never TR_ERR_PANIC, typed errors, state unchanged:
# tests/c/hostile.c. (RUST_BACKTRACE=0: a caught panic, should one happen, logs one line.)
step "compile hostile.c" gcc "${CFLAGS[@]}" "$HERE/hostile.c" -o "$OUT/hostile" "${LINK[@]}"
step "compile hostile.c with ASan+UBSan" gcc "${CFLAGS[@]}" "${SANITIZE[@]}" "$HERE/hostile.c" -o "$OUT/hostile_asan" "${LINK[@]}"
run_checks "hostile.c under valgrind" 392 env RUST_BACKTRACE=0 "${VALGRIND[@]}" "$OUT/hostile" "$OUT/hostile.db"
run_checks "hostile.c under ASan+UBSan" 392 env RUST_BACKTRACE=0 ASAN_OPTIONS=detect_leaks=1 "$OUT/hostile_asan" "$OUT/hostile_asan.db"

# The audit trail (issue 9): checkpoints, tr_verify_against (truncated, rewritten, wrong
# key), open flags, a log with an altered body salvaged read-only, tr_last_error_json
# (the boundary's failures and the core's typed fields): tests/c/audit.c.
step "compile audit.c" gcc "${CFLAGS[@]}" "$HERE/audit.c" -o "$OUT/audit" "${LINK[@]}"
step "compile audit.c with ASan+UBSan" gcc "${CFLAGS[@]}" "${SANITIZE[@]}" "$HERE/audit.c" -o "$OUT/audit_asan" "${LINK[@]}"
run_checks "audit.c under valgrind" 255 "${VALGRIND[@]}" "$OUT/audit" "$OUT/audit"
run_checks "audit.c under ASan+UBSan" 255 env ASAN_OPTIONS=detect_leaks=1 "$OUT/audit_asan" "$OUT/audit_asan"

EXPECTED_PROGRAMS=12
if [[ $programs -ne $EXPECTED_PROGRAMS ]]; then
    echo "FAIL ran $programs test programs, expected $EXPECTED_PROGRAMS"
    failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
