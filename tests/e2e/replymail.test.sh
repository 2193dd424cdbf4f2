#!/bin/bash
# replymail.test.sh - agents answer from their mail client.  A customer's
# incident alerts the on-call agents (the worker sends it to a real SMTP
# sink) with a Reply-To carrying a per-ticket, per-agent token; the
# agent's answer to it, through the LMTP server and through `deliver`,
# reaches the customer (the sink again) as that agent's reply with only
# the new text, or becomes an internal note with the #note marker.  A
# forged token, the right token from another sender, another ticket's
# number under a token, a vacation auto-reply, a disabled agent and an
# agent without the ticket's queue are each refused: accepted (exit 0 /
# 250, so no bounce to a forged sender), logged at warning without the
# token, counted in /metrics, and nothing changes in the ticket tables;
# spam and a DMARC failure are refused the same way.  An SLA escalation
# to the assignee carries the reply address too; a reply key that cannot
# be read costs the Reply-To, never the alert.
source "$(dirname "$0")/lib.sh"
use_peers
CLIENT="python3 $HD_SRC/tests/e2e/lib/lmtp_client.py"
I=$T/inst
S=$T/lmtp.sock
export HELPDESK_NOW=2026-12-08T03:00:00+09:00
"$HD" --data "$I" --profile test init >/dev/null
"$HD" --data "$I" queue add support --address support@support.test >/dev/null
"$HD" --data "$I" queue add incident --address incident@support.test >/dev/null
start_smtp_sink --plain
conf "$I" mail.from_address support@support.test
conf "$I" support.incident_address incident@support.test
conf "$I" support.general_address support@support.test
conf "$I" smtp.host 127.0.0.1
conf "$I" smtp.port "$SINK_PORT"
conf "$I" smtp.tls none
conf "$I" mail.lmtp_socket "$S"
adduser() { # email name queues
    printf 'pw-%s-2026-long\n' "$1" | "$HD" --data "$I" user add --email "$1" \
        --name "$2" --role agent --queues "$3" --json | json 'd["id"]'
}
ANN=$(adduser ann@staff.test "Ann Agent" incident)
BOB=$(adduser bob@staff.test "Bob Other" support)
CAROL=$(adduser carol@staff.test "Carol Gone" incident)
for u in ann bob carol; do "$HD" --data "$I" user oncall $u@staff.test on >/dev/null; done
dbq() { sql "$I" "$1"; }
worker() { "$HD" --data "$I" worker --once >/dev/null 2>&1; }
# mail_to ADDR: the sink's newest mail to ADDR.
mail_to() { grep -l "^To: .*$1" "$SINK_DIR"/msg-*.eml | xargs ls -t | head -1; }
header() { # FILE NAME
    python3 -c 'import email,sys; m=email.message_from_binary_file(open(sys.argv[1],"rb")); print(m.get(sys.argv[2],""))' "$1" "$2"
}
body() { python3 -c 'import email,email.policy,sys; m=email.message_from_binary_file(open(sys.argv[1],"rb"),policy=email.policy.default); print(m.get_body().get_content())' "$1"; }

# ---- the alert carries the agent's reply address ------------------------
printf 'From: Yamada <yamada@customer.test>\nTo: incident@support.test\nSubject: Site down\nMessage-ID: <q1@customer.test>\n\nThe site is down since 02:50.\n' |
    "$MG" --data "$I" deliver --recipient incident@support.test
printf 'From: Sato <sato@customer.test>\nTo: incident@support.test\nSubject: API errors\nMessage-ID: <q2@customer.test>\n\nThe API answers 500.\n' |
    "$MG" --data "$I" deliver --recipient incident@support.test
worker
alert=$(mail_to ann@staff.test)
[ -n "$alert" ] || fail "no alert to ann in the sink"
reply_to=$(header "$alert" Reply-To)
[[ "$reply_to" =~ ^support\+t1000[12]\.u$ANN\.[0-9a-f]{20}@support\.test$ ]] ||
    fail "alert's Reply-To is ann's reply address: [$reply_to]"
pass "the alert to ann carries her reply address"
assert_contains "$(header "$alert" Auto-Submitted)" "auto-" "the alert is marked Auto-Submitted"
N=$(sed -n 's/^support+t\([0-9]*\)\..*/\1/p' <<<"$reply_to")
T1=$(grep -l "^To: .*ann@staff.test" "$SINK_DIR"/msg-*.eml | xargs grep -l "t10001\.u" | head -1)
T2=$(grep -l "^To: .*ann@staff.test" "$SINK_DIR"/msg-*.eml | xargs grep -l "t10002\.u" | head -1)
A1=$(header "$T1" Reply-To); A2=$(header "$T2" Reply-To)
B1=$(header "$(grep -l "^To: .*bob@staff.test" "$SINK_DIR"/msg-*.eml | xargs grep -l "t10001\.u" | head -1)" Reply-To)
C1=$(header "$(grep -l "^To: .*carol@staff.test" "$SINK_DIR"/msg-*.eml | xargs grep -l "t10001\.u" | head -1)" Reply-To)
for a in "$A1" "$A2" "$B1" "$C1"; do [ -n "$a" ] || fail "a Reply-To of every on-call agent"; done
ALERT_ID=$(header "$T1" Message-ID)
SENT=$(sink_count)

