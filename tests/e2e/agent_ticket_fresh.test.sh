#!/bin/bash
# agent_ticket_fresh.test.sh - the agents' ticket page reads in one
# snapshot and keeps its forms' lists (queues, assignees, canned
# responses) per worker thread; this checks over real HTTP that nothing
# it shows goes stale: a reply delivered by the mail gateway (another
# process) is on the next load with the forms' "last" id; attachments
# sit under their own message; the HTML link only on the message that
# has an HTML part; users, queues and canned responses added, disabled
# or deleted with the CLI show on the next load; a hostile subject, body
# and sender name stay escaped; the agent's view is recorded (at most
# every HD_VIEW_WRITE_SECS) and shown to another agent.
source "$(dirname "$0")/lib.sh"
source "$HD_SRC/tests/e2e/lib/agent.sh"
I=$T/inst
DB=$I/helpdesk.db
PW=correct-horse-battery-9
"$HD" --data "$I" --profile test init >/dev/null
"$HD" --data "$I" queue add support --address support@support.test >/dev/null
echo "$PW" | "$HD" --data "$I" user add --email ann@support.test --name 'Ann Agent' --role agent --queues support >/dev/null
echo "$PW" | "$HD" --data "$I" user add --email bob@support.test --name 'Bob Agent' --role agent --queues support >/dev/null
echo "$PW" | "$HD" --data "$I" user add --email vic@support.test --name 'Vic Viewer' --role viewer --queues support >/dev/null
conf "$I" mail.from_address support@support.test
conf "$I" web.threads 1 # one worker: every load meets the lists it kept

HOSTILE='<script>alert(1)</script> & "x"'
deliver() { "$MG" --data "$I" deliver --recipient support@support.test >/dev/null; }
printf 'From: "%s" <c@customer.test>\nTo: support@support.test\nSubject: %s\nMessage-ID: <m1@customer.test>\nDate: Mon, 07 Dec 2026 10:00:00 +0900\nContent-Type: text/plain; charset=UTF-8\n\nbody %s\n' \
    "$HOSTILE" "$HOSTILE" "$HOSTILE" | deliver
N=10001
agent_web_start "$I"
assert_eq 303 "$(login ann ann@support.test "$PW")" "agent signs in"
assert_eq 303 "$(login bob bob@support.test "$PW")" "second agent signs in"
page() { c "$1" "$URL/agent/tickets/$N" >/dev/null; cat "$T/body"; }

# ---- escaping ------------------------------------------------------------
p=$(page ann)
case "$p" in *"<script>alert"*) fail "hostile text unescaped";; esac
assert_contains "$p" "<h1>#$N &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;</h1>" "subject escaped in the heading"
assert_contains "$p" "<title>#$N &lt;script&gt;" "subject escaped in the title"
assert_contains "$p" "body &lt;script&gt;alert(1)&lt;/script&gt;" "body escaped"

# ---- the view: recorded, shown to others, written at most every 30 s -----
assert_eq 1 "$(sql "$DB" "SELECT count(*) FROM ticket_view v JOIN user u ON u.id = v.user_id WHERE u.email = 'ann@support.test'")" "the agent's view recorded"
p=$(page bob)
assert_contains "$p" "Ann Agent</p>" "the other agent sees who is looking"
case "$p" in *"Bob Agent</p>"*) fail "an agent warned about himself";; esac
pass "no warning about oneself"
now=$(date +%s)
sql "$DB" "UPDATE ticket_view SET at = $((now - 10)) WHERE user_id = (SELECT id FROM user WHERE email = 'ann@support.test')"
page ann >/dev/null
assert_eq $((now - 10)) "$(sql "$DB" "SELECT at FROM ticket_view WHERE user_id = (SELECT id FROM user WHERE email = 'ann@support.test')")" "a view 10 s old is not written again"
sql "$DB" "UPDATE ticket_view SET at = $((now - 100)) WHERE user_id = (SELECT id FROM user WHERE email = 'ann@support.test')"
page ann >/dev/null
at=$(sql "$DB" "SELECT at FROM ticket_view WHERE user_id = (SELECT id FROM user WHERE email = 'ann@support.test')")
[ "$at" -ge "$now" ] || fail "a view 100 s old was not rewritten (at=$at, now=$now)"
pass "a view 100 s old is written again"

# ---- a reply by another process, with an attachment and an HTML part ---
B=b0undary
printf 'From: c@customer.test\nTo: support@support.test\nSubject: Re: x\nMessage-ID: <m2@customer.test>\nIn-Reply-To: <m1@customer.test>\nDate: Mon, 07 Dec 2026 11:00:00 +0900\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=%s\n\n--%s\nContent-Type: multipart/alternative; boundary=alt%s\n\n--alt%s\nContent-Type: text/plain; charset=UTF-8\n\nsecond message text\n--alt%s\nContent-Type: text/html; charset=UTF-8\n\n<p>second message <b>html</b></p>\n--alt%s--\n--%s\nContent-Type: text/plain; name=report.txt\nContent-Disposition: attachment; filename=report.txt\n\nreport lines\n--%s--\n' \
    $B $B $B $B $B $B $B $B | deliver
