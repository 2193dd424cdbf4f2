#!/bin/bash
# agent_admin.test.sh - the admin pages of the agents' workplace over real
# HTTP with curl: an admin signed in with password and TOTP reaches every
# admin page, an agent gets 403; the checklist has its 65 rows; the log
# search finds a sign-in failure by IP and the CSV download neutralises a
# formula; a rule with a bad regular expression is refused with the reason
# and stores nothing, a good one is stored; testing a pasted Japanese
# incident mail shows the decision and creates nothing; POSTs without the
# CSRF token are refused.
source "$(dirname "$0")/lib.sh"
source "$HD_SRC/tests/e2e/lib/agent.sh"
I=$T/inst
DB=$I/helpdesk.db
PW=correct-horse-battery-9
SECRET=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
"$HD" --data "$I" --profile test init >/dev/null
"$HD" --data "$I" queue add support --address support@support.test >/dev/null
"$HD" --data "$I" queue add incident --address incident@support.test >/dev/null
echo "$PW" | "$HD" --data "$I" user add --email ann@support.test --name Ann --role agent --queues support >/dev/null
echo "$PW" | "$HD" --data "$I" user add --email adm@support.test --name Adm --role admin >/dev/null
totp_enable "$DB" adm@support.test "$SECRET"
conf "$I" mail.from_address support@support.test
conf "$I" support.incident_address incident@support.test
agent_web_start "$I"

"$HD" --data "$I" backup run >/dev/null
PAGES="checklist checklist.json logs logs.csv logs.json rules backups"
assert_eq 303 "$(login ann ann@support.test "$PW")" "agent signs in"
for p in $PAGES; do
    assert_eq 403 "$(c ann "$URL/agent/admin/$p")" "agent gets 403 on /agent/admin/$p"
done
assert_eq 303 "$(login_2fa adm adm@support.test "$PW" "$SECRET")" "admin signs in with TOTP"
for p in $PAGES; do
    assert_eq 200 "$(c adm "$URL/agent/admin/$p")" "admin reaches /agent/admin/$p"
done
c adm "$URL/agent/" >/dev/null
assert_contains "$(cat "$T/body")" 'href="/agent/admin/logs"' "admin menu in the layout"
c ann "$URL/agent/" >/dev/null
case "$(cat "$T/body")" in *'/agent/admin/'*) fail "agent sees the admin menu";; esac
pass "agent does not see the admin menu"

# checklist: 65 rows, in the UI language, JSON download
c adm "$URL/agent/admin/checklist" >/dev/null
assert_eq 65 "$(grep -c '<tr><th scope="row">' "$T/body")" "checklist has 65 rows"
assert_contains "$(grep -o '<p class="summary">[^<]*' "$T/body")" " / " "checklist starts with a summary"
first=$(grep -m1 '<tr><th scope="row">' "$T/body")
grep -q 'st-attention' <<<"$first" || fail "the first row is not an ng row: $first"
grep -q 'class="st-\(ok\|attention\|operator\)"' "$T/body" || fail "status classes"
pass "statuses carry a class for the colour"
c adm "$URL/agent/admin/checklist.json" >/dev/null
assert_eq 65 "$(json 'len(d)' <"$T/body")" "checklist.json has 65 rows"
disp=$(curl -s -D - -o /dev/null -b "$T/adm" "$URL/agent/admin/checklist.json" | tr -d '\r' | grep -i '^content-disposition')
assert_contains "$disp" "attachment" "checklist.json is a download"

