#!/bin/bash
# grants.test.sh - what a user's queues allow (docs/security.md).
# Lists: an agent granted queue support sees, in the API and on the
# agents' pages, only the contacts, organisations, counts and search hits
# of support's tickets; an admin sees all.  Assignees: a ticket goes only
# to an enabled agent granted its queue (or an admin), whichever door
# assigns -- the ticket page (400), bulk (skipped, or 400 for a value that
# is no user), the API (422), the CLI (65), a routing rule (opened
# unassigned, the history says why) -- and an id is digits and nothing
# else ("1 OR 1=1" is refused, not read as 1).
source "$(dirname "$0")/lib.sh"
source "$HD_SRC/tests/e2e/lib/agent.sh"
I=$T/inst
DB=$I/helpdesk.db
PW=correct-horse-battery-9
export HELPDESK_NOW=2026-12-08T11:00:00+09:00
hd() { "$HD" --data "$I" "$@"; }
q() { sql "$DB" "$1"; }
hd --profile test init >/dev/null
hd queue add support --address support@support.test >/dev/null
hd queue add billing --address billing@support.test >/dev/null
useradd_() { echo "$PW" | hd user add --email "$1@support.test" --name "$1" --role "$2" ${3:+--queues "$3"} >/dev/null; }
useradd_ ann agent support
useradd_ bob agent billing
useradd_ vic viewer support
useradd_ dan agent support
useradd_ root admin
hd user disable dan@support.test >/dev/null
hd org add Alpha --domain alpha.test >/dev/null
hd org add Beta --domain beta.test >/dev/null
id_of() { q "SELECT id FROM user WHERE email = '$1@support.test'"; }
ANN=$(id_of ann); BOB=$(id_of bob); VIC=$(id_of vic); DAN=$(id_of dan)
API_ANN=$(hd token add --user ann@support.test --scope write --json | json 'd["token"]')
API_ROOT=$(hd token add --user root@support.test --scope read --json | json 'd["token"]')

n=0
mail() { # RCPT FROM: a new ticket; its number in $t
    n=$((n + 1))
    printf 'From: <%s>\nTo: %s\nSubject: Case %s zebra\nMessage-ID: <g%s@x.test>\nContent-Type: text/plain; charset=UTF-8\n\nHelp %s.\n' \
        "$2" "$1" "$n" "$n" "$n" | "$MG" --data "$I" deliver --recipient "$1" >/dev/null
    t=$(q "SELECT max(number) FROM ticket")
}
mail support@support.test a1@alpha.test; T_SUP=$t
mail billing@support.test b1@beta.test; T_BIL=$t
mail billing@support.test a2@alpha.test # Alpha has a billing ticket too

# ---- lists ---------------------------------------------------------------
api_get() { curl -s -H "Authorization: Bearer $1" "$URL/api/v1$2"; }
agent_web_start "$I"
contacts() { api_get "$1" /contacts | json '",".join(sorted(c["address"] for c in d["items"]))'; }
orgs() { api_get "$1" /organisations | json '",".join("%s:%d:%d" % (o["name"], o["contacts"], o["tickets"]) for o in d["items"])'; }
assert_eq "a1@alpha.test" "$(contacts "$API_ANN")" "api: an agent of support lists only support's requesters"
assert_eq "a1@alpha.test,a2@alpha.test,b1@beta.test" "$(contacts "$API_ROOT")" "api: an admin lists every contact"
assert_eq "Alpha:1:1" "$(orgs "$API_ANN")" "api: an agent of support lists only support's organisations, counted in support"
assert_eq "Alpha:2:2,Beta:1:1" "$(orgs "$API_ROOT")" "api: an admin lists every organisation and all it counts"
assert_eq "support:1" "$(api_get "$API_ANN" /queues | json '",".join("%s:%d" % (x["name"], x["open_tickets"]) for x in d["items"])')" "api: queues and their counts, granted ones only"
assert_eq "$T_SUP" "$(api_get "$API_ANN" /tickets | json '",".join(str(x["number"]) for x in d["items"])')" "api: tickets of granted queues only"

assert_eq 303 "$(login ann ann@support.test "$PW")" "Ann signs in"
c ann "$URL/agent/?view=open&q=zebra" >/dev/null
assert_eq "1" "$(grep -c "/agent/tickets/$T_SUP\"" "$T/body" || true)" "page: search finds support's ticket"
assert_eq "0" "$(grep -c "/agent/tickets/$T_BIL\"" "$T/body" || true)" "page: search finds nothing in billing"
c ann "$URL/agent/" >/dev/null
assert_eq "1" "$(sed -n 's/.*data-view="open">\([0-9]*\)<.*/\1/p' "$T/body" | head -1)" "page: the open count is support's alone"
c ann "$URL/agent/counts.json" >/dev/null
assert_eq "1" "$(json 'd["open"]' < "$T/body")" "counts.json: support's alone"

