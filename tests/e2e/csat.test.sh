#!/bin/bash
# csat.test.sh - customer satisfaction (docs/agents.md#customer-satisfaction):
# solving a ticket mails the customer (through the worker, to a real SMTP
# server) a signed rating link; opening it only shows a form (a mail
# scanner following the link rates nothing); the form's POST needs the
# visitor's CSRF token, and a link signed for another ticket is 404.  The
# customer's page /t/TOKEN offers the same form once the ticket is solved
# and not before; a second rating replaces the first; the report shows it.
source "$(dirname "$0")/lib.sh"
use_peers
I=$T/inst
DB=$I/helpdesk.db
hd() { "$HD" --data "$I" "$@"; }
q() { sql "$DB" "$1"; }
export HELPDESK_NOW=2026-12-08T11:00:00+09:00
hd --profile test init >/dev/null
hd queue add support --address support@support.test >/dev/null
echo 'correct horse battery staple' | hd user add --email root@support.test --name Root --role admin >/dev/null
start_smtp_sink
printf 'secret\n' > "$T/smtp.pw"
conf "$I" instance.public_url https://help.example.com
conf "$I" mail.from_address support@support.test
conf "$I" smtp.host 127.0.0.1
conf "$I" smtp.port "$SINK_PORT"
conf "$I" smtp.ca_file "$SINK_CA"
conf "$I" smtp.user agent
conf "$I" smtp.password_file "$T/smtp.pw"
for n in 1 2; do
    printf 'From: Ann <ann@cust.test>\nTo: support@support.test\nSubject: Question %s\nMessage-ID: <q%s@cust.test>\nContent-Type: text/plain; charset=UTF-8\n\nHelp.\n' "$n" "$n" |
        "$MG" --data "$I" deliver --recipient support@support.test >/dev/null
done
hd worker --once >/dev/null 2>&1
# link FILE PATTERN: the first link of that form in a mail's text.
link() {
    /usr/bin/python3 - "$1" "$2" <<'PY'
import email, email.policy, re, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
g = re.search(sys.argv[2], m.get_body().get_content())
print(g.group(1) if g else "")
PY
}
ack=$(grep -l 'Question 1' "$SINK_DIR"/msg-*.eml | head -1)
token=$(link "$ack" 'https://help.example.com/t/([A-Za-z0-9_-]+)')
[ -n "$token" ] || fail "customer link in the acknowledgement"
start_web "$I"
page() { curl -s -b "$T/jar" -c "$T/jar" -H 'Accept-Language: en' "$URL$1"; }
page "/t/$token" | grep -q 'name="rating"' && fail "rating offered before the ticket is solved"
pass "no rating before the ticket is solved"

before=$(find "$SINK_DIR" -name 'msg-*.eml' | wc -l)
hd ticket set 10001 --status resolved >/dev/null
hd worker --once >/dev/null 2>&1
assert_eq $((before + 1)) "$(find "$SINK_DIR" -name 'msg-*.eml' | wc -l)" "solving mailed the customer"
closing=$(grep -l '^Subject: .*Question 1' $(ls -t "$SINK_DIR"/msg-*.eml) | head -1)
grep -q '^To: .*ann@cust.test' "$closing" || fail "closing mail to the requester"
rlink=$(link "$closing" 'https://help.example.com(/r/[0-9]+-[0-9a-f]+)')
[ -n "$rlink" ] || fail "rating link in the closing mail"
pass "the closing mail carries the rating link $rlink"

# Opening the link shows a form and records nothing.
assert_eq 200 "$(curl -s -o "$T/form" -w '%{http_code}' -b "$T/jar" -c "$T/jar" "$URL$rlink?rating=good")" "the link shows a form"
grep -q 'name="rating" value="good" required checked' "$T/form" || fail "the choice from the link is preselected"
assert_eq 0 "$(q 'SELECT count(*) FROM csat')" "opening the link recorded nothing"
csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/form" | head -1)
assert_eq 403 "$(curl -s -o /dev/null -w '%{http_code}' -b "$T/jar" --data 'rating=good' "$URL$rlink")" "POST without the CSRF token refused"
assert_eq 403 "$(curl -s -o /dev/null -w '%{http_code}' --data-urlencode "csrf=$csrf" --data 'rating=good' "$URL$rlink")" "... or with another visitor's session"
other=$(echo "$rlink" | sed 's|/r/10001-|/r/10002-|')
assert_eq 404 "$(curl -s -o /dev/null -w '%{http_code}' -b "$T/jar" --data-urlencode "csrf=$csrf" --data 'rating=bad' "$URL$other")" "the signature does not fit another ticket"
last=${rlink: -1}
assert_eq 404 "$(curl -s -o /dev/null -w '%{http_code}' "$URL${rlink%?}$([ "$last" = 0 ] && echo 1 || echo 0)")" "a wrong signature is 404"
assert_eq 303 "$(curl -s -o /dev/null -w '%{http_code}' -b "$T/jar" --data-urlencode "csrf=$csrf" --data 'rating=good' --data-urlencode 'comment=Fast & kind <3' "$URL$rlink")" "rated from the mail's link"
assert_eq "good|Fast & kind <3" "$(q 'SELECT rating, comment FROM csat')" "the rating is kept"
assert_eq 1 "$(q "SELECT count(*) FROM event WHERE kind = 'csat'")" "... in the history"
assert_eq 1 "$(q "SELECT count(*) FROM audit WHERE action = 'ticket.rate'")" "... and the audit log"
assert_eq 0 "$(q 'SELECT count(*) FROM csat WHERE ticket_id = (SELECT id FROM ticket WHERE number = 10002)')" "nothing for the other ticket"

# The customer's page offers it now, escaped, and a new rating replaces it.
page "/t/$token" > "$T/t"
grep -q 'Thank you for your rating: good' "$T/t" || fail "/t/ shows the rating given"
csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/t" | head -1)
assert_eq 303 "$(curl -s -o /dev/null -w '%{http_code}' -b "$T/jar" --data-urlencode "csrf=$csrf" --data 'rating=bad' "$URL/t/$token/rate")" "rated again on /t/"
assert_eq "bad" "$(q 'SELECT rating FROM csat')" "the second rating replaces the first"
assert_eq 400 "$(curl -s -o /dev/null -w '%{http_code}' -b "$T/jar" --data-urlencode "csrf=$csrf" --data 'rating=meh' "$URL/t/$token/rate")" "a rating is good or bad"

# An unsolved ticket cannot be rated, even with its own signed link.
assert_eq 404 "$(curl -s -o /dev/null -w '%{http_code}' -b "$T/jar" --data-urlencode "csrf=$csrf" --data 'rating=good' "$URL/r/10002-00000000000000000000000000000000")" "unsigned link for 10002 refused"

# The report shows it.
TOK=$(hd token add --user root@support.test --scope read --json | json 'd["token"]')
curl -s -H "Authorization: Bearer $TOK" "$URL/api/v1/reports?days=7" > "$T/rep"
assert_eq "0 1" "$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
t = [t for t in d["tables"] if t["id"] == "satisfaction_by_queue"][0]
r = [r for r in t["rows"] if r["label"] == "support"][0]
print(r["values"][0], r["values"][1])' "$T/rep")" "the report counts one bad rating for support"
pass "csat test done"
