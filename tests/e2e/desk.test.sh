#!/bin/bash
# desk.test.sh - every ticket operation through every entry point that
# offers it leaves the same marks (helpdesk/desk/desk.h): the same history
# lines, the same audit action and fields, the same webhook events and the
# same SLA effect.  Entry points: the agents' ticket page, their bulk
# action, the JSON API, the admin CLI, mail, the customer's page.  Each
# case starts from a ticket of its own, freshly opened by mail, performs
# one operation and records a signature of what changed; the signatures of
# one operation must be equal whichever door it came through, and the
# audit row must name that door.
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
echo "$PW" | hd user add --email ann@support.test --name Ann --role agent --queues support,billing >/dev/null
conf "$I" mail.from_address support@support.test
conf "$I" instance.public_url https://help.example.com
printf 'hook-secret-0123456789\n' > "$T/secret"
# A receiver that never answers: deliveries stay queued, one row each.
hd webhook add "http://127.0.0.1:1/hook" --events created,updated,sla_breached --secret-file "$T/secret" >/dev/null
API=$(hd token add --user ann@support.test --scope write --json | json 'd["token"]')
ANN=$(q "SELECT id FROM user WHERE email = 'ann@support.test'")
BILLING=$(q "SELECT id FROM queue WHERE name = 'billing'")

n=0
# open_mail: a new ticket from a customer's mail; its number in $t.
open_mail() {
    n=$((n + 1))
    printf 'From: Cust %s <c%s@customer.test>\nTo: support@support.test\nSubject: Case %s\nMessage-ID: <case%s@customer.test>\nContent-Type: text/plain; charset=UTF-8\n\nHelp with case %s.\n' \
        "$n" "$n" "$n" "$n" "$n" | "$MG" --data "$I" deliver --recipient support@support.test >/dev/null
    t=$(q "SELECT max(number) FROM ticket")
}
tid() { q "SELECT id FROM ticket WHERE number = $1"; }

# mark NUMBER: remembers where the ticket's rows end, so sig shows only
# what one operation added.
mark() {
    M_EV=$(q "SELECT coalesce(max(id), 0) FROM event")
    M_AU=$(q "SELECT coalesce(max(id), 0) FROM audit")
    M_WH=$(q "SELECT coalesce(max(id), 0) FROM webhook_delivery")
    M_OB=$(q "SELECT coalesce(max(id), 0) FROM outbox")
}
# sig NUMBER: what the operation left on the ticket: history lines (kind,
# field, old -> new; actors differ by door and are checked apart), audit
# actions with their before/after fields, webhook events, outbox kinds and
# the SLA fields that were set.
sig() {
    if [ -n "${into:-}" ]; then # the merge target differs from case to case
        sig_rows "$1" | sed "s/\b$into\b/INTO/g; s/\b$(tid "$into")\b/INTO_ID/g"
    else
        sig_rows "$1"
    fi
}
sig_rows() {
    local id; id=$(tid "$1")
    echo "history: $(q "SELECT group_concat(kind || ':' || coalesce(field, '') || ':' || coalesce(old_value, '') || '>' || coalesce(new_value, ''), ' ') FROM (SELECT * FROM event WHERE ticket_id = $id AND id > $M_EV ORDER BY id)")"
    echo "audit: $(q "SELECT group_concat(action || ' ' || coalesce(before_json, '-') || ' ' || coalesce(after_json, '-'), ' | ') FROM (SELECT * FROM audit WHERE object = 'ticket:$1' AND id > $M_AU ORDER BY id)")"
    echo "webhook: $(q "SELECT group_concat(event, ' ') FROM (SELECT event FROM webhook_delivery WHERE id > $M_WH AND ticket_number = $1 ORDER BY id)")"
    echo "outbox: $(q "SELECT group_concat(kind, ' ') FROM (SELECT kind FROM outbox WHERE id > $M_OB AND ticket_id = $id ORDER BY id)")"
    echo "sla: $(q "SELECT status, first_response_at > 0, resolved_at > 0, sla_paused_at > 0, sla_first_state, sla_resolve_state FROM ticket WHERE id = $id")"
}
# sources NUMBER: the audit rows' source and actor kind since mark.
sources() {
    q "SELECT group_concat(DISTINCT source || '/' || substr(actor, 1, instr(actor || ':', ':') - 1)) FROM audit WHERE object = 'ticket:$1' AND id > $M_AU"
}