# logs: a hostile sign-in failure from a forwarded address is found by IP
assert_eq 401 "$(login x '=cmd|calc!A1' wrong-password)" "hostile sign-in fails"
sql "$DB" "INSERT INTO security_log(at, kind, user_id, subject, ip, detail) VALUES (strftime('%s','now'), 'signin_failed', NULL, '=HYPERLINK(\"x\")', '198.51.100.7', 'request_id=req-hostile-1')"
c adm "$URL/agent/admin/logs?log=security&ip=198.51.100.7" >/dev/null
assert_contains "$(cat "$T/body")" "signin_failed" "search by IP finds the failure"
assert_contains "$(cat "$T/body")" "=HYPERLINK(&quot;x&quot;)" "hostile subject is escaped in HTML"
case "$(cat "$T/body")" in *"=cmd|calc"*) fail "IP filter let another address through";; esac
pass "IP filter keeps other addresses out"
c adm "$URL/agent/admin/logs?log=security&request_id=req-hostile-1" >/dev/null
assert_contains "$(cat "$T/body")" "198.51.100.7" "search by request id"
c adm "$URL/agent/admin/logs?log=security&from=2001-01-01T00:00:00Z&until=2001-01-02T00:00:00Z" >/dev/null
assert_contains "$(cat "$T/body")" "該当する行はありません。" "a time range in the past finds nothing"
assert_eq 400 "$(c adm "$URL/agent/admin/logs?from=yesterday")" "a malformed time is refused"
# the form's date inputs: a day, from its start to its end in the instance zone
assert_contains "$(cat "$T/body")" '<input type="date" name="from"' "the range is chosen with date inputs"
today=$(TZ=Asia/Tokyo date +%Y-%m-%d)
c adm "$URL/agent/admin/logs?log=security&request_id=req-hostile-1&from=$today&until=$today" >/dev/null
assert_contains "$(cat "$T/body")" "198.51.100.7" "a one-day range (date inputs) finds today's row"
assert_contains "$(cat "$T/body")" "<dl class=\"kv\"><dt>request_id</dt><dd>req-hostile-1</dd></dl>" "details read as key and value"
c adm "$URL/agent/admin/logs?log=security&request_id=req-hostile-1&from=2001-01-01&until=2001-01-01" >/dev/null
assert_contains "$(cat "$T/body")" "該当する行はありません。" "a day in the past finds nothing"
c adm "$URL/agent/admin/logs.csv?log=security&user=%3Dcmd%7Ccalc%21A1" >/dev/null
assert_eq "id,time,who,ip,request_id,object,action,detail,ok" "$(head -1 "$T/body" | tr -d '\r')" "CSV header row"
assert_contains "$(cat "$T/body")" "\"'=cmd|calc!A1\"" "formula cell prefixed with a quote"
case "$(sed 1d "$T/body")" in *",=cmd"*|"=cmd"*) fail "raw formula in CSV";; esac
pass "no cell starts with ="
c adm "$URL/agent/admin/logs.csv?log=security&ip=198.51.100.7" >/dev/null
assert_contains "$(cat "$T/body")" "\"'=HYPERLINK(\"\"x\"\")\"" "quotes doubled inside a quoted cell"
c adm "$URL/agent/admin/logs.json?log=security&ip=198.51.100.7" >/dev/null
assert_eq 1 "$(json 'len(d)' <"$T/body")" "JSON download has the one row"
assert_eq '=HYPERLINK("x")' "$(json 'd[0]["object"]' <"$T/body")" "JSON keeps the value as it was"