M1=$(sql "$DB" "SELECT min(id) FROM message")
M2=$(sql "$DB" "SELECT max(id) FROM message")
assert_eq 1 "$(sql "$DB" "SELECT count(*) FROM message m JOIN ticket t ON t.id = m.ticket_id WHERE t.number = $N AND m.id = $M2")" "the reply threaded onto the ticket"
p=$(page ann)
assert_contains "$p" "second message text" "the reply shows on the next load"
assert_contains "$p" "name=\"last\" value=\"$M2\"" "the forms carry the newest message id"
article() { python3 -c 'import re,sys; s=open(sys.argv[1]).read(); m=re.search(r"<article[^>]*id=\"m"+sys.argv[2]+r"\".*?</article>", s, re.S); print(m.group(0) if m else "")' "$T/body" "$1"; }
a1=$(article "$M1"); a2=$(article "$M2")
[ -n "$a1" ] && [ -n "$a2" ] || fail "articles of both messages"
assert_contains "$a2" "report.txt" "the attachment under its own message"
case "$a1" in *report.txt*) fail "the attachment under the first message too";; esac
pass "the first message lists no attachment"
assert_contains "$a2" "/agent/tickets/$N/html?m=$M2" "the HTML link on the message with an HTML part"
case "$a1" in *html-view*) fail "an HTML link on a plain message";; esac
pass "no HTML link on the plain message"

# ---- the forms' lists follow CLI changes -------------------------------
options() { python3 -c 'import re,sys; s=open(sys.argv[1]).read(); m=re.search(r"<select name=\""+sys.argv[2]+r"\"[^>]*>(.*?)</select>", s, re.S); print("|".join(re.findall(r">([^<]*)</option>", m.group(1))) if m else "")' "$T/body" "$1"; }
page ann >/dev/null
assert_eq "なし|Ann Agent|Bob Agent" "$(options assignee)" "assignees: agents, not the viewer"
assert_eq "support" "$(options queue)" "queues"
case "$(cat "$T/body")" in *'name="canned"'*) fail "a canned select with no canned responses";; esac
pass "no canned select while there are none"
echo "$PW" | "$HD" --data "$I" user add --email carl@support.test --name 'Carl <Agent>' --role agent >/dev/null
"$HD" --data "$I" queue add billing >/dev/null
printf 'Hello {{customer.name}}\n' | "$HD" --data "$I" canned add --name 'Greeting <en>' --lang en --body-file - >/dev/null
printf 'こんにちは\n' | "$HD" --data "$I" canned add --name 'あいさつ' --lang ja --body-file - --shortcut /hi >/dev/null
sql "$DB" "UPDATE ticket SET lang = 'ja' WHERE number = $N"
page ann >/dev/null
assert_eq "なし|Ann Agent|Bob Agent|Carl &lt;Agent&gt;" "$(options assignee)" "a user added by the CLI is offered at once, escaped"
assert_eq "billing|support" "$(options queue)" "a queue added by the CLI is offered at once"
assert_eq "（選択してください）|[ja] あいさつ (/hi)|[en] Greeting &lt;en&gt;" "$(options canned)" "canned responses added by the CLI, an empty choice, then the ticket's language (ja) first"
sql "$DB" "UPDATE ticket SET lang = 'en' WHERE number = $N"
page ann >/dev/null
assert_eq "（選択してください）|[en] Greeting &lt;en&gt;|[ja] あいさつ (/hi)" "$(options canned)" "an English ticket lists English first"
"$HD" --data "$I" user disable bob@support.test >/dev/null
"$HD" --data "$I" canned delete "$(sql "$DB" "SELECT id FROM canned_response WHERE lang = 'en'")" >/dev/null
page ann >/dev/null
assert_eq "なし|Ann Agent|Carl &lt;Agent&gt;" "$(options assignee)" "a disabled user is no longer offered"
assert_eq "（選択してください）|[ja] あいさつ (/hi)" "$(options canned)" "a deleted canned response is no longer offered"
gen=$(sql "$DB" "SELECT gen FROM agent_list_generation")
sql "$DB" "UPDATE user SET last_activity_at = 1 WHERE email = 'ann@support.test'"
assert_eq "$gen" "$(sql "$DB" "SELECT gen FROM agent_list_generation")" "activity times do not invalidate the lists"

# ---- refusals still answered after the snapshot -------------------------
"$HD" --data "$I" queue add secret >/dev/null
printf 'From: c@customer.test\nTo: support@support.test\nSubject: other\nMessage-ID: <m3@customer.test>\nDate: Mon, 07 Dec 2026 12:00:00 +0900\n\nother\n' | deliver
sql "$DB" "UPDATE ticket SET queue_id = (SELECT id FROM queue WHERE name = 'secret') WHERE number = 10002"
assert_eq 403 "$(c ann "$URL/agent/tickets/10002")" "a queue not granted is 403"
assert_eq 1 "$(sql "$DB" "SELECT count(*) FROM security_log WHERE kind = 'forbidden'")" "the refusal is in the security log"
assert_eq 404 "$(c ann "$URL/agent/tickets/99999")" "an unknown ticket is 404"
assert_eq 404 "$(c ann "$URL/agent/tickets/abc")" "a non-number is 404"
assert_eq 200 "$(c ann "$URL/agent/tickets/$N")" "the page still answers afterwards"
