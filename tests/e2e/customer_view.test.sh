# customer_view.test.sh - the customer's link to a ticket (/t/TOKEN): sent
# in the acknowledgement, shows status, category, promised answer time and
# the thread without internal notes; its reply form enters the ticket as a
# mail reply would (CSRF-checked); unknown and expired links are 404; every
# view is in the security log.
source "$(dirname "$0")/lib.sh"
I=$T/inst
export HELPDESK_NOW=2026-12-25T19:30:00+09:00
"$HD" --data "$I" init >/dev/null
"$HD" --data "$I" queue add support --address support@support.test >/dev/null
conf "$I" instance.public_url https://help.example.com
conf "$I" mail.from_address support@support.test
printf 'From: Ann <ann@cust.test>\nTo: support@support.test\nSubject: Invoice <b>copy</b>\nMessage-ID: <c1@cust.test>\nContent-Type: text/plain; charset=UTF-8\n\nPlease resend the invoice.\n' \
    | "$MG" --data "$I" deliver --recipient support@support.test 2>/dev/null
token=$(sql "$I" "select raw from outbox where kind='ack'" | /usr/bin/python3 -c '
import email, email.policy, re, sys
m = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.default)
print(re.search(r"https://help.example.com/t/([A-Za-z0-9_-]+)", m.get_body().get_content()).group(1))')
[ -n "$token" ] || fail "token in the acknowledgement"
# ack_text ID: the From line and the body of the acknowledgement for ticket ID.
ack_text() {
    sql "$I" "select raw from outbox o join ticket t on t.id = o.ticket_id where o.kind='ack' and t.number=$1" | /usr/bin/python3 -c '
import email, email.policy, sys
m = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.default)
print(m["from"]); print(m.get_body().get_content())'
}
assert_contains "$(ack_text 10001)" "Thank you for contacting Support." "English acknowledgement names Support"
pass "token in the acknowledgement"
start_web "$I"
# An internal note (added through the API) must never show.
echo 'correct horse battery staple' | "$HD" --data "$I" user add --email a@support.test --name A --role agent >/dev/null
api=$("$HD" --data "$I" token add --user a@support.test --scope write | sed -n 's/^token [0-9]*: //p')
assert_eq 201 "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $api" -H 'Content-Type: application/json' \
    -d '{"body": "SECRET-INTERNAL-NOTE"}' "$URL/api/v1/tickets/10001/notes")" "internal note added"
page=$(curl -s -c "$T/jar" -H 'Accept-Language: en' "$URL/t/$token")
assert_contains "$page" "10001" "ticket number shown"
assert_contains "$page" "Invoice &lt;b&gt;copy&lt;/b&gt;" "subject escaped"
assert_contains "$page" "Please resend the invoice." "customer message shown"
assert_contains "$page" "2026-12-28T19:00:00+09:00" "promised answer time"
assert_contains "$page" ">Mon 28 Dec 2026 19:00 (UTC+09:00)</time>" "promised answer time in words"
case "$page" in *"<pre"*) fail "messages in <pre> never wrap" ;; esac
pass "messages wrap (no <pre>)"
ja=$(curl -s -H 'Accept-Language: ja' "$URL/t/$token")
assert_contains "$ja" ">2026年12月28日(月) 19:00</time>までにご回答します" "promised answer time in Japanese words"
# instance.name is not set: each language shows its own default name.
assert_contains "$page" "<strong>Support</strong>" "our messages signed Support in English"
assert_contains "$ja" "<strong>サポートセンター</strong>" "our messages signed サポートセンター in Japanese"
case "$page" in *SECRET-INTERNAL-NOTE*) fail "internal note leaked" ;; esac
pass "internal notes hidden"
assert_eq 404 "$(curl -s -o "$T/gone" -w '%{http_code}' -H 'Accept-Language: en' "$URL/t/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")" "unknown token 404"
assert_contains "$(cat "$T/gone")" "This link does not work any more" "a wrong link says so"
assert_contains "$(cat "$T/gone")" 'href="mailto:' "a wrong link gives the support address"
assert_contains "$(cat "$T/gone")" "Business hours" "a wrong link gives the hours"
assert_eq 403 "$(curl -s -o /dev/null -w '%{http_code}' -b "$T/jar" --data-urlencode 'body=hi' "$URL/t/$token/reply")" "reply without CSRF refused"
csrf=$(echo "$page" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
code=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -b "$T/jar" --data-urlencode "csrf=$csrf" --data-urlencode 'body=追加です。請求先は本社です。' "$URL/t/$token/reply")
assert_eq "303 $URL/t/$token?sent=1#sent" "$code" "reply accepted"
assert_contains "$(curl -s -b "$T/jar" "$URL/t/$token?sent=1")" 'id="sent"' "the customer is told the reply was received"
show=$("$HD" --data "$I" ticket show 10001 --json)
assert_eq 1 "$("$HD" --data "$I" ticket list --json | json 'len(d)')" "reply joined the same ticket"
assert_contains "$(echo "$show" | json '[m["text"] for m in d["messages"] if m["kind"]=="inbound"]')" "請求先は本社です" "reply stored as an inbound message"
views=$(sql "$I" "select count(*) from security_log where kind='customer_view'")
[ "$views" -ge 1 ] || fail "views logged ($views)"
pass "views logged"
# Closed more than 30 days ago: the link no longer works.
sql "$I" "update ticket set status='closed', updated_at=0 where number=10001"
assert_eq 404 "$(curl -s -o /dev/null -w '%{http_code}' "$URL/t/$token")" "expired after close + grace"

# A Japanese mail on the same unnamed instance: the Japanese default name,
# in the body and the sender; once instance.name is set, it wins.
printf 'From: Bo <bo@cust.test>\nTo: support@support.test\nSubject: 請求書\nMessage-ID: <c2@cust.test>\nContent-Type: text/plain; charset=UTF-8\n\n請求書を再発行してください。\n' \
    | "$MG" --data "$I" deliver --recipient support@support.test 2>/dev/null
ack=$(ack_text 10002)
assert_contains "$ack" "サポートセンターです。" "Japanese acknowledgement names サポートセンター"
assert_contains "$(echo "$ack" | head -1)" "サポートセンター <support@support.test>" "Japanese acknowledgement sent as サポートセンター"
conf "$I" instance.name "ACME Help"
printf 'From: Cy <cy@cust.test>\nTo: support@support.test\nSubject: 請求書\nMessage-ID: <c3@cust.test>\nContent-Type: text/plain; charset=UTF-8\n\n請求書を再発行してください。\n' \
    | "$MG" --data "$I" deliver --recipient support@support.test 2>/dev/null
ack=$(ack_text 10003)
assert_contains "$ack" "ACME Helpです。" "the configured name wins in Japanese"
case "$ack" in *サポートセンター*) fail "default name used although instance.name is set" ;; esac
pass "no default name once instance.name is set"
