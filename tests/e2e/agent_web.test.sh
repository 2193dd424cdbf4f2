#!/bin/bash
# agent_web.test.sh - the agents' workplace over real HTTP with curl: a
# temporary instance, helpdesk-web on 127.0.0.1 port 0.  Sign-in with the
# CSRF token and cookies, CSRF refusal, lockout after N failures and the
# security log rows, IP allow-list denial, 2FA required for admins, queue
# access (403 for a queue not granted), viewers cannot reply, a reply goes
# to the outbox threaded under the customer's message, notes stay
# internal, status changes are recorded, full-text search, sign-out.
source "$(dirname "$0")/lib.sh"
I=$T/inst
PW=correct-horse-battery-9
"$HD" --data "$I" --profile test init >/dev/null
"$HD" --data "$I" queue add support --address support@support.test --description "一般問い合わせ" >/dev/null
"$HD" --data "$I" queue add billing --address billing@support.test >/dev/null
echo "$PW" | "$HD" --data "$I" user add --email ann@support.test --name Ann --role agent --queues support >/dev/null
echo "$PW" | "$HD" --data "$I" user add --email vic@support.test --name Vic --role viewer --queues support >/dev/null
echo "$PW" | "$HD" --data "$I" user add --email adm@support.test --name Adm --role admin >/dev/null
echo "$PW" | "$HD" --data "$I" user add --email far@support.test --name Far --role agent --queues support >/dev/null
conf "$I" mail.from_address support@support.test
conf "$I" auth.lockout_failures 3
conf "$I" auth.allow_ips.viewer "127.0.0.0/8, ::1"
sql "$I" "INSERT INTO user_ip_allow(user_id, cidrs) SELECT id, '192.0.2.0/24' FROM user WHERE email = 'far@support.test'"

mail() { # mail RCPT MSGID SUBJECT BODY
    printf 'From: Yamada <yamada@customer.test>\nTo: %s\nSubject: %s\nMessage-ID: <%s>\nDate: Mon, 07 Dec 2026 10:00:00 +0900\nContent-Type: text/plain; charset=UTF-8\n\n%s\n' \
        "$1" "$3" "$2" "$4" | "$MG" --data "$I" deliver --recipient "$1" >/dev/null
}
mail support@support.test q1@customer.test "Printer on fire" "請求書の再発行をお願いします。

> old quoted line
> another"
mail billing@support.test q2@customer.test "Invoice wrong" "The invoice total is wrong."

"$WEB" --data "$I" --listen 127.0.0.1:0 >"$T/web.out" 2>"$T/web.log" &
WPID=$!
on_exit "kill $WPID 2>/dev/null; wait $WPID 2>/dev/null"
for _ in $(seq 1 100); do grep -q '^listening on' "$T/web.out" && break; sleep 0.05; done
URL=$(sed -n 's/^listening on //p' "$T/web.out")
[ -n "$URL" ] || fail "server did not start: $(cat "$T/web.log")"

