#!/bin/bash
# postfix_deliver.test.sh - a real Postfix pipes mail into
# `helpdesk-mailgw deliver` as an unprivileged user: tickets open, replies
# thread, resent mail is stored once, a locked database defers the mail in
# Postfix's queue (exit 75) and the retry stores it exactly once, garbage
# still opens a ticket (needs review), the incident address routes.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib/peers.sh"
peers_init
trap 'rc=$?; exec 7>&- 2>/dev/null; peers_stop_all; (exit $rc); _hd_exit' EXIT

D=$T/inst
"$HD" --data "$D" init >/dev/null
cat >>"$D/helpdesk.conf" <<CONF
mail.deliver_busy_ms = 1500
support.incident_address = help@incident.test
support.general_address = support@support.test
CONF
peers_user
chown -R hdtest: "$D"
start_postfix "$MG --data $D deliver --recipient \${recipient}"

sql() { sqlite3 -cmd '.timeout 5000' "$D/helpdesk.db" "$1"; }
msgs() { sql "SELECT count(*) FROM message WHERE message_id = '$1'"; }
# send FILE RCPT: one message through Postfix's SMTP port.
send() {
    swaks --silent 2 --server "127.0.0.1:$POSTFIX_PORT" --from ann@example.org \
        --to "$2" --data "$1" >/dev/null 2>"$T/swaks.err" ||
        fail "swaks: $(cat "$T/swaks.err")"
}
# wait_sql QUERY WANT: until QUERY prints WANT (bounded, 30 s).
wait_sql() {
    local i
    for ((i = 0; i < 300; i++)); do
        [ "$(sql "$1" 2>/dev/null)" = "$2" ] && return 0
        sleep 0.1
    done
    return 1
}
# mail ID SUBJECT [EXTRA-HEADER]: a small message in $T/ID.eml.
mail() {
    printf 'From: Ann <ann@example.org>\r\nTo: support@support.test\r\nSubject: %s\r\nMessage-ID: <%s@example.org>\r\nDate: Mon, 07 Dec 2026 10:00:00 +0900\r\n%sContent-Type: text/plain; charset=utf-8\r\n\r\nBody of %s.\r\n' \
        "$2" "$1" "${3:-}" "$1" >"$T/$1.eml"
}

# --- a new ticket, then a reply into it -------------------------------
mail p1 "Printer out of toner"
send "$T/p1.eml" support@support.test
wait_sql "SELECT count(*) FROM message WHERE message_id = 'p1@example.org'" 1 ||
    fail "no ticket from Postfix: $(tail -5 "$POSTFIX_LOG")"
pass "Postfix -> pipe -> deliver opened a ticket"
assert_eq general "$(sql "SELECT category FROM ticket t JOIN message m ON m.ticket_id = t.id WHERE m.message_id = 'p1@example.org'")" \
    "support address: general"
mail p2 "Re: Printer out of toner" $'In-Reply-To: <p1@example.org>\r\n'
send "$T/p2.eml" support@support.test
wait_sql "SELECT count(*) FROM message WHERE message_id = 'p2@example.org'" 1 ||
    fail "reply not delivered"
assert_eq 1 "$(sql "SELECT count(DISTINCT ticket_id) FROM message WHERE message_id IN ('p1@example.org', 'p2@example.org')")" \
    "the reply threaded into the same ticket"

# --- the same message twice: stored once ------------------------------
send "$T/p1.eml" support@support.test
postfix_wait_empty || fail "resent message stuck in the queue"
grep -c 'status=sent' "$POSTFIX_LOG" | grep -qx 3 || fail "3 deliveries expected"
assert_eq 1 "$(msgs p1@example.org)" "same Message-ID and body: one message"

# --- database locked longer than deliver_busy_ms: deferred, then once --
mkfifo "$T/lockfifo"
sqlite3 "$D/helpdesk.db" <"$T/lockfifo" >"$T/lock.out" 2>&1 &
lockpid=$!
exec 7>"$T/lockfifo"
echo "BEGIN EXCLUSIVE; SELECT 'locked';" >&7
wait_file "$T/lock.out" || fail "sqlite3 did not take the lock"
mail l1 "Locked out"
send "$T/l1.eml" support@support.test
for ((i = 0; i < 300; i++)); do
    grep -q 'status=deferred' "$POSTFIX_LOG" && break
    sleep 0.1
done
deferred=$(grep 'status=deferred' "$POSTFIX_LOG" || true)
assert_contains "$deferred" "deliver deferred" "Postfix deferred with our reason"
assert_eq 1 "$(postfix_queue_count)" "the message waits in Postfix's queue"
assert_eq 0 "$(msgs l1@example.org)" "nothing stored while locked"
echo "COMMIT;" >&7
exec 7>&-
wait $lockpid || true
postfix_flush
postfix_wait_empty || fail "deferred mail not delivered after the flush"
assert_eq 1 "$(msgs l1@example.org)" "delivered exactly once after the lock"

# --- garbage still opens a ticket; a MIME bomb is flagged for review ---
# (Postfix gives headerless bytes a From, Date and Message-ID of its own,
# so plain garbage arrives as a readable message with a garbage body.)
printf '\x00\x01\xff\xfe garbage \x00\r\n\r\n\x80\x81 not mail\r\n' >"$T/g.eml"
before=$(sql "SELECT count(*) FROM ticket")
send "$T/g.eml" support@support.test
wait_sql "SELECT count(*) FROM ticket" $((before + 1)) ||
    fail "garbage opened no ticket: $(tail -3 "$POSTFIX_LOG")"
pass "binary garbage opened a ticket"
{
    printf 'From: x@example.org\r\nTo: support@support.test\r\nSubject: nested\r\n'
    printf 'Message-ID: <bomb@example.org>\r\nMIME-Version: 1.0\r\n'
    for ((k = 0; k < 60; k++)); do
        printf 'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' $k $k
    done
    printf 'Content-Type: text/plain\r\n\r\ninnermost\r\n'
} >"$T/bomb.eml"
send "$T/bomb.eml" support@support.test
wait_sql "SELECT count(*) FROM message WHERE message_id = 'bomb@example.org'" 1 ||
    fail "nested MIME not delivered: $(tail -3 "$POSTFIX_LOG")"
assert_eq 1 "$(sql "SELECT needs_review FROM ticket t JOIN message m ON m.ticket_id = t.id WHERE m.message_id = 'bomb@example.org'")" \
    "MIME nested past the limit: ticket flagged needs_review"
mail i1 "Question about invoices"
send "$T/i1.eml" help@incident.test
wait_sql "SELECT count(*) FROM message WHERE message_id = 'i1@example.org'" 1 ||
    fail "incident mail not delivered"
assert_eq incident "$(sql "SELECT category FROM ticket t JOIN message m ON m.ticket_id = t.id WHERE m.message_id = 'i1@example.org'")" \
    "incident address: category incident"
