#!/bin/bash
# agent_bulk.test.sh - bulk actions and saved views on the agents' queue
# over real HTTP: a temporary instance, helpdesk-web on 127.0.0.1.  Bulk
# assign, status change and merge change the tickets (checked with
# `helpdesk ticket show --json`), leave history events and audit rows,
# skip a ticket in a queue not granted, keep the view and report the
# counts; viewers and requests without the CSRF token get 403.  Saved
# views: save, listed with a count, opened, other users get 404, deleted.
source "$(dirname "$0")/lib.sh"
source "$HD_SRC/tests/e2e/lib/agent.sh"
I=$T/inst
DB=$I/helpdesk.db
PW=correct-horse-battery-9
"$HD" --data "$I" --profile test init >/dev/null
"$HD" --data "$I" queue add support --address support@support.test >/dev/null
"$HD" --data "$I" queue add billing --address billing@support.test >/dev/null
for u in ann:agent bob:agent vic:viewer; do
    echo "$PW" | "$HD" --data "$I" user add --email "${u%%:*}@support.test" \
        --name "${u%%:*}" --role "${u##*:}" --queues support >/dev/null
done
conf "$I" mail.from_address support@support.test

mail() { # mail RCPT N SUBJECT
    printf 'From: Yamada <yamada@customer.test>\nTo: %s\nSubject: %s\nMessage-ID: <b%s@customer.test>\nDate: Mon, 07 Dec 2026 10:00:00 +0900\nContent-Type: text/plain; charset=UTF-8\n\nbody of %s\n' \
        "$1" "$3" "$2" "$3" | "$MG" --data "$I" deliver --recipient "$1" >/dev/null
}
for n in 1 2 3 4 5; do mail support@support.test "$n" "Support case $n"; done
mail billing@support.test 6 "Billing case"
# 10001-10005 in support (granted), 10006 in billing (not granted)

show() { "$HD" --data "$I" ticket show "$1" --json; }
field() { show "$1" | json "$2"; }
events() { sql "$DB" "SELECT count(*) FROM event e JOIN ticket t ON t.id = e.ticket_id WHERE t.number = $1 AND e.actor LIKE 'user:%' AND $2"; }
audits() { sql "$DB" "SELECT count(*) FROM audit WHERE object = 'ticket:$1' AND source = 'web' AND action = '$2'"; }
ann_id=$(sql "$DB" "SELECT id FROM user WHERE email = 'ann@support.test'")
bob_id=$(sql "$DB" "SELECT id FROM user WHERE email = 'bob@support.test'")

agent_web_start "$I"
assert_eq 303 "$(login ann ann@support.test "$PW")" "agent signs in"
assert_eq 200 "$(c ann "$URL/agent/?status=new&sort=new")" "queue page"
page=$(cat "$T/body")
assert_contains "$page" 'action="/agent/bulk"' "the queue has the bulk form"
assert_contains "$page" 'name="t" value="10001"' "a checkbox per row"
assert_contains "$page" 'name="all" value="1"' "a select-all-on-this-page control"
assert_contains "$page" 'name="back" value="status=new&amp;sort=new"' "the form knows the view to return to"
tok=$(csrf)

# ---- refusals ---------------------------------------------------------------
assert_eq 403 "$(c ann -X POST -d 'op=status&to_status=pending&t=10001' "$URL/agent/bulk")" "bulk without CSRF token is 403"
assert_eq 403 "$(c ann -X POST --data-urlencode "csrf=wrong$tok" -d 'op=status&to_status=pending&t=10001' "$URL/agent/bulk")" "bulk with a wrong CSRF token is 403"
assert_eq new "$(field 10001 'd["status"]')" "refused bulk changed nothing"
assert_eq 303 "$(login vic vic@support.test "$PW")" "viewer signs in"
c vic "$URL/agent/" >/dev/null
case "$(cat "$T/body")" in *'action="/agent/bulk"'*) fail "viewer is offered the bulk form";; esac
pass "viewer sees no bulk form"
vtok=$(csrf)
assert_eq 403 "$(c vic -X POST --data-urlencode "csrf=$vtok" -d 'op=status&to_status=pending&t=10001' "$URL/agent/bulk")" "viewer bulk action is 403"
assert_eq new "$(field 10001 'd["status"]')" "viewer changed nothing"
assert_eq 400 "$(c ann -X POST --data-urlencode "csrf=$tok" -d 'op=status&to_status=nonsense&t=10001' "$URL/agent/bulk")" "unknown status is 400"
assert_eq 400 "$(c ann -X POST --data-urlencode "csrf=$tok" -d "op=assign&assignee=$(sql "$DB" "SELECT id FROM user WHERE email = 'vic@support.test'")&t=10001" "$URL/agent/bulk")" "a viewer cannot be assigned"
many=$(seq 1 201 | sed 's/^/t=/' | paste -sd'&')
assert_eq 413 "$(c ann -X POST --data-urlencode "csrf=$tok" -d "op=status&to_status=open&$many" "$URL/agent/bulk")" "more than 200 tickets is 413"

