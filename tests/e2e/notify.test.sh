#!/bin/bash
# notify.test.sh - agents hear about their tickets (docs/agents.md#notifications):
# an assignment tells the assignee (not the assigner), the customer's
# answer tells the assignee, an @mention in a note tells the one named,
# an opted-in queue's new ticket tells the agent who opted in; the actor
# is never told, nor anyone about our own automatic mail (an
# acknowledgement coming back) or spam, nor an agent without the ticket's
# queue.  Mail goes through the worker and the outbox to a real SMTP
# server: ten events inside the digest window make one digest, a
# preference turned off makes none.  The list page marks read with its
# CSRF token; the preferences page refuses a queue not granted.
source "$(dirname "$0")/lib.sh"
source "$HD_SRC/tests/e2e/lib/agent.sh"
use_peers
I=$T/inst
DB=$I/helpdesk.db
PW=correct-horse-battery-9
hd() { "$HD" --data "$I" "$@"; }
q() { sql "$DB" "$1"; }
at() { export HELPDESK_NOW="2026-12-08T$1+09:00"; }
at 11:00:00
hd --profile test init >/dev/null
hd queue add support --address support@support.test >/dev/null
hd queue add billing --address billing@support.test >/dev/null
useradd_() { echo "$PW" | hd user add --email "$1@support.test" --name "$1" --role "$2" ${3:+--queues "$3"} >/dev/null; }
useradd_ ann agent support
useradd_ bob agent support
useradd_ cat agent billing
useradd_ root admin
start_smtp_sink
printf 'secret\n' > "$T/smtp.pw"
conf "$I" instance.public_url https://help.example.com
conf "$I" mail.from_address support@support.test
conf "$I" smtp.host 127.0.0.1
conf "$I" smtp.port "$SINK_PORT"
conf "$I" smtp.ca_file "$SINK_CA"
conf "$I" smtp.user agent
conf "$I" smtp.password_file "$T/smtp.pw"
conf "$I" support.notify_digest_seconds 120

n=0
mail() { # RCPT [EXTRA-HEADER]: a new ticket from the customer; number in $t
    n=$((n + 1))
    printf 'From: Ann Customer <cust@cust.test>\nTo: %s\nSubject: Case %s\nMessage-ID: <c%s@cust.test>\n%sContent-Type: text/plain; charset=UTF-8\n\nHelp %s.\n' \
        "$1" "$n" "$n" "${2:+$2
}" "$n" | "$MG" --data "$I" deliver --recipient "$1" >/dev/null
    t=$(q "SELECT max(number) FROM ticket")
}
answer() { # NUMBER: the customer writes again on ticket NUMBER
    n=$((n + 1))
    printf 'From: Ann Customer <cust@cust.test>\nTo: support@support.test\nSubject: Re: [Support #%s] more\nMessage-ID: <c%s@cust.test>\nContent-Type: text/plain; charset=UTF-8\n\nStill broken (%s).\n' \
        "$1" "$n" "$n" | "$MG" --data "$I" deliver --recipient support@support.test >/dev/null
}
told() { # USER KIND: notifications of that kind for the user
    q "SELECT count(*) FROM notification WHERE kind = '$2' AND user_id = (SELECT id FROM user WHERE email = '$1@support.test')"
}
# mails USER KIND: mails to the user whose X-Helpdesk-Notify is KIND
mails() {
    local f k=0
    for f in "$SINK_DIR"/msg-*.eml; do
        [ -e "$f" ] || continue
        grep -q "^To: .*<$1@support.test>" "$f" && grep -qi "^X-Helpdesk-Notify: $2" "$f" && k=$((k + 1))
    done
    echo "$k"
}
worker() { hd worker --once >/dev/null 2>&1 || fail "worker: $(hd worker --once 2>&1 | tail -2)"; }

# ---- assignment ------------------------------------------------------------
mail support@support.test; T1=$t
hd ticket set "$T1" --assignee ann@support.test --as bob@support.test >/dev/null
assert_eq 1 "$(told ann assigned)" "assigned by Bob: Ann is told"
assert_eq 0 "$(q 'SELECT count(*) FROM notification WHERE user_id = (SELECT id FROM user WHERE email = "bob@support.test")')" "... Bob, who assigned, is not"
worker
assert_eq 0 "$(mails ann assigned)" "no mail inside the digest window"
at 11:02:01
worker
assert_eq 1 "$(mails ann assigned)" "the window over: one mail to Ann"
assert_eq 0 "$(mails bob '')" "no mail to Bob"
f=$(grep -l '^X-Helpdesk-Notify: assigned' "$SINK_DIR"/msg-*.eml | head -1)
grep -q '^Auto-Submitted: auto-generated' "$f" || fail "a notification is marked automatic"
# Answering the notification answers the customer (reply by mail).
ra=$(grep -m1 '^Reply-To:' "$f" | tr -d '\r' | sed 's/^Reply-To: *//; s/.*<//; s/>.*//')
case "$ra" in *"+t$T1.u"*@*) ;; *) fail "a one-ticket notification carries Ann's reply address for #$T1 (got '$ra')" ;; esac
printf 'From: Ann <ann@support.test>\nTo: %s\nSubject: Re: notification\nMessage-ID: <ann-answer@support.test>\nContent-Type: text/plain; charset=UTF-8\n\nRestarted the service, please retry.\n\n> quoted notification\n' \
    "$ra" | "$MG" --data "$I" deliver --recipient "$ra" >"$T/ra.out" 2>&1 || fail "deliver of Ann's answer: $(cat "$T/ra.out")"
