# pgstore.sh - HD_TEST_STORE=pg for the e2e tests (sourced by lib.sh):
# every instance a test makes with `"$HD" ... init` gets its store on a
# new PostgreSQL database instead of DIR/helpdesk.db, with no change to
# the test.  $HD becomes lib/helpdesk-pg, which adds `--store URL` to
# init and runs every other command unchanged.
#
# The server: HD_TEST_PG_URL (the admin URL of a running server, database
# "postgres", as scripts/test-pg.sh starts one for a whole ctest pass),
# else one started here for this test from tests/lib/pg.sh in
# $T/pgstore (fsync off: it holds test data, not durability promises)
# and stopped on exit, also on failure.  Databases made on a shared
# server are dropped when the test ends.

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
_hd_pg_dblist="$T/pgstore/databases"
mkdir -p "$T/pgstore"
chmod 755 "$T/pgstore"
: >"$_hd_pg_dblist"

if [ -n "${HD_TEST_PG_URL:-}" ]; then
    HD_TEST_PG_ADMIN=$HD_TEST_PG_URL
    _hd_pg_drop() {
        local db
        while read -r db; do
            "$PG_BIN/psql" -X -Atq -d "$HD_TEST_PG_ADMIN" \
                -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
        done <"$_hd_pg_dblist"
    }
    on_exit _hd_pg_drop
else
    # Started in a subshell so that a test which sources tests/lib/pg.sh
    # itself keeps its own servers and variables apart from this one.
    _hd_pg_stop() {
        local d="$T/pgstore/pg1/data" pid
        [ -f "$d/postmaster.pid" ] || return 0
        pid=$(head -n 1 "$d/postmaster.pid")
        if [ "$(id -u)" -eq 0 ]; then
            runuser -u "${PG_OSUSER:-hdtest}" -- "$PG_BIN/pg_ctl" -D "$d" \
                -m immediate -w -t 20 stop >/dev/null 2>&1 || true
        else
            "$PG_BIN/pg_ctl" -D "$d" -m immediate -w -t 20 stop >/dev/null 2>&1 || true
        fi
        kill -9 "$pid" 2>/dev/null || true
    }
    on_exit _hd_pg_stop
    HD_TEST_PG_ADMIN=$(
        T="$T/pgstore"
        source "$HD_SRC/tests/lib/pg.sh"
        PG_FSYNC=off
        pg_init
        pg_start_primary
        echo "$PG_URL"
    ) || fail "HD_TEST_STORE=pg: the PostgreSQL server did not start"
fi
export HD_TEST_PG_ADMIN HD_TEST_PG_REAL="$HD" HD_TEST_PG_DBLIST="$_hd_pg_dblist"
HD="$HD_SRC/tests/e2e/lib/helpdesk-pg"
