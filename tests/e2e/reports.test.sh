#!/bin/bash
# reports.test.sh - the managers' reports (docs/agents.md#reports) on
# known data, with the clock frozen: five tickets made through the mail
# gateway and the CLI at chosen times (inside and outside business hours,
# a weekend, an incident, a reply, a resolution, a held spam) and the
# numbers asserted in the API's JSON, the page's tables and the CSV.
# An agent granted one queue sees that queue's counts only (no name, no
# number of the other); an admin sees both.
source "$(dirname "$0")/lib.sh"
source "$HD_SRC/tests/e2e/lib/agent.sh"
I=$T/inst
DB=$I/helpdesk.db
PW=correct-horse-battery-9
hd() { "$HD" --data "$I" "$@"; }
q() { sql "$DB" "$1"; }
hd --profile test init >/dev/null
hd queue add support --address support@support.test >/dev/null
hd queue add billing --address billing@support.test >/dev/null
echo "$PW" | hd user add --email ann@support.test --name Ann --role agent --queues support >/dev/null
echo "$PW" | hd user add --email root@support.test --name Root --role admin >/dev/null
n=0
# mail WHEN RCPT SUBJECT [HEADER]: a new ticket at local time WHEN.
mail() {
    n=$((n + 1))
    printf '%sFrom: <c%s@customer.test>\nTo: %s\nSubject: %s\nMessage-ID: <r%s@customer.test>\n\nHello.\n' \
        "${4:+$4
}" "$n" "$2" "$3" "$n" |
        HELPDESK_NOW=$1 "$MG" --data "$I" deliver --recipient "$2" >/dev/null || fail "deliver $3"
}
at() { HELPDESK_NOW=$1 "$HD" --data "$I" "${@:2}" >/dev/null || fail "$*"; }
# Monday 7 December 2026 (Asia/Tokyo; business hours 10:00-19:00)
mail 2026-12-07T10:30:00+09:00 support@support.test "One"                  # 10001
mail 2026-12-07T21:00:00+09:00 support@support.test "Two"                  # 10002
mail 2026-12-06T15:00:00+09:00 billing@support.test "Three"                # 10003 Sunday
mail 2026-12-08T11:15:00+09:00 support@support.test "Four"                 # 10004
mail 2026-12-08T11:20:00+09:00 support@support.test "Spam" "X-Spam-Flag: YES" # held: counted nowhere
at 2026-12-07T10:35:00+09:00 ticket set 10002 --category incident
echo 'Looking into it.' > "$T/reply"
at 2026-12-07T11:00:00+09:00 ticket reply 10001 --body-file "$T/reply" --as root@support.test
at 2026-12-08T12:00:00+09:00 ticket set 10001 --status resolved --assignee ann@support.test
at 2026-12-08T12:00:00+09:00 ticket set 10004 --assignee ann@support.test
assert_eq 1 "$(q "SELECT count(*) FROM ticket WHERE spam = 1")" "the spam is held"

