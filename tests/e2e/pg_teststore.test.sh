#!/bin/bash
# pg_teststore - HD_TEST_STORE=pg, what runs the e2e suite on PostgreSQL
# (tests/e2e/lib/pgstore.sh): a test's `"$HD" ... init` makes its
# instance on a new PostgreSQL database (no helpdesk.db), each instance
# on its own; lib.sh's sql reads the store the instance has; the test's
# own server starts at its first init and is gone when the test ends,
# also when it fails; on a server shared by a pass (HD_TEST_PG_URL) the
# databases a test made are dropped after it.  Without HD_TEST_STORE the
# same test runs on SQLite.
source "$(dirname "$0")/lib.sh"
source "$HD_SRC/tests/lib/pg.sh"
pg_init

cat >"$T/child.sh" <<'CHILD'
source "$HD_SRC/tests/e2e/lib.sh"
echo "T=$T"
echo "STARTED=$(ls "$T/pgstore/pg1" 2>/dev/null | wc -l)"
"$HD" --data "$T/a" --profile test init >/dev/null
"$HD" --data "$T/b" init >/dev/null
echo "A=$(store_url "$T/a")"
echo "B=$(store_url "$T/b")"
echo "FILE=$(ls "$T/a/helpdesk.db" 2>/dev/null | wc -l)"
"$HD" --data "$T/a" calendar add-closure 2027-01-04 2027-01-05 extra >/dev/null
echo "Q=$(sql "$T/a" "SELECT name FROM calendar_closure WHERE name = 'extra'")|$(sql "$T/b" "SELECT count(*) FROM calendar_closure WHERE name = 'extra'")"
[ -f "$T/pgstore/pg1/data/postmaster.pid" ] &&
    echo "PID=$(head -n 1 "$T/pgstore/pg1/data/postmaster.pid")"
[ -z "${CHILD_FAIL:-}" ] || fail "failing on purpose"
CHILD

# child OUT [ENV...]: runs the child test with ENV; its exit code in RC.
child() {
    local out=$1
    shift
    set +e
    env -u HD_TEST_STORE -u HD_TEST_PG_URL -u HD_TEST_PG_DIR \
        -u HD_TEST_PG_REAL "$@" bash "$T/child.sh" >"$T/$out" 2>&1
    RC=$?
    set -e
}
val() { sed -n "s/^$2=//p" "$T/$1" | head -n 1; }

child sqlite.out
[ "$RC" = 0 ] || fail "the child test passes on SQLite: $(tail -n 5 "$T/sqlite.out")"
pass "the child test passes on SQLite"
assert_eq "||1|extra|0" "$(val sqlite.out A)|$(val sqlite.out B)|$(val sqlite.out FILE)|$(val sqlite.out Q)" \
    "without HD_TEST_STORE: helpdesk.db, no store.url, sql reads it"

child pg.out HD_TEST_STORE=pg
[ "$RC" = 0 ] || fail "the child test passes on PostgreSQL: $(tail -n 5 "$T/pg.out")"
pass "the child test passes on PostgreSQL"
a=$(val pg.out A)
b=$(val pg.out B)
assert_contains "$a" "postgresql://" "init under HD_TEST_STORE=pg writes store.url"
[ "$a" != "$b" ] || fail "two instances share one database: $a"
pass "each instance gets its own database"
assert_eq "0|0|extra|0" "$(val pg.out STARTED)|$(val pg.out FILE)|$(val pg.out Q)" \
    "no server before the first init, no helpdesk.db, sql reads PostgreSQL"
pid=$(val pg.out PID)
[ -n "$pid" ] || fail "the child saw no server of its own"
kill -0 "$pid" 2>/dev/null && fail "the server $pid outlived its test"
pass "the test's own server is gone after it"
[ ! -d "$(val pg.out T)" ] || fail "the passing test's directory was kept"

child fail.out HD_TEST_STORE=pg CHILD_FAIL=1
[ "$RC" -ne 0 ] || fail "the child did not fail"
pid=$(val fail.out PID)
[ -n "$pid" ] || fail "the failing child saw no server: $(cat "$T/fail.out")"
kill -0 "$pid" 2>/dev/null && fail "the server $pid outlived its failed test"
pass "the server is gone also after a failing test"
rm -rf "$(val fail.out T)"

# One server shared by a pass.
pg_start_primary
child shared.out HD_TEST_STORE=pg HD_TEST_PG_URL="$PG_URL"
[ "$RC" = 0 ] || fail "the child test passes on a shared server: $(tail -n 5 "$T/shared.out")"
pass "the child test passes on a shared server"
assert_contains "$(val shared.out A)" "@127.0.0.1:$PG_PORT/hd_" \
    "the instance's database is on the shared server"
assert_eq "|extra|0" "$(val shared.out PID)|$(val shared.out Q)" \
    "no server of its own, sql reads the shared one"
assert_eq 0 "$(pg_sql "$PG_URL" "SELECT count(*) FROM pg_database WHERE datname LIKE 'hd\_%'")" \
    "the test's databases are dropped after it"

child bad.out HD_TEST_STORE=mysql
[ "$RC" -ne 0 ] || fail "HD_TEST_STORE=mysql was accepted"
assert_contains "$(cat "$T/bad.out")" "HD_TEST_STORE=mysql" "an unknown store is refused by name"
