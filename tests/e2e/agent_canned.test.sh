#!/bin/bash
# agent_canned.test.sh - canned responses and merge over real HTTP: an
# admin (password and TOTP) creates a Japanese and an English canned
# response on /agent/admin/canned (CSRF, audited; refusals for a bad
# language, a taken name and a missing token; edit and delete); an agent
# inserts one into a reply on a ticket whose customer name is
# HTML-hostile (escaped in the page, nothing sent by Insert), sends it,
# and the queued mail holds the substituted plain text; an unknown
# placeholder stays visible and is reported; merge through the ticket
# page asks for confirmation with both subjects, refuses viewers, a
# queue not granted and a missing CSRF token, and is audited.
source "$(dirname "$0")/lib.sh"
source "$HD_SRC/tests/e2e/lib/agent.sh"
I=$T/inst
DB=$I/helpdesk.db
PW=correct-horse-battery-9
SECRET=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
"$HD" --data "$I" --profile test init >/dev/null
"$HD" --data "$I" queue add support --address support@support.test >/dev/null
"$HD" --data "$I" queue add billing --address billing@support.test >/dev/null
echo "$PW" | "$HD" --data "$I" user add --email ann@support.test --name 'Ann Agent' --role agent --queues support >/dev/null
echo "$PW" | "$HD" --data "$I" user add --email vic@support.test --name Vic --role viewer --queues support >/dev/null
echo "$PW" | "$HD" --data "$I" user add --email adm@support.test --name Adm --role admin >/dev/null
totp_enable "$DB" adm@support.test "$SECRET"
conf "$I" mail.from_address support@support.test
conf "$I" instance.public_url https://help.example.jp

HOSTILE="<script>alert(1)</script> & O'Brien"
mail() { # mail RCPT MSGID SUBJECT BODY
    printf 'From: "%s" <obrien@customer.test>\nTo: %s\nSubject: %s\nMessage-ID: <%s>\nDate: Mon, 07 Dec 2026 10:00:00 +0900\nContent-Type: text/plain; charset=UTF-8\n\n%s\n' \
        "$HOSTILE" "$1" "$3" "$2" "$4" | "$MG" --data "$I" deliver --recipient "$1" >/dev/null
}
mail support@support.test c1@customer.test "請求書が届きません" "請求書が届いていません。"
mail support@support.test c2@customer.test "Re-send invoice please" "Same problem as before."
mail billing@support.test c3@customer.test "Billing only" "Not for Ann."
assert_eq "$HOSTILE" "$(sql "$DB" "SELECT c.name FROM ticket t JOIN contact c ON c.id = t.requester_id WHERE t.number = 10001")" "customer name stored as sent"
agent_web_start "$I"

# ---- admin page ----------------------------------------------------------
assert_eq 303 "$(login ann ann@support.test "$PW")" "agent signs in"
assert_eq 403 "$(c ann "$URL/agent/admin/canned")" "agent gets 403 on the canned admin page"
assert_eq 303 "$(login_2fa adm adm@support.test "$PW" "$SECRET")" "admin signs in with TOTP"
assert_eq 200 "$(c adm "$URL/agent/admin/canned")" "admin reaches /agent/admin/canned"
assert_contains "$(cat "$T/body")" "<code>{{sla.due}}</code>" "placeholders listed"
tok=$(csrf)
JA_BODY='{{customer.name}} 様