# c JAR ARGS...: curl with a cookie jar; prints the status code.
c() { local jar=$1; shift; curl -s -o "$T/body" -w '%{http_code}' -b "$T/$jar" -c "$T/$jar" "$@"; }
csrf() { sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/body" | head -1; }
login() { # login JAR EMAIL PASSWORD -> status
    c "$1" "$URL/agent/login" >/dev/null
    local tok; tok=$(csrf)
    c "$1" -X POST --data-urlencode "csrf=$tok" --data-urlencode "email=$2" \
        --data-urlencode "password=$3" "$URL/agent/login"
}
seclog() { sql "$I" "SELECT count(*) FROM security_log WHERE kind = '$1'"; }

assert_eq 303 "$(c anon "$URL/agent/")" "the queue sends strangers to sign in"
assert_eq 403 "$(c anon -X POST -d 'email=ann@support.test&password=x' "$URL/agent/login")" "sign-in without CSRF token refused"

# Login CSRF: a sign-in posted from another site is refused even with a
# valid cookie and token (a sibling subdomain can plant both), and the
# refusal is in the security log like other CSRF refusals.
login_from() { # login_from JAR HEADER... -> status of the password step
    local jar=$1; shift
    local h=() x
    for x in "$@"; do h+=(-H "$x"); done
    c "$jar" "$URL/agent/login" >/dev/null
    local tok; tok=$(csrf)
    c "$jar" "${h[@]}" -X POST --data-urlencode "csrf=$tok" \
        --data-urlencode "email=ann@support.test" --data-urlencode "password=$PW" \
        "$URL/agent/login"
}
before=$(seclog csrf_refused)
assert_eq 403 "$(login_from evil1 'Origin: https://evil.example')" "sign-in with a foreign Origin refused"
assert_eq 403 "$(login_from evil2 'Sec-Fetch-Site: cross-site')" "cross-site sign-in refused"
assert_eq 403 "$(login_from evil3 'Sec-Fetch-Site: same-site' "Origin: http://sub.${URL#http://}")" "sign-in from a sibling site refused"
assert_eq 403 "$(login_from evil4 'Referer: https://evil.example/page')" "sign-in with a foreign Referer refused"
assert_eq $((before + 4)) "$(seclog csrf_refused)" "cross-site sign-ins are in the security log"
[ -z "$(grep hd_agent "$T/evil1" "$T/evil2" "$T/evil3" "$T/evil4")" ] || fail "a refused sign-in got a session cookie"
assert_eq 303 "$(login_from same 'Sec-Fetch-Site: same-origin' "Origin: $URL")" "same-origin sign-in works"

assert_eq 303 "$(login ann ann@support.test "$PW")" "agent signs in"
grep -qi 'set-cookie' "$T/ann" || true
jar=$(grep hd_agent "$T/ann")
assert_contains "$jar" "#HttpOnly_" "session cookie is HttpOnly"
assert_eq 200 "$(c ann "$URL/agent/")" "queue page"
assert_contains "$(cat "$T/body")" "Printer on fire" "agent sees the ticket of a granted queue"
assert_contains "$(cat "$T/body")" ">一般問い合わせ</td>" "the queue column shows the queue's description"
assert_contains "$(cat "$T/body")" ">一般問い合わせ <span class=\"count\"" "the queue link shows the queue's description"
case "$(cat "$T/body")" in *"Invoice wrong"*) fail "agent sees a queue not granted";; esac
pass "agent does not see the queue not granted"
assert_eq 200 "$(c ann "$URL/agent/tickets/10001")" "ticket page"
assert_contains "$(cat "$T/body")" "<details class=\"fold\">" "quoted text folded"
assert_contains "$(cat "$T/body")" ": 一般問い合わせ" "the ticket page shows the queue's description"
assert_eq 403 "$(c ann "$URL/agent/tickets/10002")" "a ticket in a queue not granted is 403"
assert_contains "$(cat "$T/body")" '<body class="agent">' "the 403 stays in the agents' frame"
assert_contains "$(cat "$T/body")" "このチケットのキューはあなたに割り当てられていません" "the 403 says why"
assert_contains "$(cat "$T/body")" '<a class="back" href="/agent/">' "the 403 leads back to the queue"
assert_eq 404 "$(c ann "$URL/agent/tickets/99999")" "an unknown ticket is 404"
assert_contains "$(cat "$T/body")" '<a class="back" href="/agent/">' "the 404 leads back to the queue, not to the FAQ"
case "$(cat "$T/body")" in *'role="search"'*) fail "agent 404 shows the public search" ;; esac
bq=$(sql "$I" "SELECT id FROM queue WHERE name = 'billing'")
assert_eq 403 "$(c ann "$URL/agent/?view=queue&queue=$bq")" "a queue view not granted is 403"
assert_eq 403 "$(c ann "$URL/agent/admin/users")" "users page is for admins"
assert_contains "$(cat "$T/body")" "あなたの役割ではこのページを開けません" "the admin-only 403 says it is the role, not 'reload'"

