#!/bin/bash
# pg_tokenize.sh - what the cjkbigram tokens cost when PostgreSQL computes
# them (hd_fts_tsvector(), schema/pg/0002_faq.sql) against the C tokenizer
# (store_fts.c, through an FTS5 table), on the same bodies: 2,000 texts of
# ~600 characters drawn from tests/e2e/data/fts_corpus.txt (Japanese,
# half-width katakana, mixed scripts, English).  Three runs; medians in
# microseconds per body.
#
#   HD_BIN=build bash bench/pg_tokenize.sh
set -euo pipefail
HD_SRC=$(cd "$(dirname "$0")/.." && pwd)
HD_BIN=$(cd "${HD_BIN:-$HD_SRC/build}" && pwd)
T=$(mktemp -d /tmp/hd-pgtok.XXXXXX)
chmod 755 "$T"
trap 'pg_stop_all; rm -rf "$T"' EXIT
source "$HD_SRC/tests/lib/pg.sh"
pg_init
trap 'pg_stop_all; rm -rf "$T"' EXIT
pg_start_primary
DB=$(pg_createdb bench)
for f in "$HD_SRC"/helpdesk/store/schema/pg/*.sql; do
    "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -1 -d "$DB" -f "$f" >/dev/null
done
N=2000
python3 - "$HD_SRC/tests/e2e/data/fts_corpus.txt" "$T/bodies" "$N" <<'PY'
import random, sys
random.seed(1)
src = [l for l in open(sys.argv[1], encoding='utf-8').read().split('\n') if l.strip()]
with open(sys.argv[2], 'w', encoding='utf-8') as f:
    for _ in range(int(sys.argv[3])):
        f.write(' '.join(random.choice(src) for _ in range(25)).replace('\t', ' ') + '\n')
PY
pg_sql "$DB" "CREATE TABLE bodies (b text)"
"$PG_BIN/psql" -X -q -d "$DB" -c "\\copy bodies(b) FROM '$T/bodies' WITH (FORMAT csv, QUOTE e'\\x01', DELIMITER e'\\x02')"
pg_sql "$DB" "INSERT INTO ticket(number, subject, created_at, updated_at) SELECT 10000 + g, 's', 1, 1 FROM generate_series(1, $N) g"

ms() { # SQL: prints the server-side time of SQL in ms
    "$PG_BIN/psql" -X -q -d "$DB" -c '\timing on' -c "$1" |
        sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -n 1
}
per_body() { python3 -c "print(round($1 * 1000 / $N))"; }
median() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
declare -a c pg simple ins_off ins_on
for run in 1 2 3; do
    s=$(date +%s%N)
    "$HD_BIN/tests/tools/hdt_fts_tokens" <"$T/bodies" >/dev/null
    c+=("$(python3 -c "print(($(date +%s%N) - $s) / 1e6)")")
    pg+=("$(ms "SELECT sum(length(hd_fts_tsvector(b))) FROM bodies")")
    simple+=("$(ms "SELECT sum(length(to_tsvector('simple', b))) FROM bodies")")
    pg_sql "$DB" "ALTER TABLE message DISABLE TRIGGER ticket_text_mi"
    ins_off+=("$(ms "INSERT INTO message(ticket_id, kind, message_id, body_text, created_at) SELECT row_number() OVER (), 'inbound', 'off$run.' || row_number() OVER (), b, 1 FROM bodies")")
    pg_sql "$DB" "ALTER TABLE message ENABLE TRIGGER ticket_text_mi"
    ins_on+=("$(ms "INSERT INTO message(ticket_id, kind, message_id, body_text, created_at) SELECT row_number() OVER (), 'inbound', 'on$run.' || row_number() OVER (), b, 1 FROM bodies")")
done
C=$(median "${c[@]}")
P=$(median "${pg[@]}")
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "bodies: $N, $(wc -c <"$T/bodies") bytes"
echo "C cjkbigram (FTS5 table insert + vocab read, whole process): $(per_body "$C") us/body"
echo "PostgreSQL hd_fts_tsvector(): $(per_body "$P") us/body ($(python3 -c "print(round($P / $C, 1))")x the C run)"
echo "PostgreSQL to_tsvector('simple'): $(per_body "$(median "${simple[@]}")") us/body"
echo "PostgreSQL message INSERT, index trigger off / on: $(per_body "$(median "${ins_off[@]}")") / $(per_body "$(median "${ins_on[@]}")") us/message"
