#!/bin/bash
# notify_browser.test.sh - in headless Chromium (tests/browser/notify.js):
# Ann's header count of unread notifications rises without a reload when
# Bob assigns her a ticket, and her notifications page passes axe-core at
# 390 px without sideways scrolling.
source "$(dirname "$0")/lib.sh"
source "$HD_SRC/tests/e2e/lib/agent.sh"
BR="$HD_SRC/tests/browser"
[ -d "$BR/node_modules/playwright-core" ] || fail "run npm ci in tests/browser"
I=$T/inst
PW=correct-horse-battery-9
hd() { "$HD" --data "$I" "$@"; }
hd --profile test init >/dev/null
hd queue add support --address support@support.test >/dev/null
for u in ann bob; do
    echo "$PW" | hd user add --email "$u@support.test" --name "$u" --role agent --queues support >/dev/null
done
for n in 1 2; do
    printf 'From: Cust <c@customer.test>\nTo: support@support.test\nSubject: A rather long subject line that must wrap on a phone %s\nMessage-ID: <b%s@customer.test>\nContent-Type: text/plain; charset=UTF-8\n\nHelp me.\n' "$n" "$n" |
        "$MG" --data "$I" deliver --recipient support@support.test >/dev/null
done
hd ticket set 10001 --assignee ann@support.test --as bob@support.test >/dev/null
agent_web_start "$I"
ASSIGN="'$HD' --data '$I' ticket set 10002 --assignee ann@support.test --as bob@support.test >/dev/null" \
    T="$T" timeout 120 node "$BR/notify.js" "$URL" ann@support.test "$PW" || fail "browser checks"
pass "notify browser test done"