チケット #{{ticket.number}}「{{ticket.subject}}」について、{{agent.name}}が承りました。
回答期限: {{sla.due}}
よくある質問: {{faq.url}}'
EN_BODY='Dear {{customer.name}}, about #{{ticket.number}} ({{ticket.subject}}): due {{sla.due}}. {{customer.nickname}}'
add() { c adm -X POST --data-urlencode "csrf=$1" --data-urlencode "name=$2" --data-urlencode "lang=$3" --data-urlencode "body=$4" --data-urlencode "shortcut=$5" "$URL/agent/admin/canned/add"; }
assert_eq 403 "$(add '' お詫び ja "$JA_BODY" /sorry)" "add without CSRF refused"
assert_eq 0 "$(sql "$DB" "SELECT count(*) FROM canned_response")" "nothing stored without CSRF"
assert_eq 200 "$(add "$tok" 'お詫び' ja "$JA_BODY" /sorry)" "admin adds a Japanese canned response"
assert_eq 200 "$(add "$tok" 'Apology' en "$EN_BODY" '')" "admin adds an English canned response"
assert_eq 422 "$(add "$tok" 'Apology' en "other" '')" "a taken name and language refused"
assert_contains "$(cat "$T/body")" "already used" "the refusal says why"
assert_eq 422 "$(add "$tok" 'French' fr "Bonjour" '')" "an unknown language refused"
assert_eq 200 "$(add "$tok" 'Temp <b>' en "to delete" '')" "a third one"
assert_contains "$(cat "$T/body")" "<td>Temp &lt;b&gt;</td>" "names escaped in the list"
assert_eq 3 "$(sql "$DB" "SELECT count(*) FROM canned_response")" "three stored"
assert_eq "ja|/sorry|user:" "$(sql "$DB" "SELECT lang, shortcut, substr(created_by, 1, 5) FROM canned_response WHERE name = 'お詫び'")" "language, shortcut and author stored"
TMP=$(sql "$DB" "SELECT id FROM canned_response WHERE name = 'Temp <b>'")
assert_eq 200 "$(c adm "$URL/agent/admin/canned?edit=$TMP")" "edit form"
assert_contains "$(cat "$T/body")" 'action="/agent/admin/canned/'"$TMP"'/edit"' "edit form posts to the row"
assert_eq 200 "$(c adm -X POST --data-urlencode "csrf=$tok" --data-urlencode "name=Temp" --data-urlencode "lang=en" --data-urlencode "body=edited" "$URL/agent/admin/canned/$TMP/edit")" "admin edits"
assert_eq "Temp|edited" "$(sql "$DB" "SELECT name, body FROM canned_response WHERE id = $TMP")" "edit stored"
assert_eq 403 "$(c adm -X POST "$URL/agent/admin/canned/$TMP/delete")" "delete without CSRF refused"
assert_eq 200 "$(c adm -X POST --data-urlencode "csrf=$tok" "$URL/agent/admin/canned/$TMP/delete")" "admin deletes"
assert_eq 404 "$(c adm -X POST --data-urlencode "csrf=$tok" "$URL/agent/admin/canned/$TMP/delete")" "deleting again is 404"
assert_eq "canned.add|3 canned.delete|1 canned.update|1" "$(sql "$DB" "SELECT action || '|' || count(*) FROM audit WHERE action LIKE 'canned.%' AND actor LIKE 'user:%' AND source = 'web' GROUP BY action ORDER BY action" | tr '\n' ' ' | sed 's/ $//')" "adds, edit and delete audited"
assert_eq 1 "$(sql "$DB" "SELECT count(*) FROM audit WHERE action = 'canned.update' AND before_json LIKE '%Temp <b>%' AND after_json LIKE '%edited%'")" "edit audited with before and after"
# the CLI sees the same rows, and adds and deletes audited
assert_eq "Apology お詫び" "$("$HD" --data "$I" canned list --json | json "' '.join(sorted(c['name'] for c in d))")" "canned list --json"
assert_status 65 "CLI refuses an unknown language" "$HD" --data "$I" canned add --name X --lang fr --body-file /dev/null
printf 'via CLI {{ticket.number}}\n' > "$T/body.txt"
assert_status 0 "CLI adds one" "$HD" --data "$I" canned add --name 'CLI one' --lang en --body-file "$T/body.txt"
CLI_ID=$(sql "$DB" "SELECT id FROM canned_response WHERE name = 'CLI one'")
assert_status 0 "CLI deletes it" "$HD" --data "$I" canned delete "$CLI_ID"
assert_status 66 "CLI delete of a missing one" "$HD" --data "$I" canned delete "$CLI_ID"
assert_eq 2 "$(sql "$DB" "SELECT count(*) FROM audit WHERE object = 'canned:$CLI_ID' AND source = 'cli'")" "CLI add and delete audited"
JA=$(sql "$DB" "SELECT id FROM canned_response WHERE lang = 'ja'")
EN=$(sql "$DB" "SELECT id FROM canned_response WHERE name = 'Apology'")

