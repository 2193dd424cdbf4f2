#!/bin/bash
# pg_same - the store's statements mean the same on both engines: one
# instance on SQLite and one on PostgreSQL, filled with the same demo data
# at the same frozen clock, print the same lists (order of rows and of the
# names joined in a row included), the same filtered and limited ticket
# lists, and the same canned responses after the same changes.
source "$(dirname "$0")/lib.sh"
source "$HD_SRC/tests/lib/pg.sh"
pg_init
pg_fresh_db DB
export HELPDESK_NOW=2026-12-01T09:00:00Z
S="$T/sqlite"
P="$T/pg"
"$HD" --data "$S" init --profile test >/dev/null
"$HD" --data "$P" init --profile test --store "$DB" >/dev/null
[ ! -e "$P/helpdesk.db" ] || fail "the PostgreSQL instance has a SQLite file"
for i in "$S" "$P"; do
    "$HD" --data "$i" demo >/dev/null
    printf 'Hello\n' | "$HD" --data "$i" canned add --name zeta --lang en --body-file - >/dev/null
    printf 'こんにちは\n' | "$HD" --data "$i" canned add --name alpha --lang ja --body-file - >/dev/null
    printf 'Hi\n' | "$HD" --data "$i" canned add --name beta --lang en --body-file - >/dev/null
done

same() { # message command...
    local msg=$1
    shift
    "$HD" --data "$S" "$@" >"$T/s.out" 2>&1 || fail "$msg: SQLite: $(cat "$T/s.out")"
    "$HD" --data "$P" "$@" >"$T/p.out" 2>&1 || fail "$msg: PostgreSQL: $(cat "$T/p.out")"
    [ -s "$T/s.out" ] || fail "$msg: nothing printed"
    if ! diff "$T/s.out" "$T/p.out" >"$T/diff"; then
        head -20 "$T/diff" >&2
        fail "$msg: SQLite (<) and PostgreSQL (>) differ"
    fi
    pass "$msg ($(wc -l <"$T/s.out") lines)"
}

same "ticket list" ticket list
same "ticket list, JSON" ticket list --json
same "ticket list, open, limited" ticket list --status open-any --limit 7 --json
same "ticket list, one priority" ticket list --priority high
same "one ticket" ticket show 10001 --json
same "users with their queues in queue order" user list
same "queues" queue list
same "organisations" org list
same "rules" rule list
same "attachment usage" attachments usage
same "canned responses" canned list
