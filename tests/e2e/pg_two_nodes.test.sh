#!/bin/bash
# pg_two_nodes.test.sh - two nodes against one PostgreSQL database
# (docs/scale-out.md): node B is a copy of node A's directory made as the
# page says (files and keys copied, blobs/ shared, spool/ and run/ per
# node).  Each node runs helpdesk-web, an LMTP server and a worker; one
# SMTP sink takes every outbound mail.
# (a) a session made on A is valid on B, and ended on B it is refused on A;
# (b) a change made on one node (status, priority, a note) is on the
#     other node's next page;
# (c) a large mail (its raw message and attachment are files in blobs/)
#     delivered through B is downloaded through A;
# (d) N mails (1,000) delivered alternately through both LMTP servers make
#     N tickets, and the sink receives each acknowledgement exactly once
#     (by Message-ID and by recipient) with both workers running.
source "$(dirname "$0")/lib.sh"
use_peers
source "$HD_SRC/tests/lib/pg.sh"
source "$HD_SRC/tests/e2e/lib/nodes.sh"
N=${PG_NODES_MAILS:-1000}

pg_init
pg_fresh_db DB
q() { pg_sql "$DB" "$1"; }
start_smtp_sink --plain

A=$T/a
B=$T/b
node_init "$A" "$DB"
node_copy "$A" "$B"
assert_eq "$(grep -c '^store.url' "$A/helpdesk.conf")" 1 "node A's configuration names the database"
[ ! -e "$A/helpdesk.db" ] || fail "an instance on PostgreSQL has a helpdesk.db"
pass "no helpdesk.db in the instance directory"
for n in A B; do
    d=$T/${n,,}
    node_web "$n" "$d"
    node_lmtp "$n" "$d"
done
WA=$WEB_URL_A
WB=$WEB_URL_B
FEED="python3 $HD_SRC/tests/e2e/lib/lmtp_feed.py"

# ---- (a) sessions are rows: valid on every node ---------------------------
$FEED --count 1 --prefix first --acked "$T/first.acked" "$A/run/lmtp.sock" >/dev/null ||
    fail "first mail"
NUM=$(q "SELECT number FROM ticket WHERE subject = 'first 1'")
[ -n "$NUM" ] || fail "the first mail opened no ticket"
assert_eq 303 "$(node_login ann "$WA")" "the agent signs in on A"
assert_eq 200 "$(nc_ ann "$WB/agent/")" "A's session opens B's queue page"
assert_contains "$(cat "$T/body")" "first 1" "B's queue shows the ticket"
assert_eq 303 "$(node_login bob "$WB")" "a second session, made on B"
assert_eq 200 "$(nc_ bob "$WA/agent/tickets/$NUM")" "B's session opens A's ticket page"
nc_ bob "$WB/agent/" >/dev/null
tok=$(node_csrf)
[ -n "$tok" ] || fail "no sign-out form on B"
st=$(nc_ bob -X POST --data-urlencode "csrf=$tok" "$WB/agent/logout")
case $st in 302 | 303) ;; *) fail "sign out on B: $st" ;; esac
st=$(nc_ bob "$WA/agent/")
case $st in 302 | 303) pass "a session ended on B is refused on A ($st)" ;;
*) fail "a session ended on B still opens A's pages: $st" ;; esac

# ---- (b) a change on one node is on the other's next page ----------------
nc_ ann "$WB/agent/tickets/$NUM" >/dev/null # cached on B before the change
assert_contains "$(cat "$T/body")" '<option value="new" selected>' "B shows the ticket new"
nc_ ann "$WA/agent/tickets/$NUM" >/dev/null
tok=$(node_csrf)
assert_eq 303 "$(nc_ ann -X POST --data-urlencode "csrf=$tok" -d status=pending -d priority=high "$WA/agent/tickets/$NUM/update")" \
    "status and priority changed on A"
nc_ ann "$WB/agent/tickets/$NUM" >/dev/null
p=$(cat "$T/body")
assert_contains "$p" '<option value="pending" selected>' "B's next ticket page shows the new status"
assert_contains "$p" '<option value="high" selected>' "B's next ticket page shows the new priority"
nc_ ann "$WB/agent/?view=all" >/dev/null
assert_contains "$(cat "$T/body")" "first 1" "B's queue page after the change"
tok=$(node_csrf)
nc_ ann "$WB/agent/tickets/$NUM" >/dev/null
tok=$(node_csrf)
last=$(sed -n 's/.*name="last" value="\([0-9]*\)".*/\1/p' "$T/body" | head -1)
assert_eq 303 "$(nc_ ann -X POST --data-urlencode "csrf=$tok" --data-urlencode "last=$last" --data-urlencode "body=noted on node B" "$WB/agent/tickets/$NUM/note")" \
    "a note added on B"
nc_ ann "$WA/agent/tickets/$NUM" >/dev/null
assert_contains "$(cat "$T/body")" "noted on node B" "A's next ticket page shows B's note"

# ---- (c) blobs/ is shared: a file written by B is read by A --------------
python3 - "$T/big.eml" <<'EOF'
import base64, sys
payload = bytes((i * 7919) % 251 for i in range(400 * 1024))
b64 = base64.encodebytes(payload).decode().replace("\n", "\r\n")
open(sys.argv[1], "w", newline="").write(
    "From: Big <big@customer.test>\r\nTo: support@support.test\r\n"
    "Subject: big one\r\nMessage-ID: <big@customer.test>\r\n"
    "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
    "--b\r\nContent-Type: text/plain\r\n\r\nSee the file.\r\n"
    "--b\r\nContent-Type: application/octet-stream; name=data.bin\r\n"
    "Content-Disposition: attachment; filename=data.bin\r\n"
    "Content-Transfer-Encoding: base64\r\n\r\n" + b64 + "--b--\r\n")