# ---- insert on the ticket page -----------------------------------------
assert_eq 200 "$(c ann "$URL/agent/tickets/10001")" "agent opens the ticket"
case "$(cat "$T/body")" in *"<script>alert"*) fail "customer name unescaped";; esac
assert_contains "$(cat "$T/body")" "&lt;script&gt;alert(1)&lt;/script&gt; &amp; O&#39;Brien" "customer name escaped in the thread"
assert_contains "$(cat "$T/body")" "<option value=\"$JA\">[ja] お詫び (/sorry)</option>" "ja canned response offered"
first=$(sed -n 's/.*<select name="canned" id="canned"><option value="">[^<]*<\/option><option value="\([0-9]*\)".*/\1/p' "$T/body")
assert_eq "$JA" "$first" "an empty choice, then the ticket's language (ja) first"
assert_contains "$(cat "$T/body")" 'formaction="/agent/tickets/10001/canned" formnovalidate' "Insert posts the reply form without JavaScript"
tok=$(csrf)
last=$(sed -n 's/.*name="last" value="\([0-9]*\)".*/\1/p' "$T/body" | head -1)
# the empty choice inserts nothing: the page comes back with what was typed
code=$(c ann -X POST --data-urlencode "csrf=$tok" --data-urlencode "last=$last" --data-urlencode "body=kept as typed" --data-urlencode "canned=" "$URL/agent/tickets/10001/canned")
assert_eq 200 "$code" "Insert with the empty choice is no error"
assert_contains "$(cat "$T/body")" ">kept as typed</textarea>" "the empty choice leaves the text as it was"
nout=$(sql "$DB" "SELECT count(*) FROM outbox")
assert_eq 403 "$(c ann -X POST --data-urlencode "last=$last" --data-urlencode "canned=$JA" --data-urlencode "body=" "$URL/agent/tickets/10001/canned")" "insert without CSRF refused"
assert_eq 200 "$(c ann -X POST --data-urlencode "csrf=$tok" --data-urlencode "last=$last" --data-urlencode "canned=$JA" --data-urlencode "body=" "$URL/agent/tickets/10001/canned")" "agent inserts the ja canned response"
assert_eq "$nout" "$(sql "$DB" "SELECT count(*) FROM outbox")" "Insert sends nothing"
draft=$(python3 -c 'import html,re,sys; s=open(sys.argv[1]).read(); m=re.search(r"<textarea id=\"reply-body\"[^>]*>(.*?)</textarea>", s, re.S); print(html.unescape(m.group(1)))' "$T/body")
assert_contains "$draft" "$HOSTILE 様" "customer name substituted"
assert_contains "$draft" "チケット #10001「請求書が届きません」について、Ann Agentが承りました。" "number, subject and agent substituted"
assert_contains "$draft" "よくある質問: https://help.example.jp/faq/" "faq.url substituted"
echo "$draft" | grep -Eq '回答期限: 20[0-9]{2}年[0-9]{1,2}月[0-9]{1,2}日\((月|火|水|木|金|土|日)\) [0-9]{2}:[0-9]{2}$' || fail "sla.due in Japanese: [$draft]"
pass "sla.due formatted in Japanese"
case "$(cat "$T/body")" in *"<script>alert"*) fail "substituted name unescaped in the textarea";; esac
pass "substituted name escaped in the textarea"
case "$(cat "$T/body")" in *'id="collision"'*) fail "collision warning on a fresh insert";; esac
pass "no collision warning on a fresh insert"

# the English one appended to typed text; the unknown placeholder stays
assert_eq 200 "$(c ann -X POST --data-urlencode "csrf=$tok" --data-urlencode "last=$last" --data-urlencode "canned=$EN" --data-urlencode "body=Typed first." "$URL/agent/tickets/10001/canned")" "agent inserts the en one after typed text"
assert_contains "$(cat "$T/body")" "{{customer.nickname}}" "unknown placeholder reported"
draft_en=$(python3 -c 'import html,re,sys; s=open(sys.argv[1]).read(); m=re.search(r"<textarea id=\"reply-body\"[^>]*>(.*?)</textarea>", s, re.S); print(html.unescape(m.group(1)))' "$T/body")
case "$draft_en" in "Typed first."$'\n'"Dear $HOSTILE, about #10001 (請求書が届きません): due "*" (UTC+09:00). {{customer.nickname}}") pass "typed text kept, en date with offset, unknown placeholder left visible";; *) fail "en draft: [$draft_en]";; esac
assert_eq 400 "$(c ann -X POST --data-urlencode "csrf=$tok" --data-urlencode "last=$last" --data-urlencode "canned=99999" "$URL/agent/tickets/10001/canned")" "unknown canned id refused"
assert_eq 303 "$(login vic vic@support.test "$PW")" "viewer signs in"
c vic "$URL/agent/tickets/10001" >/dev/null
vtok=$(csrf)
assert_eq 403 "$(c vic -X POST --data-urlencode "csrf=$vtok" --data-urlencode "canned=$JA" "$URL/agent/tickets/10001/canned")" "viewer cannot insert"

