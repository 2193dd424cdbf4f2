#!/usr/bin/env bash
# backup_once.test.sh - the daily backup runs once across workers: two
# workers due at the same moment (as on two nodes) make one generation
# (the lease in the store, store_lease.h), and a worker whose own backup
# directory is empty does not run it again the same day, because the
# backup log in the shared store says it ran (as on a second node with
# its own backup.dir).
. "$HD_SRC/tests/e2e/lib.sh"
D=$T/live
"$HD" --data "$D" init --profile test >/dev/null
"$HD" --data "$D" demo --tickets 300 >/dev/null
conf "$D" backup.hour 0
gens() { find "$1" -maxdepth 1 -name 'GEN-*' 2>/dev/null | wc -l; }
ok_runs() { sql "$D" "SELECT count(*) FROM backup_log WHERE action = 'run' AND ok = 1"; }

"$HD" --data "$D" worker --once >"$T/w1.out" 2>&1 &
w1=$!
"$HD" --data "$D" worker --once >"$T/w2.out" 2>&1 &
w2=$!
wait $w1 || fail "worker 1: $(cat "$T/w1.out")"
wait $w2 || fail "worker 2: $(cat "$T/w2.out")"
assert_eq 1 "$(gens "$D.backups")" "two workers due together make one generation"
assert_eq 1 "$(ok_runs)" "one run in the backup log"

# Later that day (the lease has ended), another node: same store, its own
# (empty) backup directory.
sql "$D" "UPDATE meta SET value = '0' WHERE key = 'lease:backup'"
cp "$D/helpdesk.conf" "$T/conf.orig"
conf "$D" backup.dir "$T/node2-backups"
"$HD" --data "$D" worker --once >"$T/w3.out" 2>&1 || fail "worker 3: $(cat "$T/w3.out")"
assert_eq 0 "$(gens "$T/node2-backups")" "a node with an empty backup dir does not run today's backup again"
assert_eq 1 "$(ok_runs)" "still one run"
pass "the daily backup runs once across workers"
