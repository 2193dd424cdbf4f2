#!/usr/bin/env bash
# outbox_once.test.sh - the worker sends each outbox mail once.
#  (a) Another process holds the database's write lock for longer than the
#      worker's busy timeout while the worker is in the middle of an SMTP
#      transaction: the outcome cannot be recorded at once.  The worker
#      keeps the outcome and records it when the lock is gone; the sink
#      gets each of the N mails exactly once and every row ends "sent".
#  (b) The worker is killed with SIGKILL at random moments while it sends
#      and restarted each time; after the lease of the rows it left claimed
#      (clock moved forward) every row is sent and every Message-ID
#      arrived.  A duplicate may only come from a row whose attempt was
#      interrupted (resends > 0): the at-least-once window of docs/mail.md.
#      Counts are printed.
. "$HD_SRC/tests/e2e/lib.sh"
use_peers

# new_instance DIR N: an instance sending to the current sink, with N
# acknowledgements queued (one per customer mail).
new_instance() {
    local d=$1 n=$2 i
    "$HD" --data "$d" --profile test init >/dev/null
    "$HD" --data "$d" queue add support --address support@support.test >/dev/null
    conf "$d" mail.from_address support@support.test
    conf "$d" smtp.host 127.0.0.1
    conf "$d" smtp.port "$SINK_PORT"
    conf "$d" smtp.tls none
    for i in $(seq 1 "$n"); do
        printf 'From: c%d@customer.test\nTo: support@support.test\nSubject: Question %d\nMessage-ID: <q%d@customer.test>\n\nHello %d\n' \
            "$i" "$i" "$i" "$i" | "$MG" --data "$d" deliver --recipient support@support.test >/dev/null
    done
    assert_eq "$n" "$(sql "$d" "SELECT count(*) FROM outbox WHERE state = 'queued'")" \
        "$n acknowledgements queued"
}
sink_ids() { grep -hi '^Message-ID:' "$SINK_DIR"/msg-*.eml 2>/dev/null | tr -d '\r' | sort; }

# ---- (a) write lock held past the busy timeout -----------------------------
SINK_DATA_DELAY=0.3 start_smtp_sink --plain
I=$T/a
N=20
new_instance "$I" $N
conf "$I" store.busy_timeout_ms 1000
# Holds the write lock for 4 s (four busy timeouts) from the moment the
# worker connects for the 1st and the 10th mail: the row is claimed, the
# sink takes 0.3 s to answer DATA, and the outcome meets a locked database.
python3 - "$I/helpdesk.db" "$SINK_LOG" >"$T/locker.out" 2>&1 <<'EOF' &
import sqlite3, sys, time
db, log = sys.argv[1], sys.argv[2]
c = sqlite3.connect(db, timeout=30, isolation_level=None)
for nth in (1, 10):
    for _ in range(6000):
        with open(log) as f:
            if sum(l.startswith("EHLO") for l in f) >= nth:
                break
        time.sleep(0.005)
    else:
        sys.exit("no connection %d" % nth)
    c.execute("BEGIN IMMEDIATE")
    print("locked at connection", nth, flush=True)
    time.sleep(4)
    c.execute("ROLLBACK")
    print("released", flush=True)
EOF
LPID=$!
"$HD" --data "$I" worker --interval 1 >"$T/worker-a.out" 2>"$T/worker-a.log" &
KPID=$!
on_exit "kill $KPID $LPID 2>/dev/null || true"
for _ in $(seq 1 600); do
    [ "$(sql "$I" "SELECT count(*) FROM outbox WHERE state = 'sent'")" = $N ] && break
    sleep 0.1
done
wait $LPID || fail "lock holder: $(cat "$T/locker.out")"
kill -TERM $KPID
wait $KPID || fail "worker exit: $(tail -5 "$T/worker-a.log")"
cat "$T/locker.out"
assert_eq "sent|$N" "$(sql "$I" "SELECT state, count(*) FROM outbox GROUP BY state")" "(a) all rows sent"
assert_eq $N "$(sink_ids | sort -u | wc -l)" "(a) every Message-ID arrived"
assert_eq $N "$(sink_count)" "(a) the sink received exactly $N mails"
assert_eq 0 "$(sql "$I" "SELECT sum(resends) FROM outbox")" "(a) nothing resent"
grep -q 'ev=record_retry' "$T/worker-a.log" || fail "the lock never met a record: $(cat "$T/worker-a.log")"
pass "the held lock met the worker after a send ($(grep -c 'ev=record_retry' "$T/worker-a.log") record retries)"

