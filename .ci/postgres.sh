# A throwaway PostgreSQL server for the store's tests (Debian's packages; never the machine's own cluster).
#   source .ci/postgres.sh && pg_start && trap pg_stop EXIT   # exports NEIQIN_TEST_PG
# As root the server runs as the `postgres` user (initdb refuses root); otherwise as the caller.
# Tests run it with fsync off (a throwaway server); PG_DURABLE=1 keeps fsync on (benchmarks).

pg_run() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_start() {
    local bindir port password fsync="-c fsync=off"
    [ "${PG_DURABLE:-}" = 1 ] && fsync=""
    bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
        echo "warning: PostgreSQL is not installed; the postgres tests will be skipped" >&2
        return 1
    fi
    PG_DIR=$(mktemp -d /tmp/neiqin-pg.XXXXXX)
    export PG_DIR PG_BIN="$bindir"
    [ "$(id -u)" = 0 ] && chown postgres: "$PG_DIR"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    password=$(python3 -c 'import secrets; print(secrets.token_urlsafe(18))')
    pg_run "$bindir/initdb" -D "$PG_DIR/data" -U postgres -E UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 >"$PG_DIR/initdb.log" 2>&1 || {
        echo "warning: initdb failed (see $PG_DIR/initdb.log); the postgres tests will be skipped" >&2
        return 1
    }
    pg_run "$bindir/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
        -o "-k $PG_DIR -p $port -c listen_addresses=127.0.0.1 -c max_connections=300 $fsync" start \
        >/dev/null || {
        echo "warning: PostgreSQL did not start (see $PG_DIR/server.log); the postgres tests will be skipped" >&2
        return 1
    }
    pg_run "$bindir/psql" -h "$PG_DIR" -p "$port" -U postgres -q -v ON_ERROR_STOP=1 \
        -c "CREATE ROLE neiqin LOGIN CREATEDB PASSWORD '$password'" \
        -c "CREATE DATABASE neiqin_test OWNER neiqin" >/dev/null
    export NEIQIN_TEST_PG="postgresql+psycopg://neiqin:$password@127.0.0.1:$port/neiqin_test"
    echo "PostgreSQL $(basename "$(dirname "$bindir")") for the tests on 127.0.0.1:$port"
}

pg_stop() {
    if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
        pg_run "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
        rm -rf "$PG_DIR"
    fi
}
