# ack.test.sh - routing, SLA due times, the acknowledgement and its
# threading, end to end: mail in through a real Postfix piping to
# `helpdesk-mailgw deliver`, the worker sending the acknowledgement over
# STARTTLS + AUTH to a real SMTP server, the customer's answer to it coming
# back through Postfix into the same ticket.  Also: the SMTP server down,
# retried, nothing doubled; incidents at night alert on-call staff.
source "$(dirname "$0")/lib.sh"
use_peers
I=$T/inst
"$HD" --data "$I" --profile test init >/dev/null
"$HD" --data "$I" queue add support --address support@support.test >/dev/null
"$HD" --data "$I" queue add incident --address incident@support.test >/dev/null
start_smtp_sink
printf 'secret\n' > "$T/smtp.pw"
conf "$I" mail.from_address support@support.test
conf "$I" support.incident_address incident@support.test
conf "$I" support.general_address support@support.test
conf "$I" support.oncall_addresses oncall@ops.test
conf "$I" instance.public_url https://help.example.com
conf "$I" smtp.host 127.0.0.1
conf "$I" smtp.port "$SINK_PORT"
conf "$I" smtp.ca_file "$SINK_CA"
conf "$I" smtp.user agent
conf "$I" smtp.password_file "$T/smtp.pw"
chmod -R a+rwX "$I"
# Key files stay private to the user deliveries run as (root reads them too).
peers_user
for k in "$I"/*.key; do chown "$POSTFIX_USER": "$k"; chmod 600 "$k"; done
start_postfix "$MG --data $I deliver --recipient \${original_recipient}"
chmod 666 "$T/smtp.pw"

# send FILE: SMTP to Postfix, then wait until the queue is empty.
send() {
    swaks --silent 1 --hide-all --server 127.0.0.1:$POSTFIX_PORT \
        --from "$(sed -n 's/^From: .*<\(.*\)>/\1/p' "$1" | head -1)" \
        --to "$(sed -n 's/^X-Rcpt: //p' "$1" | head -1)" --data "$1" \
        || fail "swaks $1"
    local i
    for ((i = 0; i < 100; i++)); do
        [ "$(postfix_queue_count)" = 0 ] && grep -q 'status=sent' "$POSTFIX_LOG" && break
        sleep 0.1
    done
}
tickets() { "$HD" --data "$I" ticket list --json | json "$1"; }

# A general question on Friday 25 December 2026 at 19:30, after hours:
# the answer can only come on Monday 28 December from 10:00.
cat > "$T/q1.eml" <<'MAIL'
From: =?UTF-8?B?5bGx55Sw?= <yamada@customer.test>
To: support@support.test
X-Rcpt: support@support.test
Subject: =?UTF-8?B?6KuL5rGC5pu444Gu5YaN55m66KGM?=
Message-ID: <q1@customer.test>
Date: Fri, 25 Dec 2026 19:30:00 +0900
Content-Type: text/plain; charset=UTF-8

請求書を再発行してください。
MAIL
export HELPDESK_NOW=2026-12-25T19:30:00+09:00
# Postfix runs the gateway with its own environment: pass the clock in.
sed -i "s|argv=|argv=/usr/bin/env HELPDESK_NOW=$HELPDESK_NOW |" "$POSTFIX_DIR/etc/master.cf"
postfix -c "$POSTFIX_DIR/etc" reload >/dev/null 2>&1
sleep 1
send "$T/q1.eml"
assert_eq 1 "$(tickets 'len(d)')" "mail through Postfix opened a ticket"
show=$("$HD" --data "$I" ticket show 10001 --json)
assert_eq general "$(echo "$show" | json 'd["category"]')" "general question"
assert_eq support "$(echo "$show" | json 'd["queue"]')" "queue from the envelope recipient"
assert_eq 2026-12-28T19:00:00+09:00 "$(echo "$show" | json 'd["sla"]["first_response_due"]')" "first response due after 9 business hours from Monday 10:00"

"$HD" --data "$I" worker --once >/dev/null 2>&1
assert_eq 1 "$(sink_count)" "the worker delivered the acknowledgement"
ack=$(ls "$SINK_DIR"/msg-*.eml | head -1)
grep -q '^X-TLS: True' "$ack" || fail "ack went over TLS"
grep -q '^X-Auth: ' "$ack" || fail "ack sent with AUTH"
grep -qi '^Auto-Submitted: auto-replied' "$ack" || fail "Auto-Submitted header"
grep -qi '^X-Loop: helpdesk' "$ack" || fail "X-Loop header"
grep -qi '^In-Reply-To: <q1@customer.test>' "$ack" || fail "ack threads under the question"
subject=$(/usr/bin/python3 - "$ack" <<'PY'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
print(m['subject'])
body = m.get_body().get_content()
open(sys.argv[1] + '.txt', 'w').write(body)
PY
)
assert_contains "$subject" "[Support #10001]" "ticket tag in the subject"
body=$(cat "$ack.txt")
assert_contains "$body" "営業時間外のため、12月28日(月) 10:00以降に順次回答いたします" "promise says when"
assert_contains "$body" "https://help.example.com/t/" "customer link"
ackid=$(sed -n 's/^Message-ID: <\(.*\)>/\1/Ip' "$ack" | head -1)

# The customer answers the acknowledgement: same ticket, no second ack.
cat > "$T/q2.eml" <<MAIL
From: =?UTF-8?B?5bGx55Sw?= <yamada@customer.test>
To: support@support.test
X-Rcpt: support@support.test
Subject: Re: $subject
Message-ID: <q2@customer.test>
In-Reply-To: <$ackid>
References: <q1@customer.test> <$ackid>
Content-Type: text/plain; charset=UTF-8

追加の情報です。
MAIL
send "$T/q2.eml"
assert_eq 1 "$(tickets 'len(d)')" "the answer threads into the same ticket"
assert_eq 3 "$("$HD" --data "$I" ticket show 10001 --json | json 'len(d["messages"])')" "question, ack, answer"
"$HD" --data "$I" worker --once >/dev/null 2>&1
assert_eq 1 "$(sink_count)" "no acknowledgement for a reply"

# Same message delivered twice: recorded once.
send "$T/q2.eml"
assert_eq 3 "$("$HD" --data "$I" ticket show 10001 --json | json 'len(d["messages"])')" "duplicate dropped"

# An incident at 03:00 on New Year's Day: 24/7 clock, on-call alert.
export HELPDESK_NOW=2027-01-01T03:00:00+09:00
sed -i "s|HELPDESK_NOW=[^ ]*|HELPDESK_NOW=$HELPDESK_NOW|" "$POSTFIX_DIR/etc/master.cf"
postfix -c "$POSTFIX_DIR/etc" reload >/dev/null 2>&1
sleep 1
cat > "$T/i1.eml" <<'MAIL'
From: Ops <ops@customer.test>
To: incident@support.test
X-Rcpt: incident@support.test
Subject: Production down
Message-ID: <i1@customer.test>
Content-Type: text/plain; charset=UTF-8

All requests fail with 503.
MAIL
send "$T/i1.eml"
inc=$("$HD" --data "$I" ticket show 10002 --json)
assert_eq incident "$(echo "$inc" | json 'd["category"]')" "incident address gives an incident"
assert_eq high "$(echo "$inc" | json 'd["priority"]')" "incidents are high priority"
assert_eq 2027-01-01T04:00:00+09:00 "$(echo "$inc" | json 'd["sla"]["first_response_due"]')" "incident clock runs at 03:00 on 1/1"
assert_contains "$(echo "$inc" | json '[h["detail"] for h in d["history"]]')" "routed by rule 2 (Mail to the incident address is an incident): channel is incident" "routing reason in history"

# The SMTP server is down: nothing lost, nothing doubled.
stop_pid "$(for p in "${PEERS_PIDS[@]}"; do case $p in sink:*) echo "${p#sink:}";; esac; done | head -1)" 2>/dev/null || true
"$HD" --data "$I" worker --once >/dev/null 2>&1 || true
queued=$(sql "$I" "select count(*) from outbox where state='queued'")
assert_eq 2 "$queued" "ack and alert stay queued while the server is down"
old_dir=$SINK_DIR
start_smtp_sink
conf "$I" smtp.port "$SINK_PORT"
conf "$I" smtp.ca_file "$SINK_CA"
export HELPDESK_NOW=2027-01-01T03:30:00+09:00
"$HD" --data "$I" worker --once >/dev/null 2>&1
assert_eq 2 "$(sink_count)" "retried and delivered when the server is back"
"$HD" --data "$I" worker --once >/dev/null 2>&1
assert_eq 2 "$(sink_count)" "nothing doubled"
grep -l 'oncall@ops.test' "$SINK_DIR"/msg-*.eml >/dev/null || fail "on-call alert delivered"
pass "on-call alert delivered"
