#!/bin/bash
# pg_prepare - every statement of the store prepares on PostgreSQL: each
# string table of helpdesk/store/store_*.c, after the preprocessor and the
# driver's translation (tests/lib/pg_prepare.py, which a reader can run by
# hand), is prepared on a fresh database with schema/pg/*.sql applied.
# The few statements that are not for PostgreSQL are named in the
# script's KNOWN list (and printed as skipped); SQLite twins of
# store_stmt_alt() pairs are skipped and their PostgreSQL slots checked.
source "$(dirname "$0")/lib.sh"
source "$HD_SRC/tests/lib/pg.sh"
pg_init
pg_fresh_db DB
for f in "$HD_SRC"/helpdesk/store/schema/pg/*.sql; do
    "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -1 -d "$DB" -f "$f" \
        >/dev/null 2>"$T/apply.err" ||
        fail "applying $(basename "$f"): $(cat "$T/apply.err")"
done

# The include directories the build compiles the store with.
flags="$HD_BIN/helpdesk/CMakeFiles/helpdesk_core.dir/flags.make"
INC=()
if [ -f "$flags" ]; then
    read -r -a words <<<"$(sed -n 's/^C_INCLUDES = //p' "$flags")"
    for w in "${words[@]}"; do INC+=("--cpp=$w"); done
fi
if [ ${#INC[@]} -eq 0 ]; then
    for l in base store core desk data; do INC+=("-I$HD_SRC/helpdesk/$l"); done
fi
CHECK=(python3 "$HD_SRC/tests/lib/pg_prepare.py" "${INC[@]}" --url "$DB")

set +e
"${CHECK[@]}" "$HD_SRC"/helpdesk/store/store_*.c >"$T/out" 2>&1
rc=$?
set -e
grep '^SKIP' "$T/out" || true
if [ "$rc" -ne 0 ]; then
    grep -v '^SKIP' "$T/out" >&2
    fail "statements that do not prepare on PostgreSQL (file table[slot]: message)"
fi
summary=$(tail -n 1 "$T/out")
n=$(sed -n 's/^pg_prepare: \([0-9]*\) prepared, 0 failed.*/\1/p' <<<"$summary")
[ "${n:-0}" -gt 300 ] || fail "too few statements read: $summary"
pass "$summary"

# The check fails on an SQLite-only statement, and names it.
cp "$HD_SRC/helpdesk/store/store_view.c" "$T/store_planted.c"
cat >>"$T/store_planted.c" <<'EOF'
static const char *const planted[] = {
    [0] = "INSERT OR IGNORE INTO user(email) VALUES (?1)",
};
EOF
set +e
"${CHECK[@]}" "$T/store_planted.c" >"$T/planted" 2>&1
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "a planted SQLite-only statement passed: $(cat "$T/planted")"
assert_contains "$(cat "$T/planted")" "FAIL store_planted.c planted[0]: ERROR:  syntax error at or near \"OR\"" \
    "a planted SQLite-only statement fails with its file, slot and message"

# A parameter PostgreSQL cannot type fails too.
cp "$HD_SRC/helpdesk/store/store_view.c" "$T/store_untyped.c"
cat >>"$T/store_untyped.c" <<'EOF'
static const char *const untyped[] = {
    [0] = "SELECT id FROM ticket WHERE ?1 IS NULL OR id > 0",
};
EOF
set +e
"${CHECK[@]}" "$T/store_untyped.c" >"$T/untyped" 2>&1
set -e
assert_contains "$(cat "$T/untyped")" "could not determine data type of parameter \$1" \
    "an untyped parameter fails"

# The translation is the driver's: ?N outside quotes and comments,
# LIMIT -1, INDEXED BY / NOT INDEXED.
got=$(PYTHONPATH="$HD_SRC/tests/lib" python3 -c '
import pg_prepare as p
print(p.translate("SELECT ?1, '"'"'?2'"'"', \"?3\" -- ?4\n/* ?5 */ FROM t INDEXED BY t_x NOT INDEXED WHERE a = ?12 LIMIT -1"))')
assert_eq "SELECT \$1, '?2', \"?3\" -- ?4
/* ?5 */ FROM t   WHERE a = \$12 LIMIT ALL" "$got" \
    "the check translates as the driver does"