# ---- an answer through the LMTP server: the customer gets the new text --
"$MG" --data "$I" lmtp >"$T/lmtp.out" 2>>"$T/lmtp.log" &
LMTP_PID=$!
peers_register lmtp $LMTP_PID
wait_file "$T/lmtp.out" || fail "lmtp server did not start: $(cat "$T/lmtp.log")"
cat >"$T/r1.eml" <<MAIL
From: Ann Agent <ann@staff.test>
To: $A1
Subject: Re: [Support #10001] Site down
Message-ID: <r1@staff.test>
In-Reply-To: $ALERT_ID
Content-Type: text/plain; charset=UTF-8

We restarted the load balancer; the site is back.

On Tue, Dec 8, 2026 at 3:00 AM Support <support@support.test> wrote:
> The site is down since 02:50.
> Due: ...

-- 
Ann Agent, on call
MAIL
out=$($CLIENT "$S" "$A1" <"$T/r1.eml") || fail "lmtp: $out"
assert_contains "$out" "250 " "the LMTP server took the answer"
case "$out" in *"${A1%%@*}"*) fail "the LMTP reply echoes the token: $out" ;; esac
pass "the LMTP reply does not echo the token"
row=$(dbq "SELECT kind || '|' || author_user_id || '|' || body_text FROM message WHERE ticket_id = (SELECT id FROM ticket WHERE number = 10001) ORDER BY id DESC LIMIT 1")
assert_eq "outbound|$ANN|We restarted the load balancer; the site is back." "$row" \
    "the ticket holds ann's reply with only the new text"
assert_contains "$("$HD" --data "$I" ticket show 10001 --json)" \
    "We restarted the load balancer" "the ticket shows the reply"
assert_eq 1 "$(dbq "SELECT count(*) FROM audit WHERE action = 'ticket.reply' AND actor = 'user:$ANN' AND source = 'mailgw'")" \
    "audited as ann's reply from mail"
worker
to_customer=$(mail_to yamada@customer.test)
b=$(body "$to_customer")
assert_contains "$b" "We restarted the load balancer; the site is back." "the customer received the reply"
case "$b" in *"down since"* | *"on call"* | *"wrote:"*) fail "quote or signature reached the customer: $b" ;; esac
pass "no quote or signature reached the customer"
assert_eq "Yamada <yamada@customer.test>" "$(header "$to_customer" To)" "sent to the requester"
SENT=$(sink_count)

# ---- the marker: an internal note, nothing to the customer (deliver) ---
kill $LMTP_PID; wait $LMTP_PID 2>/dev/null || true
printf 'From: ann@staff.test\nTo: %s\nSubject: Re: alert\nMessage-ID: <r2@staff.test>\n\n#note\nChecked the logs: disk full on web2.\n\n> The site is down\n' "$A1" |
    "$MG" --data "$I" deliver --recipient "$A1" 2>"$T/deliver.err" || fail "deliver of the note"
row=$(dbq "SELECT kind || '|' || author_user_id || '|' || body_text FROM message WHERE ticket_id = (SELECT id FROM ticket WHERE number = 10001) ORDER BY id DESC LIMIT 1")
assert_eq "note|$ANN|Checked the logs: disk full on web2." "$row" "#note made an internal note"
worker
assert_eq "$SENT" "$(sink_count)" "the note mailed no one"
# The MTA retrying the same mail (deliver killed after our commit, before
# it exited) posts nothing again.
notes() { dbq "SELECT count(*) FROM message WHERE kind = 'note' AND ticket_id = (SELECT id FROM ticket WHERE number = 10001)"; }
n_before=$(notes)
printf 'From: ann@staff.test\nTo: %s\nSubject: Re: alert\nMessage-ID: <r2@staff.test>\n\n#note\nChecked the logs: disk full on web2.\n\n> The site is down\n' "$A1" |
    "$MG" --data "$I" deliver --recipient "$A1" 2>"$T/deliver2.err" || fail "deliver of the same note again"
assert_eq "$n_before" "$(notes)" "the same mail delivered again adds no second note"
grep -q "ev=again" "$T/deliver2.err" || fail "the retry is logged as already posted: $(cat "$T/deliver2.err")"