agent_web_start "$I"
assert_eq 303 "$(login ann ann@support.test "$PW")" "Ann signs in"
page_csrf() { c ann "$URL/agent/tickets/$1" >/dev/null; csrf; }
last_msg() { q "SELECT max(id) FROM message WHERE ticket_id = $(tid "$1")"; }
web_post() { # NUMBER ACTION FIELDS...
    local num=$1 act=$2 tok; shift 2
    tok=$(page_csrf "$num")
    local args=(--data-urlencode "csrf=$tok" --data-urlencode "last=$(last_msg "$num")")
    for f in "$@"; do args+=(--data-urlencode "$f"); done
    c ann -X POST "${args[@]}" "$URL/agent/tickets/$num/$act"
}
bulk_post() { # FIELDS...
    c ann "$URL/agent/" >/dev/null
    local tok; tok=$(csrf)
    local args=(--data-urlencode "csrf=$tok")
    for f in "$@"; do args+=(--data-urlencode "$f"); done
    c ann -X POST "${args[@]}" "$URL/agent/bulk"
}
api() { # METHOD PATH JSON
    curl -s -o "$T/api.out" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $API" \
        -H 'Content-Type: application/json' -d "$3" "$URL/api/v1$2"
}

# check OP DOOR NUMBER EXPECTED-SOURCE: records the signature of OP through
# DOOR and compares it with the first door's.
declare -A first_sig first_door
check() {
    local op=$1 door=$2 num=$3 src=$4 s
    s=$(sig "$num")
    [ -n "$(echo "$s" | sed -n 's/^audit: //p')" ] || fail "$op via $door: no audit row ($s)"
    assert_eq "$src" "$(sources "$num")" "$op via $door: the audit row names the door"
    if [ -z "${first_sig[$op]:-}" ]; then
        first_sig[$op]=$s
        first_door[$op]=$door
        pass "$op via $door: $(echo "$s" | tr '\n' ';')"
    else
        assert_eq "${first_sig[$op]}" "$s" "$op via $door leaves what it leaves via ${first_door[$op]}"
    fi
}

# ---- set status (new -> pending) -------------------------------------
open_mail; mark
assert_eq 303 "$(web_post "$t" update status=pending)" "page: status"
check status page "$t" "web/user"
open_mail; mark
assert_eq 303 "$(bulk_post op=status to_status=pending "t=$t")" "bulk: status"
check status bulk "$t" "web/user"
open_mail; mark
assert_eq 200 "$(api PATCH "/tickets/$t" '{"status":"pending"}')" "api: status"
check status api "$t" "api/api"
open_mail; mark
hd ticket set "$t" --status pending >/dev/null
check status cli "$t" "cli/cli"

# ---- set priority and category (SLA targets move) ---------------------
open_mail; mark
assert_eq 303 "$(web_post "$t" update priority=urgent category=incident)" "page: class"
check class page "$t" "web/user"
open_mail; mark
assert_eq 200 "$(api PATCH "/tickets/$t" '{"priority":"urgent","category":"incident"}')" "api: class"
check class api "$t" "api/api"
open_mail; mark
hd ticket set "$t" --priority urgent --category incident >/dev/null
check class cli "$t" "cli/cli"

# ---- assign and move --------------------------------------------------
open_mail; mark
assert_eq 303 "$(web_post "$t" update "assignee=$ANN" "queue=$BILLING")" "page: assign"
check assign page "$t" "web/user"
open_mail; mark
assert_eq 200 "$(api PATCH "/tickets/$t" '{"assignee":"ann@support.test","queue":"billing"}')" "api: assign"
check assign api "$t" "api/api"
open_mail; mark
hd ticket set "$t" --assignee ann@support.test --queue billing >/dev/null
check assign cli "$t" "cli/cli"

open_mail; mark
assert_eq 303 "$(bulk_post op=assign assignee=me "t=$t")" "bulk: assign"
check assign-only bulk "$t" "web/user"
open_mail; mark
hd ticket set "$t" --assignee ann@support.test --as ann@support.test >/dev/null
check assign-only cli "$t" "cli/cli"

# ---- reply (first response, new -> open, mail queued) -----------------
open_mail; mark
assert_eq 303 "$(web_post "$t" reply 'body=We are on it.')" "page: reply"
check reply page "$t" "web/user"
open_mail; mark
assert_eq 201 "$(api POST "/tickets/$t/reply" '{"body":"We are on it."}')" "api: reply"
check reply api "$t" "api/api"
open_mail; mark
echo 'We are on it.' | hd ticket reply "$t" --body-file - --as ann@support.test >/dev/null
check reply cli "$t" "cli/cli"

# ---- note --------------------------------------------------------------
open_mail; mark
assert_eq 303 "$(web_post "$t" note 'body=Internal only.')" "page: note"
check note page "$t" "web/user"
open_mail; mark
assert_eq 201 "$(api POST "/tickets/$t/notes" '{"body":"Internal only."}')" "api: note"
check note api "$t" "api/api"
open_mail; mark
echo 'Internal only.' | hd ticket note "$t" --body-file - --as ann@support.test >/dev/null
check note cli "$t" "cli/cli"