# ---- assignees -------------------------------------------------------------
page_post() { # NUMBER FIELDS...
    local num=$1 tok; shift
    c ann "$URL/agent/tickets/$num" >/dev/null; tok=$(csrf)
    local args=(--data-urlencode "csrf=$tok")
    for f in "$@"; do args+=(--data-urlencode "$f"); done
    c ann -X POST "${args[@]}" "$URL/agent/tickets/$num/update"
}
assignee() { q "SELECT coalesce(assignee_id, 0) FROM ticket WHERE number = $1"; }
for who in "viewer:$VIC" "disabled:$DAN" "agent-without-support:$BOB" "garbage:1 OR 1=1" "sign:+$ANN" "space: $ANN"; do
    assert_eq 400 "$(page_post "$T_SUP" "assignee=${who#*:}")" "page: assignee ${who%%:*} refused"
done
assert_eq 0 "$(assignee "$T_SUP")" "page: and the ticket is still unassigned"
assert_eq 400 "$(page_post "$T_SUP" "queue=1 OR 1=1")" "page: a queue that is no id is refused"
assert_eq 303 "$(page_post "$T_SUP" "assignee=$ANN")" "page: an agent of the queue is assigned"
assert_eq "$ANN" "$(assignee "$T_SUP")" "page: ... and holds the ticket"
assert_eq 303 "$(page_post "$T_SUP" "assignee=")" "page: unassign"

bulk_post() { # FIELDS...
    c ann "$URL/agent/" >/dev/null
    local tok; tok=$(csrf)
    local args=(--data-urlencode "csrf=$tok")
    for f in "$@"; do args+=(--data-urlencode "$f"); done
    c ann -X POST -D "$T/hdr" "${args[@]}" "$URL/agent/bulk"
}
assert_eq 400 "$(bulk_post op=assign "assignee=1 OR 1=1" "t=$T_SUP")" "bulk: an assignee that is no id is refused"
assert_eq 400 "$(bulk_post op=assign "assignee=$VIC" "t=$T_SUP")" "bulk: a viewer is refused"
assert_eq 303 "$(bulk_post op=assign "assignee=$BOB" "t=$T_SUP")" "bulk: an agent without the queue ..."
assert_contains "$(cat "$T/hdr")" "done=0&skipped=1" "bulk: ... is skipped"
assert_eq 0 "$(assignee "$T_SUP")" "bulk: ... and the ticket unchanged"

api_patch() { curl -s -o "$T/api.out" -w '%{http_code}' -X PATCH -H "Authorization: Bearer $API_ANN" -H 'Content-Type: application/json' -d "$2" "$URL/api/v1/tickets/$1"; }
assert_eq 422 "$(api_patch "$T_SUP" '{"assignee":"bob@support.test"}')" "api: an agent without the queue is refused"
assert_contains "$(cat "$T/api.out")" "not granted" "api: ... saying why"
assert_eq 422 "$(api_patch "$T_SUP" '{"assignee":"1 OR 1=1"}')" "api: an assignee that is no agent is refused"
assert_eq 0 "$(assignee "$T_SUP")" "api: the ticket unchanged"

assert_status 65 "cli: an agent without the queue is refused" "$HD" --data "$I" ticket set "$T_SUP" --assignee bob@support.test
assert_contains "$(cat "$T/last.err")" "not granted" "cli: ... saying why"
assert_status 0 "cli: an admin may hold any ticket" "$HD" --data "$I" ticket set "$T_SUP" --assignee root@support.test

hd rule add --name to-vic --if 'subject ~ viaRule' --then assign=vic@support.test >/dev/null
printf 'From: <r@alpha.test>\nTo: support@support.test\nSubject: viaRule\nMessage-ID: <rule1@x.test>\n\nHi.\n' |
    "$MG" --data "$I" deliver --recipient support@support.test >/dev/null
t=$(q "SELECT max(number) FROM ticket")
assert_eq "viaRule|0" "$(q "SELECT subject || '|' || coalesce(assignee_id, 0) FROM ticket WHERE number = $t")" "rule: the mail opens a ticket, unassigned"
assert_contains "$(q "SELECT group_concat(detail, ' / ') FROM event WHERE kind = 'routed' AND ticket_id = (SELECT id FROM ticket WHERE number = $t)")" "left unassigned: cannot assign to user $VIC: a viewer" "rule: the history says why"
pass "grants e2e"