# ---- (b) SIGKILL at random moments ------------------------------------------
SINK_DATA_DELAY=0.005 start_smtp_sink --plain # a few mails per round
I=$T/b
N=100
new_instance "$I" $N
kills=0
for round in $(seq 1 80); do
    left=$(sql "$I" "SELECT count(*) FROM outbox WHERE state = 'queued' AND attempt_at IS NULL")
    [ "$left" = 0 ] && break
    before=$(sink_count)
    "$HD" --data "$I" worker --interval 1 >>"$T/worker-b.out" 2>>"$T/worker-b.log" &
    KPID=$!
    # Kill while it sends: after the sink has seen a new mail, 0-29 ms later.
    for _ in $(seq 1 100); do [ "$(sink_count)" -gt "$before" ] && break; sleep 0.05; done
    sleep "0.0$((RANDOM % 3))$((RANDOM % 10))"
    kill -KILL $KPID
    wait $KPID 2>/dev/null || true
    kills=$((kills + 1))
done
claimed=$(sql "$I" "SELECT count(*) FROM outbox WHERE state = 'queued' AND attempt_at IS NOT NULL")
echo "# $kills kills; $claimed rows left claimed by a killed worker"
# A restarted worker leaves a claimed row alone for the lease (15 min):
# move the clock past it.
later=$(date -u -d @$(( $(date +%s) + 1000 )) +%Y-%m-%dT%H:%M:%SZ)
for _ in 1 2 3; do
    HELPDESK_NOW=$later "$HD" --data "$I" worker --once >>"$T/worker-b.out" 2>>"$T/worker-b.log" ||
        fail "worker --once: $(tail -3 "$T/worker-b.log")"
done
assert_eq "sent|$N" "$(sql "$I" "SELECT state, count(*) FROM outbox GROUP BY state")" "(b) all rows sent"
python3 - "$I/helpdesk.db" "$SINK_DIR" <<'EOF'
import collections, glob, re, sqlite3, sys
db, sink = sys.argv[1], sys.argv[2]
mid = lambda b: re.search(rb"(?im)^Message-ID:\s*(\S+)", b).group(1).decode()
got = collections.Counter()
for f in glob.glob(sink + "/msg-*.eml"):
    got[mid(open(f, "rb").read())] += 1
rows = {mid(raw): resends for raw, resends in
        sqlite3.connect(db).execute("SELECT raw, resends FROM outbox")}
missing = [m for m in rows if got[m] == 0]
strange = [m for m in got if m not in rows]
dups = {m: n - 1 for m, n in got.items() if n > 1}
outside = [m for m in dups if rows.get(m, 0) == 0]
over = [m for m in dups if dups[m] > rows[m]]
print("# rows %d, received %d, distinct %d, interrupted rows %d (resends %d), "
      "duplicates %d" % (len(rows), sum(got.values()), len(got),
                         sum(1 for r in rows.values() if r), sum(rows.values()),
                         sum(dups.values())))
if missing or strange:
    sys.exit("FAIL: missing %s, not ours %s" % (missing[:5], strange[:5]))
print("ok - (b) every Message-ID arrived")
if outside or over:
    sys.exit("FAIL: duplicates of mails never interrupted: %s; more duplicates "
             "than resends: %s" % (outside[:5], over[:5]))
print("ok - (b) duplicates only from interrupted attempts, at most one per resend")
EOF
resent=$(grep -c 'ev=resend' "$T/worker-b.log" || true)
assert_eq "$(sql "$I" "SELECT sum(resends) FROM outbox")" "$resent" "(b) each resend logged"
assert_eq "$(sql "$I" "SELECT count(*) FROM outbox WHERE resends > 0 AND ticket_id IS NOT NULL")" \
    "$(sql "$I" "SELECT count(DISTINCT ticket_id) FROM event WHERE kind = 'outbox' AND detail LIKE '%may have been sent twice'")" \
    "(b) each resent mail's ticket history says it may have been sent twice"
