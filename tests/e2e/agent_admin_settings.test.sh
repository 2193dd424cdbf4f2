#!/bin/bash
# agent_admin_settings.test.sh - the read-mostly admin pages over real
# HTTP: calendar, SLA policies, mail templates, announcements and API
# tokens reach an admin (password and TOTP) and refuse an agent with 403;
# the calendar lists this year's holidays with their count, the SLA page
# the four policies, the templates escaped with their file; a token made
# on the page (shown once) works against the API until it is revoked
# there; POSTs without the CSRF token are refused.
source "$(dirname "$0")/lib.sh"
source "$HD_SRC/tests/e2e/lib/agent.sh"
I=$T/inst
DB=$I/helpdesk.db
PW=correct-horse-battery-9
SECRET=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
"$HD" --data "$I" --profile test init >/dev/null
"$HD" --data "$I" queue add support --address support@support.test >/dev/null
echo "$PW" | "$HD" --data "$I" user add --email ann@support.test --name Ann --role agent --queues support >/dev/null
echo "$PW" | "$HD" --data "$I" user add --email adm@support.test --name Adm --role admin >/dev/null
totp_enable "$DB" adm@support.test "$SECRET"
"$HD" --data "$I" announce add --kind status --title-ja '一部<遅延>' --title-en 'Some <delay>' >/dev/null
"$HD" --data "$I" calendar add-closure 2099-05-01 2099-05-02 '社内行事' >/dev/null
agent_web_start "$I"

PAGES="calendar sla templates announcements tokens queues"
assert_eq 303 "$(login ann ann@support.test "$PW")" "agent signs in"
for p in $PAGES; do
    assert_eq 403 "$(c ann "$URL/agent/admin/$p")" "agent gets 403 on /agent/admin/$p"
done
assert_eq 303 "$(login_2fa adm adm@support.test "$PW" "$SECRET")" "admin signs in with TOTP"
for p in $PAGES; do
    assert_eq 200 "$(c adm "$URL/agent/admin/$p")" "admin reaches /agent/admin/$p"
done
c adm "$URL/agent/" >/dev/null
assert_contains "$(cat "$T/body")" 'href="/agent/admin/tokens"' "new pages in the admin menu"

# calendar: hours, zone, this year's holidays with their count, closures
Y=$(TZ=Asia/Tokyo date +%Y)
N=$("$HD" calendar holidays "$Y" --json | json 'len(d)')
c adm "$URL/agent/admin/calendar" >/dev/null
assert_contains "$(cat "$T/body")" "mon-fri 10:00-19:00" "configured hours shown"
assert_contains "$(cat "$T/body")" "Asia/Tokyo" "time zone shown"
assert_contains "$(cat "$T/body")" "$Y-01-01</td><td>元日" "元日 of this year listed"
assert_contains "$(cat "$T/body")" "<caption>$Y: <span class=\"count\">$N</span>" "holiday count of $Y ($N)"
assert_contains "$(cat "$T/body")" "<caption>$((Y + 1)): " "next year's holidays too"
assert_eq "$N" "$(sed -n "/<caption>$Y:/,/<\/table>/p" "$T/body" | grep -c "<tr><td>$Y-")" "$N holiday rows for $Y"
assert_contains "$(cat "$T/body")" "社内行事" "stored closure listed"
grep -q '一般窓口は現在営業中です。\|一般窓口は現在営業時間外です。' "$T/body" || fail "open state"
pass "open or closed now is said"

# SLA policies: the four stored rows, hours and clock kind
c adm "$URL/agent/admin/sla" >/dev/null
assert_eq 4 "$(sed -n '/<table class="sla">/,/<\/table>/p' "$T/body" | grep -c '^<tr><td>')" "SLA page shows 4 policies"
assert_contains "$(cat "$T/body")" "<td>incident</td><td>urgent</td><td>0.5 時間</td><td>8 時間</td><td>24時間365日</td>" "incident urgent: 30 min, 8 h, 24/7"
assert_contains "$(cat "$T/body")" "<td>general</td><td>すべて</td><td>9 時間</td><td>45 時間</td><td>営業時間内</td>" "general: 9 h, 45 h, business hours"

# templates: escaped, with the file to edit
printf 'Hello <b>{{subject}}</b> & bye\n' > "$I/templates/alert.en.txt"
c adm "$URL/agent/admin/templates" >/dev/null
assert_contains "$(cat "$T/body")" "Hello &lt;b&gt;{{subject}}&lt;/b&gt; &amp; bye" "template text escaped"
assert_contains "$(cat "$T/body")" "$I/templates/ack.ja.txt" "file path of a template"
assert_eq 4 "$(grep -c '<section class="template">' "$T/body")" "four templates"

# announcements
c adm "$URL/agent/admin/announcements" >/dev/null
assert_contains "$(cat "$T/body")" "一部&lt;遅延&gt;" "announcement title escaped"
assert_contains "$(cat "$T/body")" "<td>status</td>" "announcement kind"