# search
c ann "$URL/agent/?q=%E8%AB%8B%E6%B1%82%E6%9B%B8" >/dev/null
assert_contains "$(cat "$T/body")" "Printer on fire" "full-text search finds a Japanese word in the body"
assert_contains "$(cat "$T/body")" '<p class="search-count" role="status">1 件</p>' "search says how many tickets it found"
for ch in %E8%AB%8B %E6%B1%82 %E6%9B%B8; do # 請, 求, 書 alone
    c ann "$URL/agent/?q=$ch" >/dev/null
    assert_contains "$(cat "$T/body")" "Printer on fire" "one character of 請求書 ($ch) finds the ticket"
done
c ann "$URL/agent/?q=nonexistentword" >/dev/null
case "$(cat "$T/body")" in *"Printer on fire"*) fail "search for a missing word";; esac
pass "search for a missing word finds nothing"
assert_contains "$(cat "$T/body")" '0 件' "a search finding nothing says 0"
assert_contains "$(curl -s -b "$T/ann" "$URL/agent/counts.json")" '"open":1' "counts.json"

# reply: CSRF, collision, outbox row threaded under the customer's message
c ann "$URL/agent/tickets/10001" >/dev/null
tok=$(csrf)
last=$(sed -n 's/.*name="last" value="\([0-9]*\)".*/\1/p' "$T/body" | head -1)
assert_eq 403 "$(c ann -X POST --data-urlencode "csrf=wrong" --data-urlencode "last=$last" --data-urlencode "body=hi" "$URL/agent/tickets/10001/reply")" "reply with a wrong CSRF token refused"
assert_eq 409 "$(c ann -X POST --data-urlencode "csrf=$tok" --data-urlencode "last=0" --data-urlencode "body=stale draft" "$URL/agent/tickets/10001/reply")" "reply over a newer message refused (collision)"
assert_contains "$(cat "$T/body")" "stale draft" "the refused draft is kept"
assert_eq 303 "$(c ann -X POST --data-urlencode "csrf=$tok" --data-urlencode "last=$last" --data-urlencode "body=We are on it." "$URL/agent/tickets/10001/reply")" "agent replies"
row=$(sql "$I" "SELECT kind, rcpts FROM outbox WHERE kind = 'reply'")
assert_eq "reply|yamada@customer.test" "$row" "the reply is in the outbox"
raw=$(sql "$I" "SELECT raw FROM outbox WHERE kind = 'reply'")
assert_contains "$raw" "In-Reply-To: <q1@customer.test>" "reply threads under the customer's message"
assert_contains "$raw" "References: <q1@customer.test>" "reply references the customer's message"
assert_eq 1 "$(sql "$I" "SELECT first_response_at IS NOT NULL FROM ticket WHERE number = 10001")" "first response recorded on the SLA"

# note stays internal
nout=$(sql "$I" "SELECT count(*) FROM outbox")
c ann "$URL/agent/tickets/10001" >/dev/null
tok=$(csrf); last=$(sed -n 's/.*name="last" value="\([0-9]*\)".*/\1/p' "$T/body" | head -1)
assert_eq 303 "$(c ann -X POST --data-urlencode "csrf=$tok" --data-urlencode "last=$last" --data-urlencode "body=customer is VIP" "$URL/agent/tickets/10001/note")" "agent adds a note"
assert_eq "$nout" "$(sql "$I" "SELECT count(*) FROM outbox")" "a note is never mailed"
assert_eq note "$(sql "$I" "SELECT kind FROM message WHERE body_text = 'customer is VIP'")" "note stored as kind note"
# the composer's "status after sending" and "assign to me" go with a note too
c ann "$URL/agent/tickets/10001" >/dev/null
tok=$(csrf); last=$(sed -n 's/.*name="last" value="\([0-9]*\)".*/\1/p' "$T/body" | head -1)
assert_eq 303 "$(c ann -X POST --data-urlencode "csrf=$tok" --data-urlencode "last=$last" --data-urlencode "body=waiting on billing" -d then=pending -d assign_me=1 "$URL/agent/tickets/10001/note")" "a note with a status and assign to me"
assert_eq "pending|Ann" "$(sql "$I" "SELECT t.status, u.name FROM ticket t JOIN user u ON u.id = t.assignee_id WHERE t.number = 10001")" "one submission: note, status and assignee"
assert_eq "$nout" "$(sql "$I" "SELECT count(*) FROM outbox")" "still nothing mailed"
assert_eq 303 "$(c ann -X POST --data-urlencode "csrf=$tok" -d status=pending -d priority=high "$URL/agent/tickets/10001/update")" "agent changes status and priority"
assert_eq "pending|high" "$(sql "$I" "SELECT status, priority FROM ticket WHERE number = 10001")" "changes stored"
assert_eq 1 "$(sql "$I" "SELECT count(*) FROM event WHERE field = 'priority' AND new_value = 'high'")" "history records the change"
audit=$(sql "$I" "SELECT source, object, action, before_json LIKE '%\"priority\":\"normal\"%', after_json LIKE '%\"priority\":\"high\"%', ip FROM audit WHERE action = 'ticket.update' ORDER BY id DESC LIMIT 1")
assert_eq "web|ticket:10001|ticket.update|1|1|127.0.0.1" "$audit" "the change is in the audit log with before, after and IP"
assert_eq "ticket.create ticket.update ticket.reply ticket.note ticket.note ticket.update ticket.update" "$(sql "$I" "SELECT group_concat(action, ' ') FROM (SELECT action FROM audit WHERE object = 'ticket:10001' ORDER BY id)")" "the opening by mail, the reply (and its status change), the notes (one with its change) and the change are each audited"

