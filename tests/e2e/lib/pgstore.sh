# pgstore.sh - HD_TEST_STORE=pg for the e2e tests (sourced by lib.sh):
# every instance a test makes with `"$HD" ... init` gets its store on a
# new PostgreSQL database instead of DIR/helpdesk.db, with no change to
# the test.  $HD becomes lib/helpdesk-pg, which adds `--store URL` to
# init and runs every other command unchanged.
#
# The server: HD_TEST_PG_URL (the admin URL of a running server, database
# "postgres", as scripts/test-pg.sh starts one for a whole ctest pass),
# else the test's own, started from tests/lib/pg.sh in $T/pgstore by its
# first init (fsync off: it holds test data, not durability promises).
# On exit, also on failure: the test's own server is stopped, or the
# databases it made on the shared one are dropped.

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
HD_TEST_PG_DIR="$T/pgstore"
mkdir -p "$HD_TEST_PG_DIR"
chmod 755 "$HD_TEST_PG_DIR"
: >"$HD_TEST_PG_DIR/databases"

_hd_pg_teardown() {
    local d="$HD_TEST_PG_DIR/pg1/data" pid db
    if [ -n "${HD_TEST_PG_URL:-}" ]; then
        while read -r db; do
            "$PG_BIN/psql" -X -Atq -d "$HD_TEST_PG_URL" \
                -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
        done <"$HD_TEST_PG_DIR/databases"
    fi
    [ -f "$d/postmaster.pid" ] || return 0
    pid=$(head -n 1 "$d/postmaster.pid")
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u "${PG_OSUSER:-hdtest}" -- "$PG_BIN/pg_ctl" -D "$d" \
            -m immediate -w -t 20 stop >/dev/null 2>&1
    else
        "$PG_BIN/pg_ctl" -D "$d" -m immediate -w -t 20 stop >/dev/null 2>&1
    fi || kill -9 "$pid" 2>/dev/null || true
    # The pid file goes a moment before the process.
    local i
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
}
on_exit _hd_pg_teardown
export HD_TEST_PG_DIR HD_TEST_PG_REAL="$HD"
HD="$HD_SRC/tests/e2e/lib/helpdesk-pg"