# tokens: create (shown once), use, revoke, refuse without CSRF
c adm "$URL/agent/admin/tokens" >/dev/null
tok=$(csrf)
assert_eq 403 "$(c adm -X POST --data-urlencode "scope=read" "$URL/agent/admin/tokens/add")" "token add without CSRF refused"
assert_eq 0 "$(sql "$DB" "SELECT count(*) FROM api_token")" "nothing created without CSRF"
assert_eq 422 "$(c adm -X POST --data-urlencode "csrf=$tok" --data-urlencode "scope=root" "$URL/agent/admin/tokens/add")" "unknown scope refused"
assert_eq 422 "$(c adm -X POST --data-urlencode "csrf=$tok" --data-urlencode "scope=read" --data-urlencode "expires_days=-3" "$URL/agent/admin/tokens/add")" "bad expiry refused"
assert_eq 200 "$(c adm -X POST --data-urlencode "csrf=$tok" --data-urlencode "scope=read" --data-urlencode "expires_days=30" "$URL/agent/admin/tokens/add")" "token created"
BEARER=$(sed -n 's/.*<code class="token">\([^<]*\)<\/code>.*/\1/p' "$T/body")
[ -n "$BEARER" ] || fail "token text shown"
pass "token text shown on the result page"
c adm "$URL/agent/admin/tokens" >/dev/null
case "$(cat "$T/body")" in *"$BEARER"*) fail "token shown again";; esac
pass "token not shown again"
assert_eq 200 "$(curl -s -o "$T/api" -w '%{http_code}' -H "Authorization: Bearer $BEARER" "$URL/api/v1/queues")" "token works on GET /api/v1/queues"
assert_contains "$(cat "$T/api")" "support" "queues listed with the token"
c adm "$URL/agent/admin/tokens" >/dev/null
assert_contains "$(cat "$T/body")" "127.0.0.1" "last use IP shown"
TID=$(sql "$DB" "SELECT id FROM api_token")
assert_eq 1 "$(sql "$DB" "SELECT count(*) FROM audit WHERE action = 'api_token.add' AND source = 'web' AND object = 'api_token:$TID'")" "creation audited"
assert_eq 403 "$(c adm -X POST "$URL/agent/admin/tokens/$TID/revoke")" "revoke without CSRF refused"
assert_eq 200 "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $BEARER" "$URL/api/v1/queues")" "token still works after a refused revoke"
assert_eq 200 "$(c adm -X POST --data-urlencode "csrf=$tok" "$URL/agent/admin/tokens/$TID/revoke")" "token revoked"
assert_eq 401 "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $BEARER" "$URL/api/v1/queues")" "revoked token refused (401)"
assert_eq 1 "$(sql "$DB" "SELECT count(*) FROM audit WHERE action = 'api_token.revoke' AND source = 'web' AND object = 'api_token:$TID'")" "revocation audited"
# someone else's token cannot be revoked from here
"$HD" --data "$I" token add --user ann@support.test --scope read >/dev/null
AID=$(sql "$DB" "SELECT id FROM api_token WHERE revoked_at IS NULL")
assert_eq 404 "$(c adm -X POST --data-urlencode "csrf=$tok" "$URL/agent/admin/tokens/$AID/revoke")" "another user's token is not ours to revoke"

# queues: add from the page (audited), a duplicate is refused with a reason
c adm "$URL/agent/admin/queues" >/dev/null
tok=$(csrf)
assert_eq 403 "$(c adm -X POST --data-urlencode "name=billing" "$URL/agent/admin/queues/add")" "queue add without CSRF refused"
assert_eq 303 "$(c adm -X POST --data-urlencode "csrf=$tok" --data-urlencode "name=billing" --data-urlencode "address=billing@support.test" "$URL/agent/admin/queues/add")" "queue added"
assert_eq "billing@support.test" "$(sql "$DB" "SELECT address FROM queue WHERE name = 'billing'")" "queue stored"
assert_eq 1 "$(sql "$DB" "SELECT count(*) FROM audit WHERE action = 'queue.add' AND source = 'web'")" "queue addition audited"
assert_eq 422 "$(c adm -X POST --data-urlencode "csrf=$tok" --data-urlencode "name=billing" "$URL/agent/admin/queues/add")" "duplicate queue refused"
# rules: reorder by position (audited)
c adm "$URL/agent/admin/rules" >/dev/null
tok=$(csrf)
RID=$(sql "$DB" "SELECT id FROM rule ORDER BY position DESC LIMIT 1")
assert_eq 303 "$(c adm -X POST --data-urlencode "csrf=$tok" --data-urlencode "position=1" "$URL/agent/admin/rules/$RID/move")" "rule moved"
assert_eq "$RID" "$(sql "$DB" "SELECT id FROM rule ORDER BY position, id LIMIT 1")" "the moved rule runs first"
assert_eq 400 "$(c adm -X POST --data-urlencode "csrf=$tok" --data-urlencode "position=x" "$URL/agent/admin/rules/$RID/move")" "bad position refused"
assert_eq 1 "$(sql "$DB" "SELECT count(*) FROM audit WHERE action = 'rule.move'")" "move audited"
echo "all admin settings page checks passed"