worker
assert_eq 1 "$(python3 - "$SINK_DIR" <<'PY'
import email, email.policy, glob, sys
k = 0
for f in glob.glob(sys.argv[1] + "/msg-*.eml"):
    m = email.message_from_binary_file(open(f, "rb"), policy=email.policy.default)
    if "cust@cust.test" in str(m["To"]):
        b = m.get_body(("plain",))
        if b is not None and "Restarted the service" in b.get_content():
            k += 1
print(k)
PY
)" "Ann's answer to the notification reaches the customer once"
grep -q "^Subject: .*#$T1\]" "$f" || grep -q "^Subject: =?UTF-8?" "$f" || fail "subject carries the ticket"
assert_eq 1 "$(q "SELECT count(*) FROM outbox WHERE kind = 'notify' AND state = 'sent'")" "through the outbox, sent once"
worker
assert_eq 1 "$(mails ann assigned)" "a second tick sends nothing again"

at 11:10:00
mail support@support.test; T2=$t
hd ticket set "$T2" --assignee ann@support.test --as ann@support.test >/dev/null
assert_eq 1 "$(told ann assigned)" "Ann assigning herself is not told"

# ---- the customer answers ----------------------------------------------------
answer "$T1"
assert_eq 1 "$(told ann answered)" "the customer's answer tells the assignee"
# our own acknowledgement coming back (X-Loop) is automatic: nobody hears
ack=$(grep -l "^X-Loop:" $(grep -L '^X-Helpdesk-Notify' "$SINK_DIR"/msg-*.eml) | head -1)
[ -n "$ack" ] || fail "an acknowledgement in the sink"
sed "s/^Subject: .*/Subject: [Support #$T1] back/" "$ack" |
    "$MG" --data "$I" deliver --recipient support@support.test >/dev/null
assert_eq 1 "$(told ann answered)" "our acknowledgement coming back tells nobody"
printf 'From: cust@cust.test\nTo: support@support.test\nSubject: Auto: [Support #%s] away\nAuto-Submitted: auto-replied\nMessage-ID: <away@cust.test>\n\nI am away.\n' "$T1" |
    "$MG" --data "$I" deliver --recipient support@support.test >/dev/null
assert_eq 1 "$(told ann answered)" "... nor an auto-reply"
assert_eq "$T1" "$(q "SELECT t.number FROM message m JOIN ticket t ON t.id = m.ticket_id WHERE m.message_id = 'away@cust.test'")" "(the auto-reply was threaded into the ticket)"

# ---- mentions ----------------------------------------------------------------
printf 'Ask @ANN about it; mail ann@support.test or @ann. @nobody\n' > "$T/note"
hd ticket note "$T1" --as bob@support.test --body-file "$T/note" >/dev/null
assert_eq 1 "$(told ann mentioned)" "@ann in Bob's note: Ann told once (any case, address not a mention)"
printf '@bob see this\n' > "$T/note"
hd ticket note "$T1" --as bob@support.test --body-file "$T/note" >/dev/null
assert_eq 0 "$(told bob mentioned)" "Bob mentioning himself is not told"
printf '@cat can you help?\n' > "$T/note"
hd ticket note "$T1" --as bob@support.test --body-file "$T/note" >/dev/null
assert_eq 0 "$(told cat mentioned)" "Cat, without support's grant, is not told about its ticket"

# ---- digest --------------------------------------------------------------------
at 11:20:00
worker # the answer and the mention: one digest of two
base=$(mails ann digest)
assert_eq 1 "$base" "two notifications inside the window: one digest"
for i in 0 1 2 3 4 5 6 7 8 9; do
    at "11:30:0$i"
    printf 'step %s for @ann\n' "$i" > "$T/note"
    hd ticket note "$T1" --as bob@support.test --body-file "$T/note" >/dev/null
done
at 11:31:00
worker
assert_eq "$base" "$(mails ann digest)" "nothing before the window ends"
at 11:32:01
worker
assert_eq $((base + 1)) "$(mails ann digest)" "ten mentions inside the window: one digest"
f=$(ls -t $(grep -l '^X-Helpdesk-Notify: digest' "$SINK_DIR"/msg-*.eml) | head -1)
grep -q '^Reply-To:' "$f" && fail "a digest of several tickets carries no reply address"
assert_eq 10 "$(python3 -c '
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
print(m.get_body().get_content().count("/agent/tickets/"))' "$f")" "the digest lists all ten"

