#!/bin/bash
# demo_maildir.test.sh - with smtp.maildir set (as scripts/demo.sh does),
# the worker writes outbound mail into that Maildir instead of sending it
# (the acknowledgement lands in new/, the outbox row counts as sent, no
# deferral), and /agent/admin/mail lists it for admins only.
source "$(dirname "$0")/lib.sh"
source "$HD_SRC/tests/e2e/lib/agent.sh"
I=$T/inst
DB=$I/helpdesk.db
PW=correct-horse-battery-9
SECRET=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
"$HD" --data "$I" init >/dev/null
"$HD" --data "$I" queue add support --address support@support.test >/dev/null
echo "$PW" | "$HD" --data "$I" user add --email ann@support.test --name Ann --role agent --queues support >/dev/null
echo "$PW" | "$HD" --data "$I" user add --email adm@support.test --name Adm --role admin >/dev/null
totp_enable "$DB" adm@support.test "$SECRET"
conf "$I" mail.from_address support@support.test
conf "$I" smtp.maildir "$I/mail-caught"
conf "$I" smtp.port 1   # were anything sent by SMTP, it would be deferred
printf 'From: 山田 <yamada@customer.test>\nTo: support@support.test\nSubject: 請求書が届きません\nMessage-ID: <m1@customer.test>\nContent-Type: text/plain; charset=UTF-8\n\n再送してください。\n' |
    "$MG" --data "$I" deliver --recipient support@support.test >/dev/null
"$HD" --data "$I" worker --once >/dev/null 2>"$T/worker.log" || true
assert_eq 1 "$(ls "$I/mail-caught/new" | wc -l)" "the acknowledgement is a file in the Maildir's new/"
assert_eq 0 "$(ls "$I/mail-caught/tmp" | wc -l)" "nothing left half-written in tmp/"
f=$(ls "$I/mail-caught/new/"*)
grep -q '^To: .*yamada@customer.test' "$f" || fail "the caught mail is the acknowledgement to the customer"
pass "the caught mail is the acknowledgement to the customer"
assert_eq 0 "$(sql "$DB" "SELECT count(*) FROM outbox WHERE state <> 'sent'")" "the outbox row counts as sent"
case "$(cat "$T/worker.log")" in *deferred*) fail "a deferral was logged" ;; esac
pass "no deferral logged"

agent_web_start "$I"
assert_eq 303 "$(login ann ann@support.test "$PW")" "agent signs in"
assert_eq 403 "$(c ann "$URL/agent/admin/mail")" "the caught mail is for admins"
assert_eq 303 "$(login_2fa adm adm@support.test "$PW" "$SECRET")" "admin signs in"
assert_eq 200 "$(c adm "$URL/agent/admin/mail")" "admin opens the caught mail"
assert_contains "$(cat "$T/body")" "yamada@customer.test" "listed: to whom"
assert_contains "$(cat "$T/body")" "請求書が届きません" "listed: the subject, decoded"
assert_contains "$(cat "$T/body")" 'href="/agent/admin/mail"' "in the admin menu"
echo "all demo maildir checks passed"
