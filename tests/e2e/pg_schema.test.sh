#!/bin/bash
# pg_schema - the PostgreSQL schema (helpdesk/store/schema/pg/) and the
# SQLite one (helpdesk/store/schema/, as `helpdesk init` applies it) have
# the same files, tables and columns, each column the same type class
# (integer, text, blob, real), and the same named indexes.  SQLite's
# full-text tables count by their visible columns (text); their
# PostgreSQL twins hold tsvector (text) and name SQLite's implicit rowid
# as a column, which is not counted.
source "$(dirname "$0")/lib.sh"
source "$HD_SRC/tests/lib/pg.sh"
pg_init
pg_start_primary
DB=$(pg_createdb schema)

# Same migration files, by number and name.
assert_eq "$(cd "$HD_SRC/helpdesk/store/schema" && ls -- *.sql)" \
    "$(cd "$HD_SRC/helpdesk/store/schema/pg" && ls -- *.sql)" \
    "every SQLite migration has its PostgreSQL file of the same name"

for f in "$HD_SRC"/helpdesk/store/schema/pg/*.sql; do
    "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -1 -d "$DB" -f "$f" \
        >/dev/null 2>"$T/apply.err" ||
        fail "applying $(basename "$f"): $(cat "$T/apply.err")"
done
pass "all PostgreSQL migrations apply, each in one transaction"

I="$T/inst"
# helpdesk itself, not $HD: this instance is on SQLite also under
# HD_TEST_STORE=pg.
"$HD_BIN/helpdesk/helpdesk" --data "$I" init --profile test >/dev/null
SQ="$I/helpdesk.db"

# "table column class" lines of the SQLite database: tables, FTS5 and
# fts5vocab tables (not FTS5's own shadow tables), views.
sqlite_columns() { # DBFILE
    python3 - "$1" <<'PY' | LC_ALL=C sort
import re, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
objs = db.execute("SELECT name, type, sql FROM sqlite_schema WHERE type IN "
                  "('table', 'view') AND name NOT LIKE 'sqlite_%'").fetchall()
virtual = {n: sql for n, t, sql in objs
           if sql and sql.upper().startswith('CREATE VIRTUAL TABLE')}
shadow = {v + s for v in virtual
          for s in ('_data', '_idx', '_content', '_docsize', '_config')}
VOCAB = {'row': ['term', 'doc', 'cnt'], 'col': ['term', 'col', 'doc', 'cnt'],
         'instance': ['term', 'doc', 'col', 'offset']}
def cls(t):
    t = t.upper()
    if 'INT' in t: return 'integer'
    if t in ('TEXT', ''): return 'text'
    if t == 'BLOB': return 'blob'
    if t in ('REAL', 'DOUBLE', 'FLOAT'): return 'real'
    return 'other:' + t
for name, typ, sql in objs:
    if name in shadow:
        continue
    if name in virtual:
        # The tokenizer lives in the program: read the columns from the
        # declaration (fts5: the arguments without '='; fts5vocab: fixed).
        m = re.search(r'USING\s+(\w+)\s*\((.*)\)\s*$', sql, re.S)
        module, args = m.group(1).lower(), [a.strip() for a in m.group(2).split(',')]
        if module == 'fts5':
            cols = [a for a in args if '=' not in a]
        else:
            cols = VOCAB[args[-1].strip("'\"")]
        for c in cols:
            print(name, c, 'text' if c in ('term',) or module == 'fts5' else 'integer')
        continue
    for _, c, t, *_ in db.execute('SELECT * FROM pragma_table_info(?)', (name,)):
        print(name, c, cls(t))
PY
}

pg_columns() { # URL
    pg_sql "$1" "
      SELECT table_name || ' ' || column_name || ' ' ||
             CASE WHEN data_type IN ('bigint', 'integer', 'smallint') THEN 'integer'
                  WHEN data_type IN ('text', 'tsvector') THEN 'text'
                  WHEN data_type = 'bytea' THEN 'blob'
                  WHEN data_type IN ('double precision', 'real') THEN 'real'
                  ELSE 'other:' || data_type END
      FROM information_schema.columns
      WHERE table_schema = 'public' AND column_name <> 'rowid'" | LC_ALL=C sort
}

compare() { # SQLITE-DB PG-URL: prints the differences, fails if any
    sqlite_columns "$1" >"$T/sqlite.cols"
    pg_columns "$2" >"$T/pg.cols"
    diff "$T/sqlite.cols" "$T/pg.cols"
}

[ "$(sqlite_columns "$SQ" | wc -l)" -gt 300 ] || fail "too few SQLite columns read"
if ! compare "$SQ" "$DB" >"$T/diff"; then
    cat "$T/diff" >&2
    fail "schemas differ (< SQLite, > PostgreSQL)"
fi
pass "$(wc -l <"$T/pg.cols") columns in $(cut -d' ' -f1 "$T/pg.cols" | sort -u | wc -l) tables and views match"

# The same named indexes (unique constraints and primary keys aside,
# which the column definitions carry); PostgreSQL adds the GIN indexes of
# its search tables (*_match), where FTS5 keeps its own.
idx_sqlite() { sqlite3 "$1" "SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL" | LC_ALL=C sort; }
idx_pg() { pg_sql "$1" "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexname NOT LIKE '%\_pkey' AND indexname NOT LIKE '%\_key' AND indexname NOT LIKE '%\_match'" | LC_ALL=C sort; }
assert_eq "$(idx_sqlite "$SQ")" "$(idx_pg "$DB")" "the same $(idx_pg "$DB" | wc -l) named indexes on both"
pg_sql "$DB" "CREATE INDEX only_here ON ticket(subject)"
[ "$(idx_sqlite "$SQ")" != "$(idx_pg "$DB")" ] || fail "an index on one side only is not seen"
pass "an index on one side only is seen"
pg_sql "$DB" "DROP INDEX only_here"

# The comparison sees a column added on one side only, either side, and a
# changed type class.
cp "$SQ" "$T/extra.db"
sqlite3 "$T/extra.db" "ALTER TABLE ticket ADD COLUMN extra INTEGER"
! compare "$T/extra.db" "$DB" >"$T/diff" || fail "SQLite-only column not seen"
assert_eq "< ticket extra integer" "$(grep '^[<>]' "$T/diff")" "a column only on SQLite fails the comparison"
pg_sql "$DB" "ALTER TABLE ticket ADD COLUMN extra text"
! compare "$SQ" "$DB" >"$T/diff" || fail "PostgreSQL-only column not seen"
assert_eq "> ticket extra text" "$(grep '^[<>]' "$T/diff")" "a column only on PostgreSQL fails the comparison"
! compare "$T/extra.db" "$DB" >"$T/diff" || fail "type class change not seen"
assert_contains "$(cat "$T/diff")" "< ticket extra integer" "a column of another type class fails the comparison"
pg_sql "$DB" "ALTER TABLE ticket DROP COLUMN extra"

# The functions the shared store SQL relies on.
assert_eq "a,b|a;b|3|2|5" "$(pg_sql "$DB" "SELECT group_concat(x), group_concat(x, ';'), instr('abc', 'c'), min(2, 5), max(2, 5) FROM (VALUES ('a'), ('b')) v(x)")" \
    "group_concat, instr and scalar min/max behave as in SQLite"
pg_sql "$DB" "INSERT INTO \"user\"(email, name, role, created_at) VALUES ('Agent@Example.COM', 'a', 'agent', 1)"
assert_eq 1 "$(pg_sql "$DB" "SELECT count(*) FROM \"user\" WHERE email = 'agent@example.com'")" \
    "NOCASE columns compare without case"
set +e
out=$("$PG_BIN/psql" -X -Atq -v ON_ERROR_STOP=1 -d "$DB" -c "INSERT INTO \"user\"(email, name, role, created_at) VALUES ('AGENT@example.com', 'b', 'agent', 1)" 2>&1)
set -e
assert_contains "$out" "duplicate key" "NOCASE unique columns refuse a case variant"
g0=$(pg_sql "$DB" "SELECT tickets FROM agent_generation")
pg_sql "$DB" "INSERT INTO ticket(number, subject, created_at, updated_at) VALUES (10001, 's', 1, 1)"
assert_eq "$((g0 + 1))" "$(pg_sql "$DB" "SELECT tickets FROM agent_generation")" \
    "generation rows move with the writes (triggers)"
pg_sql "$DB" "INSERT INTO event(ticket_id, at, actor, kind) SELECT id, 1, 'cli', 'created' FROM ticket"
set +e
out=$("$PG_BIN/psql" -X -Atq -v ON_ERROR_STOP=1 -d "$DB" -c "UPDATE event SET detail = 'x'" 2>&1)
set -e
assert_contains "$out" "append-only" "history stays append-only"

# After rows written with their ids, hd_identity_sync() moves the id
# sequences past them (an empty table starts at 1 again).
pg_sql "$DB" "INSERT INTO \"user\"(id, email, name, role, created_at) VALUES (40, 'x@example.com', 'x', 'agent', 1)"
pg_sql "$DB" "SELECT hd_identity_sync()" >/dev/null
assert_eq 41 "$(pg_sql "$DB" "INSERT INTO \"user\"(email, name, role, created_at) VALUES ('y@example.com', 'y', 'agent', 1) RETURNING id")" \
    "hd_identity_sync: the next id follows the largest"
assert_eq 1 "$(pg_sql "$DB" "INSERT INTO org(name, created_at) VALUES ('o', 1) RETURNING id")" \
    "hd_identity_sync: an empty table starts at 1"