# rules: bad regex refused with the reason, nothing stored; good one stored
c adm "$URL/agent/admin/rules" >/dev/null
tok=$(csrf)
n0=$(sql "$DB" "SELECT count(*) FROM rule")
assert_eq 422 "$(c adm -X POST --data-urlencode "csrf=$tok" --data-urlencode "name=broken" \
    --data-urlencode "conditions=subject =~ ([unclosed" --data-urlencode "actions=priority=high" \
    "$URL/agent/admin/rules/add")" "rule with a bad regex refused"
assert_contains "$(cat "$T/body")" "role=\"alert\"" "the reason is shown"
assert_contains "$(cat "$T/body")" "([unclosed" "the typed condition is kept"
assert_eq "$n0" "$(sql "$DB" "SELECT count(*) FROM rule")" "nothing stored for a refused rule"
assert_eq 422 "$(c adm -X POST --data-urlencode "csrf=$tok" --data-urlencode "name=x" \
    --data-urlencode "conditions=nosuchfield = 1" --data-urlencode "actions=priority=high" \
    "$URL/agent/admin/rules/add")" "rule with an unknown field refused"
assert_eq 403 "$(c adm -X POST --data-urlencode "name=nocsrf" --data-urlencode "conditions=subject ~ a" \
    --data-urlencode "actions=priority=high" "$URL/agent/admin/rules/add")" "rule add without CSRF refused"
assert_eq 303 "$(c adm -X POST --data-urlencode "csrf=$tok" --data-urlencode "name=VIP urgent" \
    --data-urlencode "conditions=subject ~ 至急
from_domain = vip.test" --data-urlencode "actions=priority=urgent
tag=vip" "$URL/agent/admin/rules/add")" "good rule accepted"
assert_eq 1 "$(sql "$DB" "SELECT count(*) FROM rule WHERE name = 'VIP urgent'")" "good rule stored"
assert_eq 1 "$(sql "$DB" "SELECT count(*) FROM audit WHERE action = 'rule.add'")" "rule add audited"
c adm "$URL/agent/admin/rules" >/dev/null
assert_contains "$(cat "$T/body")" "from_domain = vip.test" "conditions listed readably"
assert_contains "$(cat "$T/body")" "tag=vip" "actions listed readably"

# rule test: a pasted Japanese incident mail; creates nothing
nt=$(sql "$DB" "SELECT count(*) FROM ticket")
MSG='From: 鈴木 <suzuki@vip.test>
To: support@support.test
Subject: =?UTF-8?B?44CQ6Iez5oCl44CR44K144O844OQ44O86Zqc5a6z?=
Message-ID: <t1@vip.test>
Date: Mon, 07 Dec 2026 10:00:00 +0900
Content-Type: text/plain; charset=UTF-8

本番サーバーが停止しています。障害対応をお願いします。'
assert_eq 200 "$(c adm -X POST --data-urlencode "csrf=$tok" --data-urlencode "message=$MSG" \
    --data-urlencode "recipient=incident@support.test" "$URL/agent/admin/rules/test")" "rule test runs"
assert_contains "$(cat "$T/body")" "<dd>incident</dd>" "pasted incident mail classified as incident"
assert_contains "$(cat "$T/body")" "<dd>urgent</dd>" "the VIP rule raised the priority"
assert_eq "$nt" "$(sql "$DB" "SELECT count(*) FROM ticket")" "rule test created no ticket"
assert_eq 403 "$(c adm -X POST --data-urlencode "message=$MSG" "$URL/agent/admin/rules/test")" "rule test without CSRF refused"

# delete
rid=$(sql "$DB" "SELECT id FROM rule WHERE name = 'VIP urgent'")
assert_eq 403 "$(c adm -X POST "$URL/agent/admin/rules/$rid/delete")" "rule delete without CSRF refused"
assert_eq 403 "$(c ann -X POST --data-urlencode "csrf=$tok" "$URL/agent/admin/rules/$rid/delete")" "agent cannot delete a rule"
assert_eq 303 "$(c adm -X POST --data-urlencode "csrf=$tok" "$URL/agent/admin/rules/$rid/delete")" "admin deletes the rule"
assert_eq 0 "$(sql "$DB" "SELECT count(*) FROM rule WHERE id = $rid")" "rule gone"
c adm "$URL/agent/admin/logs?log=audit&user=adm@support.test" >/dev/null
assert_contains "$(cat "$T/body")" "rule.delete" "audit search by user finds the deletion"

# backups: the generation is listed, verified on request (audited); a
# damaged one fails with the reason; unknown names and missing CSRF refused
G=$(ls "$I.backups" | grep '^GEN-' | head -1)
c adm "$URL/agent/admin/backups" >/dev/null
assert_contains "$(cat "$T/body")" "$G" "generation listed"
assert_contains "$(cat "$T/body")" "作成時に検証済み" "verified state from the backup log"
assert_eq 403 "$(c adm -X POST --data-urlencode "gen=$G" "$URL/agent/admin/backups/verify")" "verify without CSRF refused"
assert_eq 404 "$(c adm -X POST --data-urlencode "csrf=$tok" --data-urlencode "gen=../etc" "$URL/agent/admin/backups/verify")" "unknown generation refused"
assert_eq 200 "$(c adm -X POST --data-urlencode "csrf=$tok" --data-urlencode "gen=$G" "$URL/agent/admin/backups/verify")" "admin verifies a generation"
assert_contains "$(cat "$T/body")" "検証に成功しました" "verify result shown"
assert_eq 1 "$(sql "$DB" "SELECT count(*) FROM audit WHERE action = 'backup.verify' AND source = 'web' AND object = 'backup:$G'")" "verify audited with the admin"
assert_eq 1 "$(sql "$DB" "SELECT count(*) FROM backup_log WHERE action = 'verify' AND ok = 1")" "verify in the backup log"
python3 -c 'import sys;p=sys.argv[1];b=bytearray(open(p,"rb").read());b[len(b)//2]^=1;open(p,"wb").write(b)' "$I.backups/$G/db.enc"
assert_eq 422 "$(c adm -X POST --data-urlencode "csrf=$tok" --data-urlencode "gen=$G" "$URL/agent/admin/backups/verify")" "damaged generation fails verification"
assert_contains "$(cat "$T/body")" "検証に失敗しました" "failure shown"
echo "all admin page checks passed"
