# Sourced by scripts/test.sh: makes sure TRACEABILITY_TEST_PG_URL names a PostgreSQL
# server for the store tests. Kept when already set; else the local server at
# 127.0.0.1:5432 (user postgres, database test) when it answers; else Debian's
# `postgresql` is installed when missing and a throwaway cluster is started on a unix
# socket under target/pg (stopped when the calling script exits).
# TRACEABILITY_TEST_PG=throwaway forces the throwaway cluster.

pg_local_answers() {
    (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null
}

pg_throwaway() {
    local bin dir run_as=()
    bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    if [ -z "$bin" ]; then
        echo "== installing Debian's postgresql for the store tests"
        local sudo_cmd=""
        [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
        $sudo_cmd apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq postgresql >/dev/null
        bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
    fi
    dir="$CARGO_TARGET_DIR/pg"
    rm -rf "$dir"
    mkdir -p "$dir"
    local user
    user="$(id -un)"
    if [ "$(id -u)" -eq 0 ]; then # PostgreSQL refuses to run as root
        user=postgres
        chown postgres "$dir"
        run_as=(runuser -u postgres --)
    fi
    "${run_as[@]}" "$bin/initdb" -D "$dir/data" -U "$user" --auth=trust >/dev/null
    "${run_as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
        -o "-c listen_addresses='' -k $dir" start >/dev/null
    PG_THROWAWAY_STOP=("${run_as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop)
    trap '"${PG_THROWAWAY_STOP[@]}" >/dev/null 2>&1 || true' EXIT
    export TRACEABILITY_TEST_PG_URL="postgresql://$user@localhost/postgres?host=$dir"
}

if [ -z "${TRACEABILITY_TEST_PG_URL:-}" ]; then
    if [ "${TRACEABILITY_TEST_PG:-}" != throwaway ] && pg_local_answers; then
        export TRACEABILITY_TEST_PG_URL="postgresql://postgres@127.0.0.1:5432/test"
    else
        pg_throwaway
    fi
fi
echo "== PostgreSQL for the store tests: $TRACEABILITY_TEST_PG_URL"
