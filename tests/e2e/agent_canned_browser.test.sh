#!/bin/bash
# agent_canned_browser.test.sh - the JavaScript enhancement of Insert
# (web/static/agent.js) in headless Chromium (tests/browser/canned.js):
# the reply box fills in place with the expanded canned response, the
# unknown placeholder is named, and nothing reaches the outbox.  Without
# JavaScript the same button posts the form (agent_canned.test.sh).
source "$(dirname "$0")/lib.sh"
source "$HD_SRC/tests/e2e/lib/agent.sh"
BR="$HD_SRC/tests/browser"
[ -d "$BR/node_modules/playwright-core" ] || fail "run npm ci in tests/browser"
I=$T/inst
DB=$I/helpdesk.db
PW=correct-horse-battery-9
"$HD" --data "$I" --profile test init >/dev/null
"$HD" --data "$I" queue add support --address support@support.test >/dev/null
echo "$PW" | "$HD" --data "$I" user add --email ann@support.test --name Ann --role agent --queues support >/dev/null
printf 'From: "Ann <b>Customer</b>" <c@customer.test>\nTo: support@support.test\nSubject: Help\nMessage-ID: <b1@customer.test>\nContent-Type: text/plain; charset=UTF-8\n\nHelp me.\n' |
    "$MG" --data "$I" deliver --recipient support@support.test >/dev/null
printf 'Dear {{customer.name}}, re #{{ticket.number}} {{customer.nickname}}' > "$T/en.txt"
"$HD" --data "$I" canned add --name Hello --lang en --body-file "$T/en.txt" >/dev/null
ID=$(sql "$DB" "SELECT id FROM canned_response")
agent_web_start "$I"
nout=$(sql "$DB" "SELECT count(*) FROM outbox")
T="$T" timeout 120 node "$BR/canned.js" "$URL" ann@support.test "$PW" 10001 "$ID" \
    'Dear Ann <b>Customer</b>, re #10001 {{customer.nickname}}' || fail "browser checks"
assert_eq "$nout" "$(sql "$DB" "SELECT count(*) FROM outbox")" "Insert sent nothing"
