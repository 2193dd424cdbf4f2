#!/bin/bash
# admin_access.test.sh - on call and each user's own IP allow-list from
# the admin users page, as `helpdesk user oncall|allow-ips` does them:
# putting an agent on call shows in checklist row 27 with the admin as the
# actor; an allow-list set on the page refuses a sign-in from a loopback
# address not on it and lets the listed one in; an invalid CIDR is refused
# with the reason and stores nothing; an agent's POST is 403, a POST
# without the CSRF token is refused; every change has its audit row.
source "$(dirname "$0")/lib.sh"
source "$HD_SRC/tests/e2e/lib/agent.sh"
I=$T/inst
DB=$I/helpdesk.db
PW=correct-horse-battery-9
SECRET=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
q() { sql "$DB" "$1"; }
"$HD" --data "$I" --profile test init >/dev/null
"$HD" --data "$I" queue add support --address support@support.test >/dev/null
"$HD" --data "$I" queue add incident --address incident@support.test >/dev/null
echo "$PW" | "$HD" --data "$I" user add --email ann@support.test --name Ann --role agent --queues support >/dev/null
echo "$PW" | "$HD" --data "$I" user add --email adm@support.test --name Adm --role admin >/dev/null
totp_enable "$DB" adm@support.test "$SECRET"
conf "$I" mail.from_address support@support.test
conf "$I" support.incident_address incident@support.test
agent_web_start "$I"
ANN=$(q "SELECT id FROM user WHERE email = 'ann@support.test'")
ADM=$(q "SELECT id FROM user WHERE email = 'adm@support.test'")
row27() { "$HD" --data "$I" report checklist --lang en --json | json "[r for r in d if r['no'] == 27][0]['evidence']"; }
audits() { q "SELECT count(*) FROM audit WHERE action = '$1' AND source = 'web' AND actor = 'user:$ADM'"; }

# login_from JAR SRC EMAIL PASSWORD -> status of the password step, the
# connection made from the loopback address SRC.
login_from() {
    local jar=$1 src=$2
    c "$jar" --interface "$src" "$URL/agent/login" >/dev/null
    local tok; tok=$(csrf)
    c "$jar" --interface "$src" -X POST --data-urlencode "csrf=$tok" \
        --data-urlencode "email=$3" --data-urlencode "password=$4" "$URL/agent/login"
}
curl -s --interface 127.0.0.2 -o /dev/null "$URL/agent/login" || fail "curl cannot bind 127.0.0.2"

assert_eq 303 "$(login_2fa adm adm@support.test "$PW" "$SECRET")" "admin signs in with TOTP"
assert_eq 303 "$(login ann ann@support.test "$PW")" "agent signs in"

# An agent cannot use the form: 403, nothing changes.
c ann "$URL/agent/" >/dev/null
TOK_ANN=$(csrf)
assert_eq 403 "$(c ann -X POST --data-urlencode "csrf=$TOK_ANN" --data "on_call=on" "$URL/agent/admin/users/$ANN/access")" "agent's POST is 403"
assert_eq 403 "$(c ann -X POST --data-urlencode "csrf=$TOK_ANN" --data-urlencode "allow_ips=0.0.0.0/0" "$URL/agent/admin/users/$ANN/access")" "agent's allow-list POST is 403"
assert_eq 0 "$(q "SELECT on_call FROM user WHERE id = $ANN")" "the agent's POST changed nothing"

# The page shows the toggle and the field, in both languages.
assert_eq 200 "$(c adm "$URL/agent/admin/users")" "admin opens the users page"
assert_contains "$(cat "$T/body")" "action=\"/agent/admin/users/$ANN/access\"" "users page has the access forms"
assert_contains "$(cat "$T/body")" 'name="allow_ips"' "users page has the allow-list field"
TOK=$(csrf)
assert_eq 200 "$(c adm "$URL/agent/admin/users?lang=ja")" "users page in Japanese"
assert_contains "$(cat "$T/body")" "当番にする" "Japanese on-call button"
assert_contains "$(cat "$T/body")" "ログインを許可するIP" "Japanese allow-list heading"
assert_eq 200 "$(c adm "$URL/agent/admin/users?lang=en")" "users page in English"
assert_contains "$(cat "$T/body")" "Put on call" "English on-call button"

