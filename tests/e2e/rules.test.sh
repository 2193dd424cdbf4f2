# rules.test.sh - routing rules from the CLI: the shipped defaults, `rule
# test` explaining a decision without creating anything, strict refusal of
# malformed rules, and auto-assignment (round-robin, least-open, on call at
# night) on real deliveries.
source "$(dirname "$0")/lib.sh"
I=$T/inst
"$HD" --data "$I" init >/dev/null
"$HD" --data "$I" queue add support --address support@support.test >/dev/null
"$HD" --data "$I" queue add vip >/dev/null
conf "$I" support.incident_address incident@support.test
n=$("$HD" --data "$I" rule list --json | json 'len(d)')
[ "$n" -ge 5 ] || fail "default rules shipped ($n)"
pass "default rules shipped"

mail() { # from to subject body
    printf 'From: %s\nTo: %s\nSubject: %s\nMessage-ID: <%s@t>\nContent-Type: text/plain; charset=UTF-8\n\n%s\n' \
        "$1" "$2" "$3" "$RANDOM$RANDOM" "$4"
}
mail a@cust.test support@support.test "サーバーに繋がらない" "至急お願いします" > "$T/m.eml"
out=$("$HD" --data "$I" rule test "$T/m.eml" --recipient support@support.test --json)
assert_eq incident "$(echo "$out" | json 'd["category"]')" "rule test: incident words"
assert_contains "$(echo "$out" | json 'd["reasons"]')" "text contains 繋がらない" "rule test says why"
assert_eq "[]" "$("$HD" --data "$I" ticket list --json)" "rule test creates nothing"

# Malformed rules are refused with the reason, nothing stored.
before=$("$HD" --data "$I" rule list --json | json 'len(d)')
assert_status 65 "unknown field" "$HD" --data "$I" rule add --name x --if 'colour = red' --then priority=high
assert_contains "$(cat "$T/last.err")" "unknown field 'colour'" "reason: field"
assert_status 65 "bad regex" "$HD" --data "$I" rule add --name x --if 'subject =~ ([a-' --then priority=high
assert_contains "$(cat "$T/last.err")" "bad regular expression" "reason: regex"
assert_status 65 "empty action" "$HD" --data "$I" rule add --name x --if 'subject ~ a' --then priority=
assert_status 65 "no action" "$HD" --data "$I" rule add --name x --if 'subject ~ a'
assert_status 65 "unknown queue" "$HD" --data "$I" rule add --name x --if 'subject ~ a' --then queue=nope
assert_status 65 "bad priority" "$HD" --data "$I" rule add --name x --if 'subject ~ a' --then priority=whenever
assert_eq "$before" "$("$HD" --data "$I" rule list --json | json 'len(d)')" "nothing stored"

# VIP customers go to their queue, round-robin between two agents.
for u in v1 v2; do
    echo 'correct horse battery staple' | "$HD" --data "$I" user add --email $u@support.test --name $u --role agent --queues vip >/dev/null
done
"$HD" --data "$I" rule add --name VIP --if 'from_domain = bigcorp.test' \
    --then queue=vip --then priority=urgent --then assign=round-robin >/dev/null
for i in 1 2 3; do
    mail "boss$i@bigcorp.test" support@support.test "Question $i" "Hello" | "$MG" --data "$I" deliver --recipient support@support.test 2>/dev/null
done
assignees=$("$HD" --data "$I" ticket list --json | json '",".join(t["assignee"] or "-" for t in reversed(d))')
assert_eq "v1,v2,v1" "$assignees" "round-robin among the queue's agents"
assert_eq "{'vip'}" "$("$HD" --data "$I" ticket list --json | json '{t["queue"] for t in d}')" "rule chose the queue"
assert_eq "{'urgent'}" "$("$HD" --data "$I" ticket list --json | json '{t["priority"] for t in d}')" "rule set the priority"
"$HD" --data "$I" ticket show 10001 --json | json '[h["detail"] for h in d["history"]]' | grep -q "routed by rule .* (VIP): from_domain is bigcorp.test" || fail "decision recorded in history"
pass "decision recorded in history"
