# cli.test.sh - the admin CLI against a real instance directory: init,
# profiles, users (password from stdin), queues, orgs, tickets, demo.
source "$(dirname "$0")/lib.sh"
export HELPDESK_NOW=2026-12-25T18:59:00+09:00

"$HD" --data "$T/x" init >/dev/null
assert_eq "[]" "$("$HD" --data "$T/x" ticket list --json)" "new instance has no tickets"
[ -f "$T/x/helpdesk.conf" ] || fail "config written"
grep -q '^#instance.timezone = Asia/Tokyo' "$T/x/helpdesk.conf" || fail "config lists defaults"
assert_eq "600" "$(stat -c %a "$T/x.backup-key")" "backup key beside the instance, mode 0600"
assert_status 65 "init twice is refused" "$HD" --data "$T/x" init

# Profiles never touch each other's data.
"$HD" --data "$T/t" --profile test init >/dev/null
assert_status 78 "test database refused under --profile prod" "$HD" --data "$T/t" --profile prod ticket list
assert_contains "$(cat "$T/last.err")" "belongs to the 'test' profile" "the refusal says why"
HELPDESK_DATA="$T/t" assert_status 0 "HELPDESK_DATA selects the instance" "$HD" --profile test ticket list
"$HD" --data "$T/p" --profile prod init >/dev/null
assert_status 78 "prod refuses demo data" "$HD" --data "$T/p" demo

# Config errors name file, line and key.
printf 'web.listen = 127.0.0.1:9\nweb.lisen = x\n' >> "$T/t/helpdesk.conf"
assert_status 78 "unknown config key refused" "$HD" --data "$T/t" ticket list
assert_contains "$(cat "$T/last.err")" "helpdesk.conf:" "error names the file"
assert_contains "$(cat "$T/last.err")" "web.lisen" "error names the key"

# Queues, orgs, users.
"$HD" --data "$T/x" queue add support --address support@example.com >/dev/null
"$HD" --data "$T/x" queue add incident --address incident@example.com >/dev/null
"$HD" --data "$T/x" org add "株式会社テスト" --tier premium --domain test.example.jp >/dev/null
assert_eq "premium" "$("$HD" --data "$T/x" org list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["tier"])')" "org tier stored"
echo 'correct horse battery staple' | "$HD" --data "$T/x" user add --email a@example.com --name "Agent A" --role agent --queues support >/dev/null
echo 'correct horse battery staple' | "$HD" --data "$T/x" user add --email b@example.com --name "Admin B" --role admin >/dev/null
users=$("$HD" --data "$T/x" user list --json)
assert_eq "support" "$(echo "$users" | python3 -c 'import json,sys; print([u for u in json.load(sys.stdin) if u["email"]=="a@example.com"][0]["queues"])')" "--queues limits the grant"
assert_eq "2" "$(echo "$users" | python3 -c 'import json,sys; print(len([u for u in json.load(sys.stdin) if u["email"]=="b@example.com"][0]["queues"].split(",")))')" "no --queues grants every queue"
if "$HD" --data "$T/x" user list --json | grep -q argon2; then fail "hashes never printed"; fi
echo 'short' | assert_status 65 "weak password refused" "$HD" --data "$T/x" user add --email c@example.com --name C --role agent
assert_status 64 "no password on stdin is a usage error" "$HD" --data "$T/x" user add --email d@example.com --name D --role agent </dev/null
echo 'correct horse battery staple' | assert_status 65 "unknown role refused" "$HD" --data "$T/x" user add --email e@example.com --name E --role wizard
"$HD" --data "$T/x" user disable a@example.com >/dev/null
assert_eq "True" "$("$HD" --data "$T/x" user list --json | python3 -c 'import json,sys; print([u for u in json.load(sys.stdin) if u["email"]=="a@example.com"][0]["disabled"])')" "user disabled"

# Demo data and ticket views.
"$HD" --data "$T/d" init >/dev/null
"$HD" --data "$T/d" demo --tickets 250 >/dev/null
n=$("$HD" --data "$T/d" ticket list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
assert_eq "250" "$n" "ticket list shows every ticket"
langs=$("$HD" --data "$T/d" ticket list --json | python3 -c 'import json,sys; print(sorted({t["lang"] for t in json.load(sys.stdin)}))')
assert_eq "['en', 'ja']" "$langs" "demo has Japanese and English tickets"
# Demo tickets get their SLA clocks as intake would: open ones have a due time.
open_n=$(sql "$T/d" "select count(*) from ticket where status in ('new','open','pending')")
due_n=$(sql "$T/d" "select count(*) from ticket where status in ('new','open','pending') and first_response_due is not null and resolution_due is not null")
[ "$open_n" -gt 0 ] && [ "$due_n" -eq "$open_n" ] || fail "every open demo ticket has a due time ($due_n of $open_n)"
pass "every open demo ticket has a due time ($due_n of $open_n)"
show=$("$HD" --data "$T/d" ticket show 10001 --json)
assert_eq "10001" "$(echo "$show" | python3 -c 'import json,sys; print(json.load(sys.stdin)["number"])')" "ticket show"
assert_eq "1" "$(echo "$show" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["messages"]))')" "ticket show includes messages"
assert_eq "2026-12-25T18:59:00+09:00" "$(echo "$show" | python3 -c 'import json,sys; print(json.load(sys.stdin)["created_at"])')" "HELPDESK_NOW is honoured, shown in the instance zone"
inc=$("$HD" --data "$T/d" ticket list --category incident --json | python3 -c 'import json,sys; print({t["category"] for t in json.load(sys.stdin)})')
assert_eq "{'incident'}" "$inc" "filter by category"
assert_status 66 "unknown ticket" "$HD" --data "$T/d" ticket show 99999
assert_status 64 "unknown command" "$HD" --data "$T/d" frobnicate
assert_status 0 "help" "$HD" --help