export HELPDESK_NOW=2026-12-09T12:00:00+09:00
ROOT=$(hd token add --user root@support.test --scope read --json | json 'd["token"]')
ANN=$(hd token add --user ann@support.test --scope read --json | json 'd["token"]')
start_web "$I"
api() { curl -s -H "Authorization: Bearer $1" "$URL/api/v1/reports?days=7"; }
# cell TOKEN TABLE ROW COLUMN: one number of the API's answer ("-" when
# the row is absent).
cell() {
    api "$1" | python3 -c '
import json, sys
d = json.load(sys.stdin)
t = [t for t in d["tables"] if t["id"] == sys.argv[1]][0]
c = t["columns"].index(sys.argv[3])
rows = [r for r in t["rows"] if r["label"] == sys.argv[2]]
print(rows[0]["values"][c] if rows else "-")' "$2" "$3" "$4"
}
assert_eq 3 "$(cell "$ROOT" sla_by_queue support tickets)" "admin: 3 tickets in support (the spam not counted)"
assert_eq 1 "$(cell "$ROOT" sla_by_queue billing tickets)" "admin: 1 in billing"
assert_eq 1 "$(cell "$ROOT" sla_by_queue support first_met)" "first response met once (30 minutes after)"
assert_eq 1 "$(cell "$ROOT" sla_by_category incident tickets)" "one incident"
assert_eq 3 "$(cell "$ROOT" sla_by_category general tickets)" "three general"
assert_eq 1 "$(cell "$ROOT" volume_by_weekday Mon general)" "Monday: one general"
assert_eq 1 "$(cell "$ROOT" volume_by_weekday Mon incident)" "Monday: one incident"
assert_eq 1 "$(cell "$ROOT" volume_by_weekday Sun general)" "Sunday: one"
assert_eq 1 "$(cell "$ROOT" volume_by_weekday Mon inside_hours)" "Monday 10:30 inside business hours"
assert_eq 1 "$(cell "$ROOT" volume_by_weekday Mon outside_hours)" "Monday 21:00 outside"
assert_eq 1 "$(cell "$ROOT" volume_by_weekday Sun outside_hours)" "Sunday outside"
assert_eq 1 "$(cell "$ROOT" volume_by_day 2026-12-08 general)" "Tuesday: one"
assert_eq 1 "$(cell "$ROOT" volume_by_hour 21 incident)" "21:00: the incident"
assert_eq 1 "$(cell "$ROOT" first_response_time '<1h' tickets)" "first response under an hour"
assert_eq 1 "$(cell "$ROOT" resolution_time '1-3d' tickets)" "resolved in 25.5 hours: 1-3 days"
assert_eq 1 "$(cell "$ROOT" workload_by_agent Ann open)" "Ann holds one open ticket"
assert_eq 1 "$(cell "$ROOT" workload_by_agent Ann solved)" "... and solved one"
assert_eq 0 "$(cell "$ROOT" backlog_by_age '<1d' general)" "backlog: nothing under a day old"
assert_eq 1 "$(cell "$ROOT" backlog_by_age '1-3d' incident)" "backlog: Two (incident) 1-3 days"
assert_eq 2 "$(cell "$ROOT" backlog_by_age '1-3d' general)" "backlog: Three and Four (24.75 h) 1-3 days"

# An agent of support only: the other queue's counts and name are gone.
assert_eq 3 "$(cell "$ANN" sla_by_queue support tickets)" "ann: support's 3"
assert_eq - "$(cell "$ANN" sla_by_queue billing tickets)" "ann: no billing row"
assert_eq 0 "$(cell "$ANN" volume_by_weekday Sun general)" "ann: Sunday's billing ticket not counted"
assert_eq 2 "$(cell "$ANN" sla_by_category general tickets)" "ann: general counts support only"
assert_eq 1 "$(cell "$ANN" backlog_by_age '1-3d' general)" "ann: billing's backlog not counted"

# The page: the same numbers in tables, charts as SVG, ja and en.
[ "$(login ann ann@support.test "$PW")" = 303 ] || fail "ann signs in"
assert_eq 200 "$(c ann "$URL/agent/reports?days=7")" "reports page"
grep -q '<svg class="chart"' "$T/body" || fail "charts drawn as SVG"
grep -q 'role="img"' "$T/body" || fail "charts are images with a title"
grep -q '<table class="report" id="t-sla_by_queue">' "$T/body" || fail "tables beside them"
grep -q 'billing' "$T/body" && fail "ann's page names billing"
python3 - "$T/body" <<'PY' || fail "page numbers"
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
t = re.search(r'id="t-sla_by_queue">(.*?)</table>', html, re.S).group(1)
row = re.search(r'<th scope="row">support</th>(.*?)</tr>', t, re.S).group(1)
assert re.search(r'data-col="tickets"[^>]*>3<', row), row
PY
pass "ann's page shows support's 3 tickets and nothing of billing"
assert_eq 200 "$(c ann "$URL/agent/reports.csv?days=7")" "CSV download"
grep -q '^sla_by_queue,support,tickets,3' "$T/body" || fail "CSV row"
grep -q billing "$T/body" && fail "ann's CSV names billing"
pass "CSV holds the same numbers, support only"
c ann -H 'Accept-Language: ja' "$URL/agent/reports?days=7" >/dev/null
grep -q 'SLA 達成状況' "$T/body" || fail "the page in Japanese"
pass "the page in Japanese"
assert_eq 401 "$(curl -s -o /dev/null -w '%{http_code}' "$URL/api/v1/reports")" "API needs a token"
assert_eq 303 "$(curl -s -o /dev/null -w '%{http_code}' "$URL/agent/reports")" "page needs a session"
pass "reports test done"
