#!/usr/bin/env bash
# Builds the C library in release and installs it under PREFIX (default /usr/local):
#   PREFIX/include/traceability.h, traceability.hpp (the C++ RAII wrapper)
#   PREFIX/lib/libtraceability.so, libtraceability.a
#   PREFIX/lib/pkgconfig/traceability.pc            (pkg-config --cflags --libs traceability)
#   PREFIX/lib/cmake/traceability/traceabilityConfig.cmake, ...ConfigVersion.cmake
#                                                     (find_package(traceability))
# Usage: scripts/install-c.sh [PREFIX]. Honours CARGO_TARGET_DIR.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PREFIX="$(mkdir -p "${1:-/usr/local}" && cd "${1:-/usr/local}" && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
VERSION="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$ROOT/Cargo.toml" | head -n 1)"

cargo build --release --quiet -p traceability-ffi --manifest-path "$ROOT/Cargo.toml"
install -d "$PREFIX/include" "$PREFIX/lib/pkgconfig" "$PREFIX/lib/cmake/traceability"
install -m 644 "$ROOT/include/traceability.h" "$ROOT/include/traceability.hpp" "$PREFIX/include/"
install -m 755 "$TARGET/release/libtraceability.so" "$PREFIX/lib/"
install -m 644 "$TARGET/release/libtraceability.a" "$PREFIX/lib/"
sed -e "s|@PREFIX@|$PREFIX|" -e "s|@VERSION@|$VERSION|" "$ROOT/traceability-ffi/traceability.pc.in" \
    >"$PREFIX/lib/pkgconfig/traceability.pc"
install -m 644 "$ROOT/traceability-ffi/traceabilityConfig.cmake.in" \
    "$PREFIX/lib/cmake/traceability/traceabilityConfig.cmake"
cat >"$PREFIX/lib/cmake/traceability/traceabilityConfigVersion.cmake" <<CMAKE
set(PACKAGE_VERSION "$VERSION")
if(PACKAGE_FIND_VERSION VERSION_GREATER PACKAGE_VERSION)
    set(PACKAGE_VERSION_COMPATIBLE FALSE)
else()
    set(PACKAGE_VERSION_COMPATIBLE TRUE)
    if(PACKAGE_FIND_VERSION STREQUAL PACKAGE_VERSION)
        set(PACKAGE_VERSION_EXACT TRUE)
    endif()
endif()
CMAKE
echo "installed traceability $VERSION under $PREFIX"
