#!/bin/bash
# agent_queue_cache.test.sh - what helpdesk-web keeps in memory for the
# queue page (web/agent/agent_qcache.h: rows and navigation; web/agent/agent_int.h:
# validated sessions) never outlives the truth:
#  - a ticket delivered by the mail gateway, a ticket and a queue changed
#    by another process (sqlite3) show in the queue within the stated age
#    (2 s; the loop allows 4 s and asserts no time);
#  - a signed-out session is refused on the very next request although
#    every server thread has it memoised, and so is the session of a user
#    disabled from the CLI (another process);
#  - a user who loses a queue grant (another process) no longer sees its
#    rows nor its link, while the cached rows stay right for the others;
#  - a hostile subject is escaped on the page built and on the cached one.
source "$(dirname "$0")/lib.sh"
source "$HD_SRC/tests/e2e/lib/agent.sh"
I=$T/inst
DB=$I/helpdesk.db
PW=correct-horse-battery-9
"$HD" --data "$I" --profile test init >/dev/null
"$HD" --data "$I" queue add support --address support@support.test >/dev/null
"$HD" --data "$I" queue add billing --address billing@support.test >/dev/null
for u in ann bob cat; do
    echo "$PW" | "$HD" --data "$I" user add --email $u@support.test --name "${u^}" \
        --role agent --queues support,billing >/dev/null
done
conf "$I" mail.from_address support@support.test

n=0
mail() { # mail RCPT SUBJECT
    n=$((n + 1))
    printf 'From: Yamada <yamada@customer.test>\nTo: %s\nSubject: %s\nMessage-ID: <q%d@customer.test>\nDate: Mon, 07 Dec 2026 10:00:00 +0900\n\nbody\n' \
        "$1" "$2" "$n" | "$MG" --data "$I" deliver --recipient "$1" >/dev/null
}
mail support@support.test "first support ticket"
mail billing@support.test "first billing ticket"

agent_web_start "$I"
queue() { c "$1" "$URL/agent/?view=open" >/dev/null; cat "$T/body"; }
# shows JAR TEXT: polls the queue page until TEXT is on it (at most 40
# tries 0.1 s apart); prints yes or no.
shows() {
    for _ in $(seq 1 40); do
        queue "$1" | grep -qF "$2" && { echo yes; return; }
        sleep 0.1
    done
    echo no
}

for u in ann bob cat; do
    assert_eq 303 "$(login $u $u@support.test "$PW")" "$u signs in"
done
# Enough requests that every server thread has the sessions memoised
# and the rows are cached.
for _ in $(seq 1 12); do queue ann >/dev/null; queue bob >/dev/null; queue cat >/dev/null; done
assert_contains "$(queue ann)" "first billing ticket" "ann sees the billing queue's ticket"

# ---- changes by other processes ----------------------------------------
mail support@support.test "delivered while cached"
assert_eq yes "$(shows ann "delivered while cached")" "a delivered ticket shows in the queue"
assert_eq 0 "$(queue ann | grep -c 'prio-urgent')" "no urgent ticket yet"
sql "$DB" "UPDATE ticket SET priority = 'urgent' WHERE number = 10001"
assert_eq yes "$(shows ann 'prio-urgent')" "a ticket changed by another process shows"
sql "$DB" "UPDATE queue SET name = 'helpline' WHERE name = 'support'"
assert_eq yes "$(shows ann '">helpline</td>')" "so does a queue renamed by another process"

# ---- escaping, built and cached ----------------------------------------
mail support@support.test '<script>alert(1)</script> & "quotes"'
assert_eq yes "$(shows ann '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;')" \
    "a hostile subject is escaped on the page"
for _ in 1 2 3; do
    assert_eq 0 "$(queue ann | grep -c '<script>alert')" "and on the cached page"
done

# ---- losing a grant ---------------------------------------------------------
billing=$(sql "$DB" "SELECT id FROM queue WHERE name = 'billing'")
sql "$DB" "DELETE FROM user_queue WHERE queue_id = $billing AND user_id = (SELECT id FROM user WHERE email = 'bob@support.test')"
page=$(queue bob)
assert_eq 0 "$(grep -c 'first billing ticket' <<<"$page")" "bob no longer sees the billing rows at once"
assert_eq 0 "$(grep -c "queue=$billing\"" <<<"$page")" "nor the billing queue's link"
assert_eq 403 "$(c bob "$URL/agent/?view=queue&queue=$billing")" "nor the billing queue itself"
assert_contains "$(queue ann)" "first billing ticket" "ann, still granted, sees them"

# ---- sign-out and revocation -------------------------------------------------
cp "$T/ann" "$T/ann-copy"
c ann "$URL/agent/" >/dev/null
tok=$(csrf)
assert_eq 303 "$(c ann -X POST --data-urlencode "csrf=$tok" "$URL/agent/logout")" "ann signs out"
for i in 1 2 3 4 5 6; do # each thread had the session memoised
    assert_eq 303 "$(c ann-copy "$URL/agent/")" "the signed-out cookie is refused (request $i)"
done
assert_eq 200 "$(c cat "$URL/agent/")" "cat is still signed in"
"$HD" --data "$I" user disable cat@support.test >/dev/null
for i in 1 2 3 4 5 6; do
    assert_eq 303 "$(c cat "$URL/agent/")" "a user disabled from the CLI is refused at once (request $i)"
done