# ---- the web: list, mark read, preferences ----------------------------------------
agent_web_start "$I"
assert_eq 303 "$(login ann ann@support.test "$PW")" "Ann signs in"
unread=$(q "SELECT count(*) FROM notification WHERE read_at IS NULL AND user_id = (SELECT id FROM user WHERE email = 'ann@support.test')")
c ann "$URL/agent/notifications.json" >/dev/null
assert_eq "$unread" "$(json 'd["unread"]' < "$T/body")" "notifications.json counts Ann's unread"
assert_eq 200 "$(c ann "$URL/agent/notifications")" "the list page"
grep -q "id=\"notify-count\"[^>]*>$unread<" "$T/body" || fail "the header shows the count"
grep -q "/agent/tickets/$T1\"" "$T/body" || fail "the list links the ticket"
id=$(q "SELECT max(id) FROM notification WHERE user_id = (SELECT id FROM user WHERE email = 'ann@support.test')")
tok=$(csrf)
assert_eq 403 "$(c ann -X POST --data "id=$id" "$URL/agent/notifications/read")" "mark read without the CSRF token: refused"
assert_eq 303 "$(c ann -X POST --data-urlencode "csrf=$tok" --data "id=$id" "$URL/agent/notifications/read")" "mark one read"
c ann "$URL/agent/notifications.json" >/dev/null
assert_eq $((unread - 1)) "$(json 'd["unread"]' < "$T/body")" "one fewer unread"
assert_eq 303 "$(login bob bob@support.test "$PW")" "Bob signs in"
c bob "$URL/agent/notifications" >/dev/null; btok=$(csrf)
c bob -X POST --data-urlencode "csrf=$btok" "$URL/agent/notifications/read" >/dev/null
assert_eq $((unread - 1)) "$(q "SELECT count(*) FROM notification WHERE read_at IS NULL AND user_id = (SELECT id FROM user WHERE email = 'ann@support.test')")" "Bob's mark-all leaves Ann's alone"
c ann "$URL/agent/notifications" >/dev/null; tok=$(csrf)
c ann -X POST --data-urlencode "csrf=$tok" "$URL/agent/notifications/read" >/dev/null
c ann "$URL/agent/notifications.json" >/dev/null
assert_eq 0 "$(json 'd["unread"]' < "$T/body")" "mark all read"

SUP=$(q "SELECT id FROM queue WHERE name = 'support'")
BIL=$(q "SELECT id FROM queue WHERE name = 'billing'")
assert_eq 200 "$(c ann "$URL/agent/preferences")" "the preferences page"
grep -q "name=\"queue_$SUP\"" "$T/body" || fail "support offered"
grep -q "name=\"queue_$BIL\"" "$T/body" && fail "billing, not granted, is not offered"
tok=$(csrf)
assert_eq 400 "$(c ann -X POST --data-urlencode "csrf=$tok" --data "queue_$BIL=1" "$URL/agent/preferences")" "opting in to a queue not granted: refused"
assert_eq 0 "$(q 'SELECT count(*) FROM notify_queue')" "... nothing stored"
assert_eq 403 "$(c ann -X POST --data "queue_$SUP=1" "$URL/agent/preferences")" "preferences without the CSRF token: refused"
# Ann: every kind by mail except the customer's answers; support's new tickets.
assert_eq 303 "$(c ann -X POST --data-urlencode "csrf=$tok" --data 'mail_assigned=1&mail_mentioned=1&mail_new_ticket=1' --data "queue_$SUP=1" "$URL/agent/preferences")" "preferences saved"
c ann "$URL/agent/preferences" >/dev/null
grep -q 'name="mail_answered" id="mail-answered">' "$T/body" || fail "answered shown off"
grep -q "name=\"queue_$SUP\" id=\"queue-$SUP\" checked" "$T/body" || fail "support shown opted in"

# ---- preference off: listed, not mailed -------------------------------------------
at 12:00:00
before=$(ls "$SINK_DIR"/msg-*.eml | wc -l)
answer "$T1"
assert_eq 2 "$(told ann answered)" "with mail off the answer is still listed"
at 12:05:00
worker
assert_eq "$before" "$(ls "$SINK_DIR"/msg-*.eml | wc -l)" "... and no mail goes out"

# ---- queue opt-in ----------------------------------------------------------------
# Cat opted in to support while she had it; the grant was taken away since.
q "INSERT INTO notify_queue(user_id, queue_id) SELECT id, $SUP FROM user WHERE email = 'cat@support.test'"
at 12:10:00
mail support@support.test; T3=$t
assert_eq 1 "$(told ann new_ticket)" "a new support ticket tells Ann, opted in"
assert_eq 0 "$(told cat new_ticket)" "... not Cat, without support's grant"
assert_eq 0 "$(told bob new_ticket)" "... nor Bob, not opted in"
mail support@support.test 'X-Spam-Flag: YES'
assert_eq 1 "$(told ann new_ticket)" "held spam tells nobody"
assert_eq 1 "$(q "SELECT spam FROM ticket WHERE number = $t")" "(that mail was held as spam)"
at 12:12:01
worker
assert_eq 1 "$(mails ann new_ticket)" "the new ticket by mail"
assert_eq 0 "$(mails cat '')" "nothing ever mailed to Cat"
pass "notify test done"
