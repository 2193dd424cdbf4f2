#!/bin/bash
# pg_harness - tests/lib/pg.sh starts what the PostgreSQL tests rely on: a
# primary whose commits wait for a synchronous standby (a commit blocks
# while the standby is down and completes when it is back), a standby
# that can be promoted after kill -9 of the primary and then holds every
# acknowledged commit, and a multi-host URL with
# target_session_attrs=read-write that finds whichever is the primary.
source "$(dirname "$0")/lib.sh"
source "$HD_SRC/tests/lib/pg.sh"
pg_init
pg_start_primary
pg_start_standby
P=$PG_URL
S=$(pg_url "$PG_SB_PORT" postgres)
pg_fresh_db D1
pg_fresh_db D2
[ "$D1" != "$D2" ] || fail "pg_fresh_db gave one database twice"
assert_eq "hd2|0" "$(pg_sql "$D2" "SELECT current_database() || '|' || count(*) FROM pg_tables WHERE schemaname = 'public'")" \
    "pg_fresh_db makes a new empty database each time"

assert_eq "on|hd_standby" "$(pg_sql "$P" "SELECT current_setting('synchronous_commit') || '|' || current_setting('synchronous_standby_names')")" \
    "primary waits for the named standby"
assert_eq "on" "$(pg_sql "$P" "SHOW fsync")" "fsync is on"
assert_eq "sync" "$(pg_sql "$P" "SELECT sync_state FROM pg_stat_replication")" \
    "the standby streams synchronously"
pg_sql "$P" "CREATE TABLE acked (n bigint PRIMARY KEY)"
pg_sql "$P" "INSERT INTO acked VALUES (1)"
assert_eq 1 "$(pg_sql "$S" "SELECT count(*) FROM acked")" \
    "a commit is on the standby once acknowledged"
assert_eq t "$(pg_sql "$S" "SELECT pg_is_in_recovery()")" "the standby is read-only"

# Standby down: the commit must not return.
pg_stop_standby
"$PG_BIN/psql" -X -Atq -d "$P" -c "INSERT INTO acked VALUES (2)" \
    >"$T/blocked.out" 2>&1 &
ins=$!
on_exit "kill $ins 2>/dev/null"
waiting=0
for ((i = 0; i < 100; i++)); do
    waiting=$(pg_sql "$P" "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep'")
    [ "$waiting" = 1 ] && break
    sleep 0.1
done
assert_eq 1 "$waiting" "with the standby down a commit waits for it (SyncRep)"
sleep 1
kill -0 "$ins" 2>/dev/null || fail "the commit returned without the standby"
pass "the commit has not returned after 1 s without the standby"

pg_start_standby_again
for ((i = 0; i < PG_WAIT_STEPS; i++)); do
    kill -0 "$ins" 2>/dev/null || break
    sleep 0.1
done
kill -0 "$ins" 2>/dev/null && fail "the commit still waits with the standby back"
wait "$ins" || fail "the waiting commit failed: $(cat "$T/blocked.out")"
pass "the commit returned once the standby was back"
pg_wait_sync || fail "standby not synchronous again"
assert_eq 2 "$(pg_sql "$S" "SELECT count(*) FROM acked")" "the standby has it"

# Acknowledged commits survive kill -9 of the primary and promotion.
for n in $(seq 3 50); do pg_sql "$P" "INSERT INTO acked VALUES ($n)"; done
pg_kill_primary
pg_promote_standby
assert_eq "50|50" "$(pg_sql "$S" "SELECT count(*) || '|' || max(n) FROM acked")" \
    "every acknowledged commit is on the promoted standby"
M=$(pg_url_multi postgres)
assert_eq "$PG_SB_PORT|false" "$(pg_sql "$M" "SELECT inet_server_port() || '|' || pg_is_in_recovery()")" \
    "the multi-host URL connects to the new primary"
pg_sql "$M" "INSERT INTO acked VALUES (51)"
pass "the new primary takes writes"
