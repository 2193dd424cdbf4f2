#!/bin/bash
# pg_search - the agents' ticket search and the FAQ search give the same
# answers on PostgreSQL as on SQLite, through the store's own C functions:
# tests/unit/test_search_engines.c fills a SQLite store and a PostgreSQL
# store (a fresh database on a private server) by the same calls and
# compares every answer (articles, tickets page by page under both
# plans, counts).  Without the server that program skips; here it must
# run.
source "$(dirname "$0")/lib.sh"
source "$HD_SRC/tests/lib/pg.sh"
pg_init
pg_fresh_db DB
prog="$HD_BIN/tests/test_search_engines"
[ -x "$prog" ] || fail "no $prog"
set +e
HD_PG_URL="$DB" TZ=UTC "$prog" >"$T/out" 2>&1
rc=$?
set -e
cat "$T/out"
[ "$rc" -ne 77 ] || fail "the comparison skipped although HD_PG_URL is set"
[ "$rc" -eq 0 ] || fail "the comparison failed (exit $rc): an answer differs, or a statement does not run on PostgreSQL"
grep -q "PASSED.*3 test" "$T/out" || fail "not every comparison ran"
assert_eq t "$(pg_sql "$DB" "SELECT count(*) > 400 FROM ticket_text")" \
    "the PostgreSQL store was really searched (its index has the tickets)"
pass "the same FAQ articles and agents' tickets on SQLite and PostgreSQL"
