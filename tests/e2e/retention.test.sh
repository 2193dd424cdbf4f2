#!/usr/bin/env bash
# retention.test.sh - the worker forgets audit, security, backup-log and
# heartbeat rows older than log.retention_days once a day; the audit chain
# still verifies afterwards (signed checkpoint) and the prune is itself an
# audit row; running again the same day changes nothing.
. "$HD_SRC/tests/e2e/lib.sh"
D=$T/d
db() { sql "$D" "$@"; }
T0=2025-01-10T10:00:00+09:00
# Created two days earlier: an outage is recorded only inside the
# availability record, which starts when the instance does.
HELPDESK_NOW=2025-01-08T10:00:00+09:00 \
    "$HD" --data "$D" --profile test init >/dev/null
export HELPDESK_NOW=$T0
conf "$D" log.retention_days 30
"$HD" --data "$D" outage add --start 2025-01-09T01:00:00+09:00 \
    --end 2025-01-09T02:00:00+09:00 --cause "old disk" >/dev/null
"$HD" --data "$D" backup run >/dev/null
"$HD" --data "$D" worker --once
t0=$(date -d "$T0" +%s)
db "INSERT INTO security_log(at, kind, subject, detail) VALUES ($t0, 'signin_failed', 'x@example.com', '')"
old_audit=$(db "SELECT count(*) FROM audit")
[ "$old_audit" -ge 2 ] || fail "old audit rows exist ($old_audit)"
[ "$(db "SELECT count(*) FROM backup_log")" -ge 1 ] || fail "old backup log row exists"
[ "$(db "SELECT count(*) FROM heartbeat_log")" -ge 1 ] || fail "old heartbeat exists"
pass "old rows of every log present"

# 40 days later: a new change, then the worker's tick.
export HELPDESK_NOW=2025-02-19T10:00:00+09:00
"$HD" --data "$D" outage add --start 2025-02-18T01:00:00+09:00 \
    --end 2025-02-18T02:00:00+09:00 --cause "new disk" >/dev/null
"$HD" --data "$D" worker --once
cut=$(( $(date -d "$HELPDESK_NOW" +%s) - 30 * 86400 ))
assert_eq 0 "$(db "SELECT count(*) FROM audit WHERE at < $cut")" "old audit rows gone"
assert_eq 0 "$(db "SELECT count(*) FROM security_log WHERE at < $cut")" "old security rows gone"
assert_eq 0 "$(db "SELECT count(*) FROM backup_log WHERE at < $cut")" "old backup log rows gone"
assert_eq 0 "$(db "SELECT count(*) FROM heartbeat_log WHERE minute < $cut")" "old heartbeats gone"
assert_eq 1 "$(db "SELECT count(*) FROM audit WHERE action = 'outage.add'")" "the new change is kept"
assert_eq 1 "$(db "SELECT count(*) FROM audit_checkpoint")" "one signed checkpoint"
prune=$(db "SELECT actor || ' ' || after_json FROM audit WHERE action = 'log.prune'")
assert_contains "$prune" "worker {\"before\":$cut,\"audit\":$old_audit,\"security\":1," "the prune is recorded with its counts"
assert_status 0 "audit chain verifies after the prune" "$HD" --data "$D" verify

# Same day again, and a day later with nothing old: no second prune row.
"$HD" --data "$D" worker --once
export HELPDESK_NOW=2025-02-20T11:00:00+09:00
"$HD" --data "$D" worker --once
assert_eq 1 "$(db "SELECT count(*) FROM audit WHERE action = 'log.prune'")" "idempotent: one prune row"
assert_eq 1 "$(db "SELECT count(*) FROM audit_checkpoint")" "no checkpoint without pruned rows"
assert_status 0 "chain still verifies" "$HD" --data "$D" verify