# ---- bulk status: 3 granted + 1 not granted ----------------------------------
st=$(curl -s -o /dev/null -D "$T/h" -w '%{http_code}' -b "$T/ann" -X POST \
    --data-urlencode "csrf=$tok" --data-urlencode "back=status=new&sort=new" \
    -d 'op=status&to_status=pending&t=10001&t=10002&t=10003&t=10006' "$URL/agent/bulk")
assert_eq 303 "$st" "bulk status change redirects"
loc=$(sed -n 's/^[Ll]ocation: *//p' "$T/h" | tr -d '\r')
assert_eq "/agent/?status=new&sort=new&done=3&skipped=1" "$loc" "back to the same view with 3 changed, 1 skipped"
for n in 10001 10002 10003; do
    assert_eq pending "$(field $n 'd["status"]')" "#$n is pending"
    assert_eq 1 "$(events $n "e.kind = 'field' AND e.field = 'status' AND e.new_value = 'pending'")" "#$n has its status event"
    assert_eq 1 "$(audits $n ticket.update)" "#$n has its audit row"
done
assert_eq new "$(field 10006 'd["status"]')" "the ticket in a queue not granted is untouched"
assert_eq 0 "$(audits 10006 ticket.update)" "and has no audit row"
assert_contains "$(sql "$DB" "SELECT detail FROM security_log WHERE kind = 'forbidden'")" "bulk ticket:10006" "the refused ticket is in the security log"
paused=$(sql "$DB" "SELECT count(*) FROM ticket WHERE number IN (10001, 10002, 10003) AND sla_paused_at IS NOT NULL")
assert_eq 3 "$paused" "pending paused the SLA clocks (same verbs as the ticket page)"
assert_eq 200 "$(c ann -H 'Accept-Language: en' "$URL$loc")" "the view after the action"
assert_contains "$(cat "$T/body")" "Tickets changed: 3" "flash says how many changed"
assert_contains "$(cat "$T/body")" "Skipped (no access or not possible): 1" "flash says how many were skipped"
c ann -H 'Accept-Language: ja' "$URL/agent/?done=2&skipped=0" >/dev/null
assert_contains "$(cat "$T/body")" "変更したチケット: 2" "flash in Japanese"

# ---- bulk assign: "select all on this page" -----------------------------------
c ann "$URL/agent/?status=pending" >/dev/null
tok=$(csrf)
pages=$(grep -o 'name="p" value="[0-9]*"' "$T/body" | grep -o '[0-9]*' | sort | paste -sd' ')
assert_eq "10001 10002 10003" "$pages" "the page lists its rows for select-all"
assert_eq 303 "$(c ann -X POST --data-urlencode "csrf=$tok" -d "op=assign&assignee=$bob_id&all=1&p=10001&p=10002&p=10003" "$URL/agent/bulk")" "assign all on the page to bob"
for n in 10001 10002 10003; do
    assert_eq bob "$(field $n 'd.get("assignee") or ""')" "#$n assigned to bob"
done
assert_eq 1 "$(events 10002 "e.field = 'assignee'")" "assign event recorded"
assert_eq 303 "$(c ann -X POST --data-urlencode "csrf=$tok" -d 'op=assign&assignee=me&t=10003' "$URL/agent/bulk")" "assign one to me"
assert_eq ann "$(field 10003 'd.get("assignee") or ""')" "#10003 assigned to ann"
assert_eq 303 "$(c ann -X POST --data-urlencode "csrf=$tok" -d 'op=assign&assignee=none&t=10002' "$URL/agent/bulk")" "unassign one"
assert_eq "" "$(field 10002 'd.get("assignee") or ""')" "#10002 unassigned"

# ---- bulk merge: lowest number is the target ----------------------------------
st=$(curl -s -o /dev/null -D "$T/h" -w '%{http_code}' -b "$T/ann" -X POST \
    --data-urlencode "csrf=$tok" -d 'op=merge&into=&t=10005&t=10004&t=10006' "$URL/agent/bulk")