# viewer: reads, cannot reply
assert_eq 303 "$(login vic vic@support.test "$PW")" "viewer signs in from an allowed network"
assert_eq 200 "$(c vic "$URL/agent/tickets/10001")" "viewer reads the ticket"
tok=$(csrf)
assert_eq 403 "$(c vic -X POST --data-urlencode "csrf=$tok" -d last=0 -d body=x "$URL/agent/tickets/10001/reply")" "viewer cannot reply"

# IP allow-list: far may only come from 192.0.2.0/24
assert_eq 403 "$(login far far@support.test "$PW")" "sign-in from outside the user's allow-list refused"
assert_eq 1 "$(seclog ip_denied)" "denial in the security log"

# admin: must enrol TOTP after the password
assert_eq 303 "$(login adm adm@support.test "$PW")" "admin password accepted"
assert_eq 303 "$(c adm "$URL/agent/")" "admin without TOTP cannot reach the queue"
loc=$(curl -s -o /dev/null -w '%{redirect_url}' -b "$T/adm" "$URL/agent/")
assert_contains "$loc" "/agent/2fa" "admin sent to the second factor"
assert_eq 200 "$(c adm "$URL/agent/2fa/enrol")" "enrolment page"
assert_eq 200 "$(c adm "$URL/agent/2fa/qr.svg")" "QR code image"
assert_contains "$(head -c 300 "$T/body")" "<svg" "QR code is SVG"

# lockout: 3 failures lock, then even the right password fails
for i in 1 2 3; do
    assert_eq 401 "$(login x ann@support.test wrong-password-$i)" "failure $i"
done
assert_eq 401 "$(login x ann@support.test "$PW")" "locked out: right password refused too"
assert_contains "$(cat "$T/body")" "ログインできませんでした。" "user told only that sign-in failed"
assert_eq 1 "$(seclog lockout)" "lockout in the security log"
assert_eq 1 "$(sql "$I" "SELECT count(*) FROM security_log WHERE kind = 'signin_locked' AND detail LIKE 'request_id=%' AND ip = '127.0.0.1'")" "security row has ip and request id"
[ "$(seclog signin_failed)" -ge 3 ] || fail "failures logged"
pass "failures logged"

# sign out everywhere ends ann's session
c ann "$URL/agent/" >/dev/null; tok=$(csrf)
assert_eq 303 "$(c ann -X POST --data-urlencode "csrf=$tok" "$URL/agent/logout-all")" "sign out everywhere"
assert_eq 303 "$(c ann "$URL/agent/")" "old session no longer works"
assert_eq 0 "$(sql "$I" "SELECT count(*) FROM agent_session s JOIN user u ON u.id = s.user_id WHERE u.email = 'ann@support.test'")" "no session rows left"
echo "all agent web checks passed"