# ---- merge (the later ticket into the earlier) ------------------------
open_mail; into=$t; open_mail; mark
tok=$(page_csrf "$t")
assert_eq 303 "$(c ann -X POST --data-urlencode "csrf=$tok" --data-urlencode "into=$into" --data-urlencode confirm=1 "$URL/agent/tickets/$t/merge")" "page: merge"
check merge page "$t" "web/user"
open_mail; into=$t; open_mail; mark
assert_eq 303 "$(bulk_post op=merge "into=$into" "t=$into" "t=$t")" "bulk: merge"
check merge bulk "$t" "web/user"
open_mail; into=$t; open_mail; mark
assert_eq 200 "$(api POST "/tickets/$t/merge" "{\"into\": $into}")" "api: merge"
check merge api "$t" "api/api"
open_mail; into=$t; open_mail; mark
hd ticket merge "$t" --into "$into" >/dev/null
check merge cli "$t" "cli/cli"

into=
# ---- the customer answers a pending ticket (it opens again) ------------
customer_token() { # NUMBER: the /t/ link of the ticket's acknowledgement
    q "SELECT raw FROM outbox WHERE kind = 'ack' AND ticket_id = $(tid "$1")" | python3 -c '
import email, email.policy, re, sys
m = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.default)
print(re.search(r"https://help.example.com/t/([A-Za-z0-9_-]+)", m.get_body().get_content()).group(1))'
}
open_mail; hd ticket set "$t" --status pending >/dev/null; mark
printf 'From: Cust %s <c%s@customer.test>\nTo: support@support.test\nSubject: Re: Case\nMessage-ID: <again%s@customer.test>\nIn-Reply-To: <case%s@customer.test>\nContent-Type: text/plain; charset=UTF-8\n\nStill broken.\n' \
    "$n" "$n" "$n" "$n" | "$MG" --data "$I" deliver --recipient support@support.test >/dev/null
check woken mail "$t" "mailgw/mailgw"
open_mail; hd ticket set "$t" --status pending >/dev/null; mark
token=$(customer_token "$t")
curl -s -c "$T/cust" -o "$T/cust.html" "$URL/t/$token"
ctok=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/cust.html" | head -1)
assert_eq 303 "$(curl -s -o /dev/null -w '%{http_code}' -b "$T/cust" --data-urlencode "csrf=$ctok" --data-urlencode 'body=Still broken.' "$URL/t/$token/reply")" "customer page: reply"
check woken customer "$t" "web/customer-web"

# ---- open ----------------------------------------------------------------
mark
open_mail
assert_eq "created" "$(q "SELECT group_concat(event) FROM webhook_delivery WHERE id > $M_WH AND ticket_number = $t")" "mail: open fires created"
assert_eq "ticket.create|mailgw" "$(q "SELECT action || '|' || source FROM audit WHERE object = 'ticket:$t'")" "mail: open is audited"
mark
assert_eq 201 "$(api POST /tickets '{"subject":"Case API","requester":"api@customer.test","body":"Help.","queue":"support"}')" "api: open"
t=$(json 'd["number"]' < "$T/api.out")
assert_eq "created" "$(q "SELECT group_concat(event) FROM webhook_delivery WHERE id > $M_WH AND ticket_number = $t")" "api: open fires created"
assert_eq "ticket.create|api" "$(q "SELECT action || '|' || source FROM audit WHERE object = 'ticket:$t'")" "api: open is audited"
assert_eq "1" "$(q "SELECT first_response_due > 0 AND resolution_due > 0 FROM ticket WHERE number = $t")" "api: open starts the SLA clocks"

# ---- the rules of the desk hold at every door --------------------------
open_mail; hd ticket set "$t" --status closed >/dev/null
assert_status 65 "cli: a closed ticket stays closed" "$HD" --data "$I" ticket set "$t" --status open
assert_eq 422 "$(api PATCH "/tickets/$t" '{"status":"open"}')" "api: a closed ticket stays closed"
assert_eq 400 "$(web_post "$t" update status=open)" "page: a closed ticket stays closed"
assert_status 65 "cli: no reply to a closed ticket" sh -c "echo hi | '$HD' --data '$I' ticket reply $t --body-file - --as ann@support.test"
assert_eq 409 "$(api POST "/tickets/$t/reply" '{"body":"hi"}')" "api: no reply to a closed ticket"
assert_eq 400 "$(web_post "$t" reply body=hi)" "page: no reply to a closed ticket"
assert_eq closed "$(q "SELECT status FROM ticket WHERE number = $t")" "and it is still closed"

# ---- nothing outside the desk changes a ticket ---------------------------
setters=$(grep -rln 'hd_store_ticket_set(' "$HD_SRC/helpdesk" "$HD_SRC/mailgw" "$HD_SRC/web" "$HD_SRC/faq" | sed "s|$HD_SRC/||" | sort | tr '\n' ' ')
assert_eq "helpdesk/desk/desk.c helpdesk/store/store.h helpdesk/store/store_ticket.c " "$setters" "only the desk calls the store's setter"
pass "desk e2e"