# No CSRF token: refused, nothing stored.
assert_eq 403 "$(c adm -X POST --data "on_call=on" "$URL/agent/admin/users/$ANN/access")" "POST without the CSRF token is refused"
assert_eq 403 "$(c adm -X POST --data "csrf=wrong" --data-urlencode "allow_ips=0.0.0.0/0" "$URL/agent/admin/users/$ANN/access")" "POST with a wrong CSRF token is refused"
assert_eq 0 "$(q "SELECT on_call FROM user WHERE id = $ANN")" "refused POSTs changed nothing"

# On call from the page: checklist row 27 counts her and names the admin.
before=$(row27)
assert_contains "$before" "0 agents on call" "row 27 before: nobody on call"
assert_eq 303 "$(c adm -X POST --data-urlencode "csrf=$TOK" --data "on_call=on" "$URL/agent/admin/users/$ANN/access")" "admin puts Ann on call"
assert_eq 1 "$(q "SELECT on_call FROM user WHERE id = $ANN")" "Ann is on call"
after=$(row27)
assert_contains "$after" "1 agents on call" "row 27 after: one agent on call"
assert_contains "$after" "by user:$ADM (user:$ANN (ann@support.test))" "row 27 names the admin and Ann"
[ "$before" != "$after" ] || fail "row 27 evidence did not change"
assert_eq 1 "$(audits user.oncall)" "on call audited with the admin as actor"
assert_eq '{"on_call":false}|{"on_call":true}' "$(q "SELECT before_json || '|' || after_json FROM audit WHERE action = 'user.oncall' ORDER BY id DESC LIMIT 1")" "audit row has before and after"
c adm "$URL/agent/admin/users" >/dev/null
assert_contains "$(cat "$T/body")" "Take off call" "the toggle now offers to take her off"

# An invalid CIDR: refused with the reason, nothing stored or audited.
st=$(c adm -X POST --data-urlencode "csrf=$TOK" --data-urlencode "allow_ips=127.0.0.2/33 10.0.0.0/8" "$URL/agent/admin/users/$ANN/access")
assert_eq 422 "$st" "an invalid CIDR is refused"
assert_contains "$(cat "$T/body")" "The IP allow-list was not saved" "the page says why"
assert_contains "$(cat "$T/body")" "127.0.0.2/33" "the message names the bad network"
assert_eq 0 "$(audits user.allow_ips)" "a refused list is not audited"
assert_eq 0 "$(q "SELECT count(*) FROM user_ip_allow WHERE user_id = $ANN")" "a refused list is not stored"

# A valid list: a sign-in from 127.0.0.3 is refused, from 127.0.0.2 works.
assert_eq 303 "$(c adm -X POST --data-urlencode "csrf=$TOK" --data-urlencode "allow_ips=127.0.0.2/32" "$URL/agent/admin/users/$ANN/access")" "admin sets Ann's allow-list"
assert_eq 1 "$(audits user.allow_ips)" "allow-list audited with the admin as actor"
assert_contains "$(q "SELECT after_json FROM audit WHERE action = 'user.allow_ips' ORDER BY id DESC LIMIT 1")" "127.0.0.2/32" "audit row has the new list"
c adm "$URL/agent/admin/users" >/dev/null
assert_contains "$(cat "$T/body")" 'value="127.0.0.2/32"' "the field shows the list"
rm -f "$T/ann3" "$T/ann2"
assert_eq 403 "$(login_from ann3 127.0.0.3 ann@support.test "$PW")" "sign-in from a non-listed 127.0.0.3 is refused"
assert_eq 303 "$(login_from ann2 127.0.0.2 ann@support.test "$PW")" "sign-in from the listed 127.0.0.2 works"
assert_eq 200 "$(c ann2 --interface 127.0.0.2 "$URL/agent/")" "the listed address reaches the queue"
# Removing the list ("") lets her in from anywhere again.
assert_eq 303 "$(c adm -X POST --data-urlencode "csrf=$TOK" --data-urlencode "allow_ips=" "$URL/agent/admin/users/$ANN/access")" "admin removes the list"
rm -f "$T/ann3"
assert_eq 303 "$(login_from ann3 127.0.0.3 ann@support.test "$PW")" "without a list 127.0.0.3 signs in"

# The CLI goes through the same code: same audit action, CLI actor.
"$HD" --data "$I" user oncall ann@support.test off >/dev/null
assert_contains "$(row27)" "0 agents on call" "the CLI takes her off call"
assert_status 64 "CLI refuses the same invalid CIDR" "$HD" --data "$I" user allow-ips ann@support.test 127.0.0.2/33