# ---- refusals -----------------------------------------------------------
"$HD" --data "$I" user disable carol@staff.test >/dev/null
TABLES="ticket message event outbox contact audit attachment blob ticket_cc"
dump() { for t in $TABLES; do echo "== $t"; dbq "SELECT * FROM $t ORDER BY 1"; done; }
dump >"$T/before.txt"
refused_rows() { dbq "SELECT count(*) FROM security_log WHERE kind = 'reply_refused'"; }
mac1=${A1#*.u$ANN.}; mac1=${mac1%@*}
flip=$( [ "${mac1:0:1}" = 0 ] && echo 1 || echo 0 )
FORGED="support+t10001.u$ANN.$flip${mac1:1}@support.test"
OTHER_TICKET="support+t10002.u$ANN.$mac1@support.test"
# refuse NAME FROM RCPT REASON [EXTRA-HEADER]
refuse() {
    local before
    before=$(refused_rows)
    printf 'From: %s\nTo: %s\nSubject: Re: alert\nMessage-ID: <%s@x.test>\n%s\n\nPlease close it.\n' \
        "$2" "$3" "$1" "${5:-}" >"$T/$1.eml"
    set +e
    "$MG" --data "$I" deliver --recipient "$3" <"$T/$1.eml" >/dev/null 2>"$T/$1.err"
    local rc=$?
    set -e
    assert_eq 0 "$rc" "$1: deliver exits 0 (no bounce to the sender)"
    assert_contains "$(cat "$T/$1.err")" "level=warn prog=helpdesk-mailgw mod=replymail ev=refused" "$1: logged at warning"
    assert_contains "$(cat "$T/$1.err")" "$4" "$1: the reason is logged"
    if [[ $3 =~ \.u[0-9]+\.([0-9a-f]+)@ ]]; then
        ! grep -q "${BASH_REMATCH[1]}" "$T/$1.err" || fail "$1: the token is in the log"
        pass "$1: the token is not in the log"
    fi
    assert_eq $((before + 1)) "$(refused_rows)" "$1: a security-log row"
}
refuse forged ann@staff.test "$FORGED" "bad reply token"
refuse other_sender mallory@evil.test "$A1" "the sender is not the user's own address"
refuse other_ticket ann@staff.test "$OTHER_TICKET" "bad reply token"
refuse vacation ann@staff.test "$A1" "automatic mail" \
    "$(printf 'Auto-Submitted: auto-replied\nX-Autoreply: yes')"
refuse disabled carol@staff.test "$C1" "the user is disabled"
refuse no_grant bob@staff.test "$B1" "not granted the ticket's queue"
refuse spam ann@staff.test "$A1" "spam" "X-Spam-Flag: YES"
refuse dmarc ann@staff.test "$A1" "DMARC fail" \
    "Authentication-Results: mx.support.test; dmarc=fail (p=reject) header.from=staff.test"
refuse malformed ann@staff.test "support+t10001.u$ANN@support.test" "malformed reply address"
worker
dump >"$T/after.txt"
diff "$T/before.txt" "$T/after.txt" >"$T/diff.txt" || fail "refused mail changed the store: $(head -20 "$T/diff.txt")"
pass "nothing changed in the ticket tables"
assert_eq "$SENT" "$(sink_count)" "no acknowledgement or bounce went out"
assert_eq 2 "$(dbq "SELECT count(*) FROM ticket")" "no ticket from a refused mail"

# ---- /metrics counts them -----------------------------------------------
start_web "$I"
m=$(curl -sf "$URL/metrics")
assert_contains "$m" "helpdesk_reply_refused_total 9" "/metrics counts the refusals"

# ---- an SLA escalation to the assignee carries the reply address too ---
"$HD" --data "$I" ticket set 10002 --assignee ann@staff.test >/dev/null
export HELPDESK_NOW=2026-12-09T03:00:00+09:00
worker # escalates and queues the mail
worker # sends it
esc=$(grep -l "^Subject: .*SLA" "$SINK_DIR"/msg-*.eml | xargs grep -l "^To: .*ann@staff.test" | head -1)
[ -n "$esc" ] || fail "no escalation mail to ann"
assert_eq "$A2" "$(header "$esc" Reply-To)" "the escalation to ann carries her address for ticket 10002"

# ---- a reply key that cannot be read costs the Reply-To, not the alert --
rm -f "$I/reply.key"
mkdir "$I/reply.key"
printf 'From: Kato <kato@customer.test>\nTo: incident@support.test\nSubject: DNS down\nMessage-ID: <q3@customer.test>\n\nNo DNS.\n' |
    "$MG" --data "$I" deliver --recipient incident@support.test 2>"$T/q3.err" || fail "deliver with a broken reply key"
worker
a3=$(grep -l "^To: .*ann@staff.test" "$SINK_DIR"/msg-*.eml | xargs grep -l "DNS down" | head -1)
[ -n "$a3" ] || fail "the alert went out without a reply key"
assert_eq "" "$(header "$a3" Reply-To)" "without the key the alert has no Reply-To"
assert_contains "$(cat "$T/q3.err")" "ev=reply_key" "the missing key is logged"