# send the expanded reply: the queued mail holds the plain text
assert_eq 303 "$(c ann -X POST --data-urlencode "csrf=$tok" --data-urlencode "last=$last" --data-urlencode "body=$draft" "$URL/agent/tickets/10001/reply")" "agent sends the reply"
sql "$DB" "SELECT raw FROM outbox WHERE kind = 'reply'" > "$T/reply.eml"
text=$(python3 -c 'import email,sys; from email import policy; m=email.message_from_binary_file(open(sys.argv[1],"rb"), policy=policy.default); print(m.get_body(("plain",)).get_content())' "$T/reply.eml")
assert_contains "$text" "$HOSTILE 様" "the mail greets the customer by the raw name (plain text)"
assert_contains "$text" "チケット #10001「請求書が届きません」" "the mail holds the substituted number and subject"
case "$text" in *"{{"*) fail "placeholder left in the mail";; esac
pass "no placeholder left in the mail"

# ---- merge ---------------------------------------------------------------
c ann "$URL/agent/tickets/10002" >/dev/null
tok=$(csrf)
assert_contains "$(cat "$T/body")" 'action="/agent/tickets/10002/merge"' "merge form on the ticket page"
assert_eq 403 "$(c ann -X POST --data-urlencode "into=10001" "$URL/agent/tickets/10002/merge")" "merge without CSRF refused"
assert_eq 403 "$(c vic -X POST --data-urlencode "csrf=$vtok" --data-urlencode "into=10001" --data-urlencode "confirm=1" "$URL/agent/tickets/10002/merge")" "viewer cannot merge"
assert_eq 403 "$(c ann -X POST --data-urlencode "csrf=$tok" --data-urlencode "into=10003" --data-urlencode "confirm=1" "$URL/agent/tickets/10002/merge")" "merge into a queue not granted is 403"
assert_eq 409 "$(c ann -X POST --data-urlencode "csrf=$tok" --data-urlencode "into=10002" "$URL/agent/tickets/10002/merge")" "merge into itself refused"
assert_eq 400 "$(c ann -X POST --data-urlencode "csrf=$tok" --data-urlencode "into=abc" "$URL/agent/tickets/10002/merge")" "a typed non-number refused"
assert_eq 200 "$(c ann -X POST --data-urlencode "csrf=$tok" --data-urlencode "into=#10001" "$URL/agent/tickets/10002/merge")" "merge asks for confirmation"
assert_contains "$(cat "$T/body")" "<li>#10002 Re-send invoice please (support)</li>" "confirmation shows this ticket's subject"
assert_contains "$(cat "$T/body")" "<li>#10001 請求書が届きません (support)</li>" "confirmation shows the target's subject"
assert_eq 0 "$(sql "$DB" "SELECT count(*) FROM ticket WHERE merged_into IS NOT NULL")" "nothing merged before confirmation"
assert_eq 303 "$(c ann -X POST --data-urlencode "csrf=$tok" --data-urlencode "into=10001" --data-urlencode "confirm=1" "$URL/agent/tickets/10002/merge")" "agent confirms the merge"
assert_eq "closed|10001" "$(sql "$DB" "SELECT t.status, i.number FROM ticket t JOIN ticket i ON i.id = t.merged_into WHERE t.number = 10002")" "merged ticket closed and pointing at the target"
assert_eq "10001|0" "$(sql "$DB" "SELECT t.number, (SELECT count(*) FROM message m JOIN ticket f ON f.id = m.ticket_id WHERE f.number = 10002) FROM message m JOIN ticket t ON t.id = m.ticket_id WHERE m.message_id = 'c2@customer.test'")" "messages moved to the target"
assert_eq 1 "$(sql "$DB" "SELECT count(*) FROM audit WHERE action = 'ticket.merge' AND object = 'ticket:10002' AND source = 'web' AND after_json = '{\"into\":10001}'")" "merge audited"
assert_eq 409 "$(c ann -X POST --data-urlencode "csrf=$tok" --data-urlencode "into=10001" --data-urlencode "confirm=1" "$URL/agent/tickets/10002/merge")" "a ticket merges once"
c ann "$URL/agent/tickets/10002" >/dev/null
assert_contains "$(cat "$T/body")" '<span class="merged">統合先 <a href="/agent/tickets/10001">#10001</a></span>' "the merged ticket's page says where it went"
