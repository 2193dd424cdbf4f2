#!/bin/bash
# pg_failover.test.sh - the primary dies, the standby takes over, the
# nodes carry on (docs/scale-out.md, "Failover"): a PostgreSQL primary
# with a synchronous standby; two nodes (made as in pg_two_nodes) that
# connect with a multi-host URL and target_session_attrs=read-write, each
# running an LMTP server and a worker, node A also helpdesk-web.  Mails
# are delivered alternately through both LMTP servers the way an MTA does
# (a 451 or a lost connection is retried until accepted, bounded:
# tests/e2e/lib/lmtp_feed.py).  Mid-stream the primary is killed with
# SIGKILL and the standby promoted.  Then:
# - every mail was acknowledged in the end (the 451s of the failover
#   were retried), and every mail acknowledged, before or after the kill,
#   is in the store exactly once (by Message-ID): nothing acknowledged
#   was lost, nothing retried was stored twice;
# - the help desk processes are the ones started before the kill (none
#   restarted): the web node serves the same session's pages and the
#   workers send every acknowledgement (a duplicate only where the
#   outbox row records a resend).
source "$(dirname "$0")/lib.sh"
use_peers
source "$HD_SRC/tests/lib/pg.sh"
source "$HD_SRC/tests/e2e/lib/nodes.sh"
N=${PG_FAILOVER_MAILS:-400}
KILL_AT=${PG_FAILOVER_KILL_AT:-120}

pg_init
pg_start_primary
pg_fresh_db DB1
pg_start_standby
URL=$(pg_url_multi "${DB1##*/}")
q() { pg_sql "$URL" "$1"; }
start_smtp_sink --plain

A=$T/a
B=$T/b
node_init "$A" "$URL"
node_copy "$A" "$B"
conf "$A" web.threads 4
node_web A "$A"
WA=$WEB_URL_A
for n in A B; do
    node_lmtp "$n" "$T/${n,,}"
    node_worker "$n" "$T/${n,,}"
done
pids="$NODE_PID_A_web $NODE_PID_A_lmtp $NODE_PID_A_worker $NODE_PID_B_lmtp $NODE_PID_B_worker"
assert_eq 303 "$(node_login ann "$WA")" "the agent signs in before the failover"
assert_eq "$PG_PORT" "$(q "SELECT inet_server_port()")" "the multi-host URL reaches the primary"

: >"$T/acked"
python3 "$HD_SRC/tests/e2e/lib/lmtp_feed.py" --count "$N" --prefix fo \
    --give-up 120 --acked "$T/acked" "$A/run/lmtp.sock" "$B/run/lmtp.sock" \
    >"$T/feed.out" 2>"$T/feed.err" &
FEED=$!
on_exit "kill $FEED 2>/dev/null"
for ((i = 0; i < 1200; i++)); do
    [ "$(wc -l <"$T/acked")" -ge "$KILL_AT" ] && break
    kill -0 $FEED 2>/dev/null || fail "the feed ended early: $(cat "$T/feed.err")"
    sleep 0.1
done
pg_kill_primary
before=$(wc -l <"$T/acked")
echo "# primary killed after $before acknowledgements"
[ "$before" -lt "$N" ] || fail "the feed finished before the kill"
pg_promote_standby
promoted=$(wc -l <"$T/acked")
echo "# standby promoted; $promoted acknowledged by then"
for ((i = 0; i < 1800; i++)); do
    kill -0 $FEED 2>/dev/null || break
    sleep 0.1
done
kill -0 $FEED 2>/dev/null && fail "the feed still runs after 180 s: $(tail -3 "$T/feed.err")"
wait $FEED || fail "the feed gave up: $(cat "$T/feed.err")"
echo "# feed: $(cat "$T/feed.out")"
assert_eq "$N" "$(wc -l <"$T/acked")" "every mail acknowledged in the end"
[ "$(wc -l <"$T/acked")" -gt "$before" ] || fail "no mail acknowledged after the kill"
pass "mails were acknowledged after the kill ($((N - before)))"
assert_eq "$PG_SB_PORT|false" "$(q "SELECT inet_server_port() || '|' || pg_is_in_recovery()")" \
    "the multi-host URL now reaches the promoted standby"

