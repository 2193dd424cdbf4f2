#!/bin/bash
# agent_counts.test.sh - the queue's view counts are cached in
# helpdesk-web (helpdesk/store/store_count.h): a change made through the web
# shows in the very next page, a ticket opened by the mail gateway (another
# process) within HD_COUNT_CACHE_SECS (2 s); the cache never shows one
# agent another's view.  Also: the counts on the page are the right ones.
source "$(dirname "$0")/lib.sh"
I=$T/inst
PW=correct-horse-battery-9
"$HD" --data "$I" --profile test init >/dev/null
"$HD" --data "$I" queue add support --address support@support.test >/dev/null
"$HD" --data "$I" queue add billing --address billing@support.test >/dev/null
echo "$PW" | "$HD" --data "$I" user add --email ann@support.test --name Ann --role agent --queues support >/dev/null
echo "$PW" | "$HD" --data "$I" user add --email bob@support.test --name Bob --role agent --queues billing >/dev/null
conf "$I" mail.from_address support@support.test

n=0
mail() { # mail RCPT SUBJECT
    n=$((n + 1))
    printf 'From: Yamada <yamada@customer.test>\nTo: %s\nSubject: %s\nMessage-ID: <c%d@customer.test>\nDate: Mon, 07 Dec 2026 10:00:00 +0900\n\nbody\n' \
        "$1" "$2" "$n" | "$MG" --data "$I" deliver --recipient "$1" >/dev/null
}
mail support@support.test "one"
mail support@support.test "two"
mail billing@support.test "three"

"$WEB" --data "$I" --listen 127.0.0.1:0 >"$T/web.out" 2>"$T/web.log" &
WPID=$!
on_exit "kill $WPID 2>/dev/null; wait $WPID 2>/dev/null"
for _ in $(seq 1 100); do grep -q '^listening on' "$T/web.out" && break; sleep 0.05; done
URL=$(sed -n 's/^listening on //p' "$T/web.out")
[ -n "$URL" ] || fail "server did not start: $(cat "$T/web.log")"

c() { local jar=$1; shift; curl -s -o "$T/body" -w '%{http_code}' -b "$T/$jar" -c "$T/$jar" "$@"; }
csrf() { sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/body" | head -1; }
login() { # login JAR EMAIL
    c "$1" "$URL/agent/login" >/dev/null
    local tok; tok=$(csrf)
    c "$1" -X POST --data-urlencode "csrf=$tok" --data-urlencode "email=$2" \
        --data-urlencode "password=$PW" "$URL/agent/login"
}
open_count() { # JAR -> the "open" number of counts.json
    c "$1" "$URL/agent/counts.json" >/dev/null
    sed -n 's/.*"open":\([0-9]*\).*/\1/p' "$T/body"
}
nav_count() { # JAR VIEW -> the count shown beside the view on the queue page
    c "$1" "$URL/agent/" >/dev/null
    grep -o "data-view=\"$2\">[0-9]*<" "$T/body" | head -1 | tr -dc 0-9
}

assert_eq 303 "$(login ann ann@support.test)" "ann signs in"
assert_eq 303 "$(login bob bob@support.test)" "bob signs in"
assert_eq 2 "$(open_count ann)" "ann counts the open tickets of her queue"
assert_eq 1 "$(open_count bob)" "bob's count is his own, not ann's cached one"
assert_eq 2 "$(nav_count ann unassigned)" "the queue page shows ann's unassigned count"
assert_eq 0 "$(nav_count ann mine)" "and nothing assigned to her yet"

# A change through the web: the next request shows it.
c ann "$URL/agent/tickets/10001" >/dev/null
tok=$(csrf)
assert_eq 303 "$(c ann -X POST --data-urlencode "csrf=$tok" -d status=closed "$URL/agent/tickets/10001/update")" "ann closes a ticket"
assert_eq 1 "$(open_count ann)" "the open count drops at once"
ann_id=$(sql "$I" "SELECT id FROM user WHERE email = 'ann@support.test'")
c ann "$URL/agent/tickets/10002" >/dev/null
tok=$(csrf)
assert_eq 303 "$(c ann -X POST --data-urlencode "csrf=$tok" -d "assignee=$ann_id" "$URL/agent/tickets/10002/update")" "ann takes a ticket"
assert_eq 1 "$(nav_count ann mine)" "her 'mine' count shows it at once"
assert_eq 0 "$(nav_count ann unassigned)" "and the unassigned count drops"

# A ticket from the mail gateway (another process): within the stated age.
mail support@support.test "four"
got=
for _ in $(seq 1 40); do # up to 4 s; the stated age is 2 s
    got=$(open_count ann)
    [ "$got" = 2 ] && break
    sleep 0.1
done
assert_eq 2 "$got" "a mailed ticket shows in the count within the cache age"
