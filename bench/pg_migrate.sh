#!/bin/bash
# pg_migrate.sh - `helpdesk migrate --to postgresql://...` on a demo
# instance: a copy of DB (a 100k demo database, e.g. demo100k.db
# made by `helpdesk demo --tickets 100000 --messages 500000`; the
# original is never opened), or, given a number N, a new demo of N
# tickets and 5N messages: wall time and peak
# RSS of the move into a private PostgreSQL 15 (tests/lib/pg.sh: fsync
# on, shared_buffers 32 MB), against `helpdesk export` of the same
# instance on SQLite in the same run (every row read once and written as
# JSON) as the baseline.  Then the row counts on both sides.
#
#   HD_BIN=build bash bench/pg_migrate.sh DB | N
set -euo pipefail
HD_SRC=$(cd "$(dirname "$0")/.." && pwd)
HD_BIN=$(cd "${HD_BIN:-$HD_SRC/build}" && pwd)
HD=$HD_BIN/helpdesk/helpdesk
SRC=${1:?usage: bench/pg_migrate.sh DEMO.db | N}
T=$(mktemp -d /tmp/hd-pgmig.XXXXXX)
chmod 755 "$T"
source "$HD_SRC/tests/lib/pg.sh"
pg_init
trap 'pg_stop_all; rm -rf "$T"' EXIT
pg_start_primary
DB=$(pg_createdb bench)
I=$T/inst
"$HD" --data "$I" init --profile dev >/dev/null
if [[ $SRC =~ ^[0-9]+$ ]]; then
    "$HD" --data "$I" demo --tickets "$SRC" --messages $((SRC * 5)) >/dev/null
else
    rm -f "$I/helpdesk.db"
    cp "$SRC" "$I/helpdesk.db"
    "$HD" --data "$I" calendar closures >/dev/null # migrates the copy's schema
fi
echo "load before: $(uptime)"
measure() { # NAME CMD...: wall seconds and peak RSS of CMD
    local name=$1; shift
    /usr/bin/time -f "%e %M" -o "$T/time" "$@" >"$T/$name.out" 2>"$T/$name.err" ||
        { cat "$T/$name.err" >&2; exit 1; }
    read -r wall rss <"$T/time"
    printf '%-22s %8.1f s  peak RSS %7d KiB\n' "$name" "$wall" "$rss"
    eval "${name}_wall=$wall"
}
measure export_sqlite "$HD" --data "$I" export --out "$T/e.json"
measure migrate "$HD" --data "$I" migrate --to "$DB"
python3 -c "import sys; print('migrate / export on SQLite: x%.2f' % (float(sys.argv[1]) / float(sys.argv[2])))" \
    "$migrate_wall" "$export_sqlite_wall"
sed 's/:[^@]*@/@/' "$T/migrate.out"
cat "$T/migrate.err"
echo "load after: $(uptime)"
for t in ticket message attachment event audit; do
    printf '%-12s sqlite %8s  pg %8s\n' "$t" \
        "$(sqlite3 "$I/helpdesk.db" "SELECT count(*) FROM $t")" \
        "$(pg_sql "$DB" "SELECT count(*) FROM $t")"
done
printf '%-12s pg %8s (search rows made by the triggers)\n' ticket_text \
    "$(pg_sql "$DB" "SELECT count(*) FROM ticket_text")"