assert_eq 303 "$st" "bulk merge"
assert_contains "$(cat "$T/h")" "done=1&skipped=1" "one merged, the ungranted one skipped"
merged_into() { sql "$DB" "SELECT coalesce(i.number, 0) FROM ticket t LEFT JOIN ticket i ON i.id = t.merged_into WHERE t.number = $1"; }
assert_eq 10004 "$(merged_into 10005)" "#10005 merged into the lowest number, #10004"
assert_eq closed "$(field 10005 'd["status"]')" "the merged ticket is closed"
assert_contains "$(show 10004 | json '" ".join(m["text"] or "" for m in d["messages"])')" "body of Support case 5" "the target got the merged ticket's messages"
assert_eq 0 "$(show 10005 | json 'len(d["messages"])')" "the merged ticket has none left"
assert_eq 1 "$(events 10005 "e.kind = 'merged'")" "merge event on the merged ticket"
assert_eq 1 "$(events 10004 "e.kind = 'merged'")" "merge event on the target"
assert_eq 1 "$(audits 10005 ticket.merge)" "merge audit row"
assert_eq 0 "$(merged_into 10006)" "the ticket not granted was not merged"
c ann -H 'Accept-Language: en' "$URL/agent/?status=closed" >/dev/null
assert_contains "$(cat "$T/body")" "merged into <a href=\"/agent/tickets/10004\">#10004</a>" "the queue shows where a merged ticket went"
# a chosen target; a merged ticket is not merged again
assert_eq 303 "$(c ann -X POST --data-urlencode "csrf=$tok" -d 'op=merge&into=10003&t=10001&t=10005' "$URL/agent/bulk")" "merge into a chosen ticket"
assert_eq 10003 "$(merged_into 10001)" "#10001 merged into the chosen #10003"
assert_eq 10004 "$(merged_into 10005)" "an already merged ticket stays where it was"
assert_eq 400 "$(c ann -X POST --data-urlencode "csrf=$tok" -d 'op=merge&into=10x&t=10002&t=10003' "$URL/agent/bulk")" "a target that is not a number is 400"
assert_eq 303 "$(c ann -X POST --data-urlencode "csrf=$tok" -d 'op=merge&into=10006&t=10002' "$URL/agent/bulk")" "merge into a ticket not granted"
assert_eq 0 "$(merged_into 10002)" "is refused: nothing merged"
assert_eq 1 "$(audits 10005 ticket.merge)" "no second merge row"
# the audit chain still verifies
assert_status 0 "audit chain verifies after the bulk actions" "$HD" --data "$I" verify

# ---- saved views --------------------------------------------------------------
c ann "$URL/agent/?status=pending&sort=new" >/dev/null
tok=$(csrf)
assert_contains "$(cat "$T/body")" 'name="query" value="status=pending&amp;sort=new"' "the save form carries the current filter"
st=$(curl -s -o /dev/null -D "$T/h" -w '%{http_code}' -b "$T/ann" -X POST --data-urlencode "csrf=$tok"     --data-urlencode 'name=<b>Pending</b> & mine' --data-urlencode 'query=status=pending&sort=new' "$URL/agent/views")
assert_eq 303 "$st" "save this view"
vid=$(sql "$DB" "SELECT id FROM saved_view WHERE user_id = $ann_id")
assert_eq "/agent/?status=pending&sort=new&sv=$vid" "$(sed -n 's/^[Ll]ocation: *//p' "$T/h" | tr -d '\r')" "saving opens the view"
assert_eq 403 "$(c ann -X POST --data-urlencode 'name=x' --data-urlencode 'query=status=new' "$URL/agent/views")" "saving without CSRF token is 403"
assert_eq 400 "$(c ann -X POST --data-urlencode "csrf=$tok" --data-urlencode 'name=x' --data-urlencode $'query=a\r\nLocation: http://evil.test/' "$URL/agent/views")" "a query that is not ours is 400"
c ann "$URL/agent/" >/dev/null
page=$(cat "$T/body")
assert_contains "$page" "&lt;b&gt;Pending&lt;/b&gt; &amp; mine" "the name is escaped in the list"
case "$page" in *"<b>Pending"*) fail "the view name went out unescaped";; esac
pending=$(sql "$DB" "SELECT count(*) FROM ticket WHERE status = 'pending'")
assert_contains "$page" "href=\"/agent/views/$vid\">&lt;b&gt;Pending&lt;/b&gt; &amp; mine <span class=\"count\">$pending</span>" "listed with its count ($pending)"
st=$(curl -s -o /dev/null -D "$T/h" -w '%{http_code}' -b "$T/ann" "$URL/agent/views/$vid")
assert_eq 303 "$st" "opening a saved view"
assert_eq "/agent/?status=pending&sort=new&sv=$vid" "$(sed -n 's/^[Ll]ocation: *//p' "$T/h" | tr -d '\r')" "opens its filter"
assert_eq 303 "$(login bob bob@support.test "$PW")" "bob signs in"
assert_eq 404 "$(c bob "$URL/agent/views/$vid")" "another user's view is 404"
case "$(cat "$T/body")" in *Pending*) fail "bob sees ann's view";; esac
c bob "$URL/agent/" >/dev/null
btok=$(csrf)
case "$(cat "$T/body")" in *"/agent/views/$vid"*) fail "ann's view is in bob's list";; esac
pass "ann's view is not in bob's list"
assert_eq 404 "$(c bob -X POST --data-urlencode "csrf=$btok" "$URL/agent/views/$vid/delete")" "another user cannot delete it (404)"
assert_eq 1 "$(sql "$DB" "SELECT count(*) FROM saved_view WHERE id = $vid")" "still there"
assert_eq 404 "$(c ann "$URL/agent/views/99999")" "an unknown view is 404"
assert_eq 403 "$(c ann -X POST "$URL/agent/views/$vid/delete")" "deleting without CSRF token is 403"
assert_eq 303 "$(c ann -X POST --data-urlencode "csrf=$tok" "$URL/agent/views/$vid/delete")" "owner deletes the view"
assert_eq 0 "$(sql "$DB" "SELECT count(*) FROM saved_view WHERE id = $vid")" "deleted"
assert_eq 404 "$(c ann "$URL/agent/views/$vid")" "a deleted view is 404"