q "SELECT message_id FROM message WHERE message_id LIKE 'fo-%'" | sort >"$T/stored"
sort "$T/acked" >"$T/acked.sorted"
lost=$(comm -23 "$T/acked.sorted" "$T/stored" | wc -l)
assert_eq 0 "$lost" "no acknowledged mail is missing from the store ($(comm -23 "$T/acked.sorted" "$T/stored" | head -3 | tr '\n' ' '))"
assert_eq 0 "$(uniq -d "$T/stored" | wc -l)" "no mail is stored twice ($(uniq -d "$T/stored" | head -3 | tr '\n' ' '))"
assert_eq "$N|$N" "$(q "SELECT count(*) || '|' || count(DISTINCT ticket_id) FROM message WHERE message_id LIKE 'fo-%'")" \
    "one message and one ticket per mail"
head -n "$before" "$T/acked" | sort >"$T/acked.before"
assert_eq 0 "$(comm -23 "$T/acked.before" "$T/stored" | wc -l)" \
    "every mail acknowledged before the kill survived it ($before)"

# The processes started before the kill carry on.
for pid in $pids; do
    kill -0 "$pid" 2>/dev/null || fail "process $pid died in the failover"
done
pass "no help desk process exited or was restarted"
# Each web thread's connection died with the primary.  The driver sees
# the closed session before it sends the next statement and opens a new
# one on the multi-host URL, so not even a thread's first page after the
# failover fails.
for ((i = 0; i < 8; i++)); do
    assert_eq 200 "$(nc_ ann "$WA/agent/?view=all")" \
        "queue page $i after the failover"
done
pass "the web node serves the same session after the failover"
NUM=$(q "SELECT max(number) FROM ticket")
assert_eq 200 "$(nc_ ann "$WA/agent/tickets/$NUM")" "the ticket page"
tok=$(node_csrf)
assert_eq 303 "$(nc_ ann -X POST --data-urlencode "csrf=$tok" -d status=pending -d priority=high "$WA/agent/tickets/$NUM/update")" \
    "the web node writes to the new primary"
W503=$(grep -c 'status=503' "$T/A-web.log" || true)
assert_eq 0 "$W503" "no page answered 503 after the failover"
pass "no web thread failed a page over the lost session"
assert_eq "pending" "$(q "SELECT status FROM ticket WHERE number = $NUM")" "the change is stored"
for ((i = 0; i < 1500; i++)); do
    [ "$(q "SELECT count(*) FROM outbox WHERE state <> 'sent'")" = 0 ] && break
    sleep 0.2
done
assert_eq "$N" "$(q "SELECT count(*) FROM outbox o JOIN message m ON m.ticket_id = o.ticket_id WHERE o.kind = 'ack' AND o.state = 'sent' AND m.message_id LIKE 'fo-%'")" \
    "the workers sent every acknowledgement after the failover"
sleep 2
resent=$(q "SELECT coalesce(sum(resends), 0) FROM outbox")
got=$(sink_acks | grep -c ' fo-c[0-9]*@customer.test$' || true)
distinct=$(sink_acks | grep ' fo-c[0-9]*@customer.test$' | awk '{print $2}' | sort -u | wc -l)
echo "# sink: $got acknowledgements, $distinct customers, outbox resends $resent"
assert_eq "$N" "$distinct" "every customer got an acknowledgement"
[ $((got - N)) -le "$resent" ] || fail "$((got - N)) duplicate acknowledgements but $resent resends recorded"
pass "duplicate acknowledgements ($((got - N))) only where a resend is recorded ($resent)"
grep -h 'ev=' "$T/A-lmtp.log" "$T/B-lmtp.log" | grep -v 'ev=stored' | sed 's/.*ev=\([a-z_]*\).*/\1/' | sort | uniq -c | sed 's/^/# lmtp /' || true
