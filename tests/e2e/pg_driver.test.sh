#!/bin/bash
# pg_driver.test.sh - the store on PostgreSQL (helpdesk/store/store_pg.c)
# against a real server started here: init --store, one instance per
# database, migrations run once when nodes start together, a failed
# statement undoes only itself inside a transaction (as on SQLite), write
# transactions of two connections take turns, and a lost server: the
# transaction it held fails until rolled back, the connection comes back
# by itself.
source "$(dirname "$0")/lib.sh"
source "$HD_SRC/tests/lib/pg.sh"
HDS="$HD_BIN/tests/tools/hdt_store"

pg_fresh_db URL

# -- init --store ---------------------------------------------------------
I=$T/inst
"$HD" --data "$I" --profile test init --store "$URL" >/dev/null
grep -q "^store.url = $URL\$" "$I/helpdesk.conf" ||
    fail "helpdesk.conf does not name the database"
[ ! -e "$I/helpdesk.db" ] || fail "an instance on PostgreSQL made helpdesk.db"
out=$("$HD" --data "$I" queue list)
assert_contains "$out" "support" "the default queue is in the database"
pass "init --store puts the instance in the database, not in DIR"

pg_fresh_db URL_OTHER
assert_status 65 "init again in a directory whose instance is on PostgreSQL is refused" \
    "$HD" --data "$I" --profile test init --store "$URL_OTHER"
assert_eq "0" "$(pg_sql "$URL_OTHER" "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" \
    "and the other database is left untouched"
assert_status 65 "a second instance in the same database is refused" \
    "$HD" --data "$T/other" --profile test init --store "$URL"
out=$("$HD" --data "$T/other2" --profile test init --store /tmp/x.db 2>&1 || true)
assert_contains "$out" "postgresql://" "--store names what it wants"
[ ! -e "$T/other2/helpdesk.conf" ] || grep -vq "^store.url" "$T/other2/helpdesk.conf" ||
    fail "a refused --store was written"
pass "init --store refuses a database holding an instance, and a non-URL"

# -- migrations, once, when nodes start together ---------------------------
pg_fresh_db URL2
latest=$(printf 'version\n' | "$HDS" "$URL" | sed -n 's/^ok //p')
for n in 1 2 3 4; do
    printf 'version\n' | "$HDS" "$URL2" >"$T/mig$n" &
done
wait
for n in 1 2 3 4; do
    assert_eq "ok $latest" "$(cat "$T/mig$n")" "node $n sees the newest schema"
done
assert_eq "1" "$(pg_sql "$URL2" 'SELECT count(*) FROM store_version')" \
    "one version row"
assert_eq "$latest" "$(pg_sql "$URL2" 'SELECT version FROM store_version')" \
    "the version row says the newest"
pass "four connections opening a fresh database migrate it once"

# -- a failed statement inside a transaction undoes only itself -------------
out=$(printf 'begin\nqueue dup\nqueue dup\nset after-dup yes\ncommit\nget after-dup\n' |
    "$HDS" "$URL2")
assert_eq "ok
ok
err exists: already exists: duplicate key value violates unique constraint \"queue_name_key\"
ok
ok
ok yes" "$(printf '%s\n' "$out" | sed 's/constraint "[^"]*"/constraint "queue_name_key"/')" \
    "the duplicate fails with exists; the transaction goes on and commits"
pass "a failed statement inside a transaction undoes only itself"

# -- two writers take turns --------------------------------------------------
coproc A { "$HDS" "$URL2"; }
apid=$A_PID # bash unsets A_PID once the coprocess ends
echo begin >&"${A[1]}"
read -r -t 10 line <&"${A[0]}"
assert_eq "ok" "$line" "writer A holds the write transaction"
t0=$(date +%s%N)
out=$(printf 'begin\n' | "$HDS" "$URL2")
t1=$(date +%s%N)
assert_contains "$out" "err busy" "writer B is told busy while A writes"
[ $(((t1 - t0) / 1000000)) -ge 1500 ] ||
    fail "writer B gave up before its 2 s lock wait"
echo commit >&"${A[1]}"
read -r -t 10 line <&"${A[0]}"
assert_eq "ok" "$line" "A commits"
out=$(printf 'begin\nset b-wrote 1\ncommit\n' | "$HDS" "$URL2")
assert_eq "ok
ok
ok" "$out" "then B writes"
exec {A[1]}>&-
wait "$apid" 2>/dev/null || true
pass "write transactions of two connections take turns, as on SQLite"

# -- the server goes away ----------------------------------------------------
restart() {
    pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 60 restart \
        >/dev/null || fail "restart failed"
    pg_wait_ready "$PG_PORT" || fail "server not back"
}
coproc C { "$HDS" "$URL2"; }
cpid=$C_PID
say() { echo "$1" >&"${C[1]}"; read -r -t 30 line <&"${C[0]}"; echo "$line"; }
assert_eq "ok 1" "$(say 'get b-wrote')" "reads before the restart"
restart
assert_eq "ok" "$(say 'set after-restart 1')" \
    "a write after a restart finds the session gone before sending, and runs on a new one"
restart
assert_eq "ok 1" "$(say 'get b-wrote')" \
    "the next statement after a restart reconnects by itself"
assert_eq "ok" "$(say begin)" "a transaction begins"
assert_eq "ok" "$(say 'set in-lost-tx 1')" "and writes"
restart
r=$(say 'set in-lost-tx-2 1')
assert_contains "$r" "err busy" "the transaction that lost its server fails"
r=$(say 'get in-lost-tx')
assert_contains "$r" "err busy" \
    "and keeps failing: no statement of it runs on a new session"
assert_eq "ok" "$(say rollback)" "until the caller rolls back"
assert_eq "none" "$(say 'get in-lost-tx')" "nothing of it was kept"
assert_eq "ok" "$(say 'set after-lost 1')" "then the connection works again"
exec {C[1]}>&-
wait "$cpid" 2>/dev/null || true
assert_eq "1" "$(pg_sql "$URL2" "SELECT value FROM meta WHERE key = 'after-lost'")" \
    "what was written after is in the database"
pass "a lost server fails its transaction until rollback, then reconnects"