open(sys.argv[1] + ".sha", "w").write(__import__("hashlib").sha256(payload).hexdigest())
EOF
python3 "$HD_SRC/tests/e2e/lib/lmtp_client.py" "$B/run/lmtp.sock" support@support.test \
    <"$T/big.eml" >/dev/null || fail "big mail through B"
BIG=$(q "SELECT number FROM ticket WHERE subject = 'big one'")
ATT=$(q "SELECT a.id FROM attachment a JOIN message m ON m.id = a.message_id JOIN ticket t ON t.id = m.ticket_id WHERE t.number = $BIG")
[ -n "$ATT" ] || fail "no attachment row"
# No virus scanner here: mark it clean so that the page offers it.
q "UPDATE attachment SET scan_state = 'clean' WHERE id = $ATT"
nc_ ann "$WA/agent/tickets/$BIG" >/dev/null
href=$(grep -o 'href="/agent/tickets/[0-9]*/file[^"]*"' "$T/body" | head -1 | sed 's/^href="//; s/"$//; s/&amp;/\&/g')
[ -n "$href" ] || fail "no attachment link on A's ticket page"
assert_eq 200 "$(curl -s -o "$T/att.bin" -w '%{http_code}' -b "$T/ann" "$WA$href")" \
    "A serves the attachment B stored"
assert_eq "$(cat "$T/big.eml.sha")" "$(sha256sum <"$T/att.bin" | cut -d' ' -f1)" \
    "the bytes A serves are those B received"

# ---- (d) N mails through both LMTP servers, acknowledged once each ------
for n in A B; do node_worker "$n" "$T/${n,,}"; done
# The acknowledgements of the mails above go first.
for ((i = 0; i < 300; i++)); do
    [ "$(q "SELECT count(*) FROM outbox WHERE state <> 'sent'")" = 0 ] && break
    sleep 0.2
done
before=$(sink_count)
start=$(date +%s)
out=$($FEED --count "$N" --prefix two --acked "$T/two.acked" "$A/run/lmtp.sock" "$B/run/lmtp.sock") ||
    fail "feeding $N mails: $out"
echo "# $out in $(($(date +%s) - start)) s"
assert_eq "$N" "$(wc -l <"$T/two.acked")" "every mail answered 250"
assert_eq "$N" "$(q "SELECT count(*) FROM ticket WHERE subject LIKE 'two %'")" "$N tickets"
assert_eq "$N|$N" "$(q "SELECT count(*) || '|' || count(DISTINCT message_id) FROM message WHERE message_id LIKE 'two-%'")" \
    "one message per mail, each Message-ID once"
for n in A B; do
    c=$(grep -c 'subject="two ' "$T/$n-lmtp.log" || true)
    [ "$c" -ge $((N / 2 - 1)) ] || fail "LMTP server $n stored $c mails"
    pass "LMTP server $n stored $c mails"
done
for ((i = 0; i < 1500; i++)); do
    [ "$(q "SELECT count(*) FROM outbox WHERE state <> 'sent'")" = 0 ] && break
    sleep 0.2
done
assert_eq "$N" "$(q "SELECT count(*) FROM outbox o JOIN ticket t ON t.id = o.ticket_id WHERE o.kind = 'ack' AND o.state = 'sent' AND t.subject LIKE 'two %'")" \
    "$N acknowledgements sent"
sleep 2 # a second send would come now, from the other worker
sink_acks | grep ' two-c[0-9]*@customer.test$' >"$T/acks" || true
python3 - "$T/acks" "$N" "$before" "$(sink_count)" <<'EOF'
import collections, re, sys
rows = [l.split(None, 1) for l in open(sys.argv[1]) if l.strip()]
n, before, total = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
to = collections.Counter(re.search(r"-c(\d+)@", r[1]).group(1) for r in rows)
ids = collections.Counter(r[0] for r in rows)
want = {str(i) for i in range(1, n + 1)}
missing = sorted(want - set(to), key=int)
twice = {k: v for k, v in to.items() if v > 1}
idtwice = {k: v for k, v in ids.items() if v > 1}
print("# sink: %d mails for this run, %d distinct Message-IDs, %d customers"
      % (total - before, len(ids), len(to)))
if missing:
    sys.exit("FAIL: no acknowledgement for %d mails, e.g. %s" % (len(missing), missing[:5]))
print("ok - every customer got an acknowledgement")
if twice or idtwice:
    sys.exit("FAIL: acknowledged twice: %s %s" % (list(twice.items())[:5], list(idtwice.items())[:5]))
print("ok - no acknowledgement arrived twice (by recipient and by Message-ID)")
if total - before != n:
    sys.exit("FAIL: the sink got %d mails, wanted %d" % (total - before, n))
print("ok - the sink got exactly %d mails" % n)
EOF
sa=$(grep -c 'ev=sent' "$T/A-worker.log" || true)
sb=$(grep -c 'ev=sent' "$T/B-worker.log" || true)
echo "# sent by worker A: $sa, by worker B: $sb"
assert_eq 0 "$(q "SELECT coalesce(sum(resends), 0) FROM outbox")" "nothing resent"
