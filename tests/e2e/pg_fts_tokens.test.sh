#!/bin/bash
# pg_fts_tokens - PostgreSQL's hd_fts_tsvector() (schema/pg/0002_faq.sql)
# yields, for every document of a corpus (Japanese, half-width katakana,
# mixed scripts, English, compatibility characters, over-long words), the
# same tokens at the same positions as the "cjkbigram" FTS5 tokenizer
# (helpdesk/store/store_fts.c); and the search tables' triggers index
# subjects and messages with them.
source "$(dirname "$0")/lib.sh"
source "$HD_SRC/tests/lib/pg.sh"
pg_init
pg_start_primary
DB=$(pg_createdb fts)
for f in "$HD_SRC"/helpdesk/store/schema/pg/*.sql; do
    "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -1 -d "$DB" -f "$f" >/dev/null ||
        fail "applying $(basename "$f")"
done
CORPUS="$HD_SRC/tests/e2e/data/fts_corpus.txt"

"$HD_BIN/tests/tools/hdt_fts_tokens" <"$CORPUS" >"$T/sqlite.tok"
# The same lines, each sent as hex so no quoting can change them.
{
    echo "CREATE TEMP TABLE corpus (n bigint, doc text);"
    n=0
    while IFS= read -r line || [ -n "$line" ]; do
        printf "INSERT INTO corpus VALUES (%d, convert_from(decode('%s', 'hex'), 'UTF8'));\n" \
            "$n" "$(printf '%s' "$line" | od -An -tx1 -v | tr -d ' \n')"
        n=$((n + 1))
    done <"$CORPUS"
    echo "\\copy (SELECT c.n, p - 1, e.lexeme FROM corpus c, unnest(hd_fts_tsvector(c.doc)) e, unnest(e.positions) p ORDER BY c.n, p) TO '$T/pg.tok'"
} >"$T/corpus.sql"
"$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$DB" -f "$T/corpus.sql" ||
    fail "tokenizing the corpus on PostgreSQL"

lines=$(wc -l <"$CORPUS")
[ "$(wc -l <"$T/sqlite.tok")" -gt 250 ] || fail "too few SQLite tokens"
if ! diff "$T/sqlite.tok" "$T/pg.tok" >"$T/tok.diff"; then
    cat "$T/tok.diff" >&2
    fail "tokens differ (< SQLite, > PostgreSQL)"
fi
pass "$(wc -l <"$T/pg.tok") tokens of $lines documents are the same on both"

# The searches: every query of fts_queries.txt and every document used
# as a query, built by the one query builder (store_fts_query.c) as FTS5
# for SQLite and as tsquery for PostgreSQL, find the same documents, for
# the agents' flags (all terms) and the FAQ's (a final word as a prefix,
# any term).
cat "$HD_SRC/tests/e2e/data/fts_queries.txt" "$CORPUS" >"$T/queries"
for flags in 0 3; do
    "$HD_BIN/tests/tools/hdt_fts_tokens" --match "$flags" "$T/queries" \
        <"$CORPUS" >"$T/sqlite.match"
    "$HD_BIN/tests/tools/hdt_fts_tokens" --tsquery "$flags" <"$T/queries" |
        while IFS=$'\t' read -r n q; do
            printf "INSERT INTO q VALUES (%d, convert_from(decode('%s', 'hex'), 'UTF8')::tsquery);\n" \
                "$n" "$(printf '%s' "$q" | od -An -tx1 -v | tr -d ' \n')"
        done >"$T/q.sql"
    {
        grep -v '^\\copy' "$T/corpus.sql"
        echo "CREATE TEMP TABLE q (n bigint, tsq tsquery);"
        cat "$T/q.sql"
        echo "\\copy (SELECT q.n, c.n FROM q, corpus c WHERE hd_fts_tsvector(c.doc) @@ q.tsq ORDER BY 1, 2) TO '$T/pg.match'"
    } >"$T/match.sql"
    "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$DB" -f "$T/match.sql" ||
        fail "searching on PostgreSQL (flags $flags)"
    [ "$(wc -l <"$T/sqlite.match")" -gt 100 ] || fail "too few SQLite matches"
    if ! diff "$T/sqlite.match" "$T/pg.match" >"$T/match.diff"; then
        cat "$T/match.diff" >&2
        fail "searches differ (flags $flags; < SQLite, > PostgreSQL; query line, document line)"
    fi
    pass "$(wc -l <"$T/pg.match") matches of $(wc -l <"$T/queries") queries are the same on both (flags $flags)"
done

# Query tokens: a one-character run keeps its unigram, a longer run not.
assert_eq '{障害,害が,障}' "$(pg_sql "$DB" "SELECT hd_fts_tokens('障害が 障', true)")" \
    "query tokens drop the trailing unigram of longer runs only"

# The triggers: a ticket's subject and its messages land in ticket_text
# under (ticket << 32) | part; automatic mail stays out; a changed body
# is indexed anew; a deleted ticket leaves nothing.
pg_sql "$DB" "INSERT INTO ticket(id, number, subject, created_at, updated_at)
              VALUES (7, 10007, 'ｻｰﾊﾞｰ障害', 1, 1)"
pg_sql "$DB" "INSERT INTO message(id, ticket_id, kind, message_id, body_text,
              auto_reply, created_at) VALUES
              (3, 7, 'inbound', 'a@x', 'ログインできない', 0, 1),
              (4, 7, 'outbound', 'b@x', '自動応答です', 1, 1)"
q() { pg_sql "$DB" "SELECT string_agg((rowid >> 32) || ':' || (rowid & 4294967295), ' ' ORDER BY rowid) FROM ticket_text WHERE body @@ '$1'::tsquery"; }
assert_eq "7:0" "$(q 'サー <-> ーバ')" "half-width subject found by its full-width bigrams"
assert_eq "7:3" "$(q 'グイ')" "message body found under (ticket << 32) | message id"
assert_eq "" "$(q '自動')" "automatic mail is not indexed"
pg_sql "$DB" "UPDATE message SET body_text = 'パスワード' WHERE id = 3"
assert_eq "" "$(q 'グイ')" "old body gone after an update"
assert_eq "7:3" "$(q 'パス <-> スワ')" "new body indexed after an update"
pg_sql "$DB" "DELETE FROM ticket WHERE id = 7"
assert_eq 0 "$(pg_sql "$DB" "SELECT count(*) FROM ticket_text")" \
    "a deleted ticket leaves no index rows"

# The FAQ: faq_fts follows faq_text; titles weigh more.
pg_sql "$DB" "INSERT INTO faq_article(id, slug, created_at, updated_at) VALUES (1, 'pw', 1, 1)"
pg_sql "$DB" "INSERT INTO faq_text(id, article_id, lang, title, body_md, body_text, updated_at)
              VALUES (5, 1, 'ja', 'パスワード再設定', 'x', '忘れた場合', 1)"
assert_eq 5 "$(pg_sql "$DB" "SELECT rowid FROM faq_fts WHERE title || body_text @@ '忘れ'::tsquery")" \
    "FAQ body found"
assert_eq t "$(pg_sql "$DB" "SELECT ts_rank('{0.25,0.25,0.25,1}', title || body_text, '再設'::tsquery) > ts_rank('{0.25,0.25,0.25,1}', title || body_text, '忘れ'::tsquery) FROM faq_fts")" \
    "a title match ranks above a body match"
assert_eq "パス 1 1" "$(pg_sql "$DB" "SELECT term || ' ' || doc || ' ' || cnt FROM faq_vocab WHERE term = 'パス'")" \
    "faq_vocab lists indexed terms"
pg_sql "$DB" "DELETE FROM faq_article WHERE id = 1"
assert_eq 0 "$(pg_sql "$DB" "SELECT count(*) FROM faq_fts")" "FAQ index follows deletes"
