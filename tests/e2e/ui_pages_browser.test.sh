#!/bin/bash
# ui_pages_browser.test.sh - the agents' newer pages and the customer's
# rating form in headless Chromium, in Japanese and English
# (tests/browser/pages.js): the reports page (/agent/reports), the spam
# view with its release and confirm buttons, the admin users page's on
# call and allow-list forms, the rating form on /t/TOKEN.  On each page
# at 1280 and 390 px: no sideways scroll, axe-core clean at every
# impact, every link and control reachable with Tab, the focus ring
# visible.  Here the store says that what the buttons did happened.
# HD_SCREENSHOT_DIR=docs/screenshots refreshes the reports pictures the
# docs show.
source "$(dirname "$0")/lib.sh"
BR="$HD_SRC/tests/browser"
[ -d "$BR/node_modules/playwright-core" ] || fail "run npm ci in tests/browser"
[ -d "$BR/node_modules/axe-core" ] || fail "run npm ci in tests/browser"
I=$T/inst
DB=$I/helpdesk.db
PW=correct-horse-battery-9
SECRET=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
q() { sql "$DB" "$1"; }
"$HD" --data "$I" --profile test init >/dev/null
"$HD" --data "$I" queue add support --address support@support.test >/dev/null
"$HD" --data "$I" queue add billing --address billing@support.test >/dev/null
conf "$I" instance.public_url https://help.example.com
conf "$I" mail.from_address support@support.test
echo "$PW" | "$HD" --data "$I" user add --email ann@support.test --name "Ann Agent" --role agent --queues support >/dev/null
for l in ja en; do
    echo "$PW" | "$HD" --data "$I" user add --email "adm-$l@support.test" --name "Admin $l" --role admin >/dev/null
done
q "INSERT INTO user_totp(user_id, secret, enabled, last_step, created_at) SELECT id, '$SECRET', 1, -1, 0 FROM user WHERE email LIKE 'adm-%'"
n=0
# mail DAYS_AGO RCPT SUBJECT [HEADER]: a new ticket DAYS_AGO days ago
mail() {
    n=$((n + 1))
    printf '%sFrom: Customer %s <c%s@customer.test>\nTo: %s\nSubject: %s\nMessage-ID: <p%s@customer.test>\nContent-Type: text/plain; charset=UTF-8\n\nHello.\n' \
        "${4:+$4
}" "$n" "$n" "$2" "$3" "$n" |
        HELPDESK_NOW=$(date -u -d "$1 days ago" +%Y-%m-%dT%H:%M:%SZ) \
        "$MG" --data "$I" deliver --recipient "$2" >/dev/null || fail "deliver $3"
}
mail 0 support@support.test '請求書が届きません'                  # 10001, rated
mail 1 support@support.test 'Cannot log in since this morning'     # 10002
mail 2 billing@support.test 'Refund for order 1234'                # 10003
mail 3 support@support.test 'Outage: API answers 503'              # 10004
mail 6 billing@support.test 'Invoice address'                      # 10005
for l in ja en; do
    mail 0 support@support.test "Cheap pills $l (release)" 'X-Spam-Flag: YES'
    mail 0 support@support.test "Cheap pills $l (confirm)" 'X-Spam-Flag: YES'
done
assert_eq 4 "$(q "SELECT count(*) FROM ticket WHERE spam = 1")" "four mails held as spam"
"$HD" --data "$I" ticket set 10004 --category incident >/dev/null
echo 'Looking into it.' >"$T/reply"
"$HD" --data "$I" ticket reply 10002 --body-file "$T/reply" --as adm-ja@support.test >/dev/null
"$HD" --data "$I" ticket set 10001 --status resolved --assignee ann@support.test >/dev/null
"$HD" --data "$I" ticket set 10003 --status resolved >/dev/null
token=$(q "SELECT raw FROM outbox WHERE kind = 'ack' ORDER BY id LIMIT 1" | python3 -c '
import email, email.policy, re, sys
m = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.default)
print(re.search(r"https://help.example.com/t/([A-Za-z0-9_-]+)", m.get_body().get_content()).group(1))')
[ -n "$token" ] || fail "token in the acknowledgement"
spam() { q "SELECT number FROM ticket WHERE subject = 'Cheap pills $1 ($2)'"; }
start_web "$I"
shots=${HD_SCREENSHOT_DIR:-$HD_BIN/artifacts/screenshots}
mkdir -p "$shots"
export HD_PAGES
HD_PAGES=$(python3 -c 'import json,sys; a=sys.argv[1:]; print(json.dumps({
  "url": a[0], "shots": a[1], "token": a[2], "pw": a[3], "secret": a[4],
  "admins": {"ja": "adm-ja@support.test", "en": "adm-en@support.test"},
  "agent": a[5],
  "spam": {"ja": {"release": int(a[6]), "confirm": int(a[7])},
           "en": {"release": int(a[8]), "confirm": int(a[9])}}}))' \
  "$URL" "$shots" "$token" "$PW" "$SECRET" "$(q "SELECT id FROM user WHERE email = 'ann@support.test'")" \
  "$(spam ja release)" "$(spam ja confirm)" "$(spam en release)" "$(spam en confirm)")
T="$T" timeout 400 node "$BR/pages.js" || fail "browser checks"

# What the buttons did, as the store has it.
for l in ja en; do
    assert_eq 0 "$(q "SELECT spam FROM ticket WHERE number = $(spam "$l" release)")" "$l: released from spam"
    assert_eq 2 "$(q "SELECT spam FROM ticket WHERE number = $(spam "$l" confirm)")" "$l: confirmed as spam"
done
assert_eq "1|10.0.0.0/8" "$(q "SELECT u.on_call, (SELECT cidrs FROM user_ip_allow a WHERE a.user_id = u.id) FROM user u WHERE email = 'ann@support.test'")" \
    "Ann on call, with her own allow-list, from the users page"
assert_eq "good|速い対応でした" "$(q "SELECT rating, comment FROM csat")" "the customer's rating from /t/TOKEN"
echo "all pages browser checks passed"
