#!/bin/bash
# ui_browser.test.sh - the customer's and agents' pages in headless Chromium
# at 1280 and 390 px, in Japanese and English (tests/browser/ui.js): no
# sideways scroll, axe-core clean at every impact, a visible focus ring
# with 3:1 contrast, the reply with canned text at the cursor sent with a
# status and assignee in one submission.  Here the store says that the
# one submission did all three.  HD_SCREENSHOT_DIR=docs/screenshots
# refreshes the pictures the docs show.
source "$(dirname "$0")/lib.sh"
BR="$HD_SRC/tests/browser"
[ -d "$BR/node_modules/playwright-core" ] || fail "run npm ci in tests/browser"
[ -d "$BR/node_modules/axe-core" ] || fail "run npm ci in tests/browser"
I=$T/inst
DB=$I/helpdesk.db
PW=correct-horse-battery-9
SECRET=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
"$HD" --data "$I" --profile test init >/dev/null
"$HD" --data "$I" queue add support --address support@support.test >/dev/null
conf "$I" instance.public_url https://help.example.com
conf "$I" mail.from_address support@support.test
echo "$PW" | "$HD" --data "$I" user add --email ann@support.test --name "Ann Agent" --role agent --queues support >/dev/null
for l in ja en; do
    echo "$PW" | "$HD" --data "$I" user add --email "adm-$l@support.test" --name "Admin $l" --role admin >/dev/null
done
sql "$DB" "INSERT INTO user_totp(user_id, secret, enabled, last_step, created_at) SELECT id, '$SECRET', 1, -1, 0 FROM user WHERE email = 'ann@support.test'"
mail() { # from subject body
    printf 'From: %s\nTo: support@support.test\nSubject: %s\nMessage-ID: <%s@customer.test>\nContent-Type: text/plain; charset=UTF-8\n\n%s\n' \
        "$1" "$2" "$RANDOM$RANDOM" "$3" | "$MG" --data "$I" deliver --recipient support@support.test >/dev/null
}
long=$(printf 'x%.0s' $(seq 1 300))
mail '山田 太郎 <yamada@customer.test>' '請求書が届きません' "先月分の請求書がまだ届いていません。再送をお願いできますか。 $long"
mail 'Jane Roe <jane@customer.test>' 'Cannot log in since this morning' "The login page says my password is wrong. https://example.com/a/very/long/link/$long"
mail 'Ops <ops@customer.test>' 'Outage: API answers 503' 'Every request fails.'
token=$(sql "$DB" "select raw from outbox where kind='ack' order by id limit 1" | python3 -c '
import email, email.policy, re, sys
m = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.default)
print(re.search(r"https://help.example.com/t/([A-Za-z0-9_-]+)", m.get_body().get_content()).group(1))')
[ -n "$token" ] || fail "token in the acknowledgement"
printf '{{customer.name}} 様\nお問い合わせありがとうございます。' > "$T/ja.txt"
printf 'Dear {{customer.name}},' > "$T/en.txt"
"$HD" --data "$I" canned add --name 挨拶 --lang ja --body-file "$T/ja.txt" >/dev/null
"$HD" --data "$I" canned add --name Greeting --lang en --body-file "$T/en.txt" >/dev/null
CJA=$(sql "$DB" "SELECT id FROM canned_response WHERE lang = 'ja'")
CEN=$(sql "$DB" "SELECT id FROM canned_response WHERE lang = 'en'")
start_web "$I"
shots=${HD_SCREENSHOT_DIR:-$HD_BIN/artifacts/screenshots}
mkdir -p "$shots"
export HD_UI
HD_UI=$(python3 -c 'import json,sys; a=sys.argv[1:]; print(json.dumps({
  "url": a[0], "shots": a[1], "token": a[2], "agent": "ann@support.test",
  "pw": a[3], "secret": a[4], "admins": {"ja": "adm-ja@support.test", "en": "adm-en@support.test"},
  "tickets": {"ja": 10001, "en": 10002},
  "canned": {"ja": [int(a[5]), "山田 太郎 様\nお問い合わせありがとうございます。"], "en": [int(a[6]), "Dear Jane Roe,"]}}))' \
  "$URL" "$shots" "$token" "$PW" "$SECRET" "$CJA" "$CEN")
T="$T" timeout 300 node "$BR/ui.js" || fail "browser checks"

# What the one submission did, as the store has it.
ann=$(sql "$DB" "SELECT id FROM user WHERE email = 'ann@support.test'")
for n in 10001 10002; do
    assert_eq "pending|$ann" "$(sql "$DB" "SELECT status, assignee_id FROM ticket WHERE number = $n")" "#$n: pending and assigned to Ann"
done
body=$(sql "$DB" "SELECT m.body_text FROM message m JOIN ticket t ON t.id = m.ticket_id WHERE t.number = 10001 AND m.kind = 'outbound' ORDER BY m.id DESC LIMIT 1" | tr -d '\r')
assert_eq "$(printf '山田 太郎 様\nお問い合わせありがとうございます。\nBest regards')" "$body" "the reply went out with the canned text before the typed text"
echo "all ui browser checks passed"
