#!/usr/bin/env bash
# report.test.sh - the service checklist and the availability report on a
# real instance: 65 complete rows in both languages; a backup shows in row
# 38; an operator's answer in the config shows in its row; synthetic
# worker heartbeats with a gap, a maintenance window and an outage entered
# by hand give the exact percentage; bad outages are refused and nothing
# is stored; the HTML document escapes what it shows.
. "$HD_SRC/tests/e2e/lib.sh"
export HELPDESK_NOW=2026-06-30T00:00:00Z
NOW=$(date -u -d "$HELPDESK_NOW" +%s)
D=$T/live
"$HD" --data "$D" init --profile test >/dev/null
row() { # lang no field
    "$HD" --data "$D" report checklist --lang "$1" --json | json "[r for r in d if r['no'] == $2][0]['$3']"
}

# 65 rows, numbered 1..65, nothing empty, in both languages.
for lang in ja en; do
    "$HD" --data "$D" report checklist --lang $lang --json >"$T/c.$lang.json"
    assert_eq "True" "$(json "[r['no'] for r in d] == list(range(1, 66))" <"$T/c.$lang.json")" "$lang: rows numbered 1-65"
    assert_eq "True" "$(json "all(r['item'] and r['answer'] and r['evidence'] and r['status'] in ('ok', 'ng', 'operator', 'unknown') for r in d)" <"$T/c.$lang.json")" "$lang: every row complete"
done
assert_contains "$(row ja 38 item)" "バックアップ世代数" "ja item text from the original"
assert_eq "unknown" "$(row en 44 status)" "row 44 unanswered: not known"
assert_contains "$(row en 44 evidence)" "report.row44" "row 44 says where to answer"
assert_eq "True" "$(json "all(r['threshold'] for r in d if r['status'] in ('ok', 'ng'))" <"$T/c.en.json")" "every computed row states its threshold"
assert_contains "$(row en 61 evidence)" "lockout after 5 failures in 10 minutes" "row 61 from the config"
assert_contains "$(row en 41 evidence)" "run helpdesk verify" "row 41 before verify"
assert_eq "ng" "$(row en 38 status)" "row 38 without backups"
assert_eq "ng" "$(row en 53 status)" "row 53 without backups"

# A backup shows in row 38; verify in row 41.
"$HD" --data "$D" backup run >/dev/null
GEN=$(ls "$D.backups" | grep '^GEN-' | tail -1)
assert_contains "$(row en 38 evidence)" "$GEN" "row 38 names the newest generation"
assert_contains "$(row en 38 evidence)" "backup.generations = 20; 1 on disk" "row 38 counts generations"
assert_eq "ok" "$(row en 38 status)" "row 38 ok after a backup"
"$HD" --data "$D" verify >/dev/null
assert_contains "$(row en 41 evidence)" "intact" "row 41 after verify"

# The operator's own answer.
conf "$D" report.row44 "社内規程に基づき運用"
assert_eq "社内規程に基づき運用" "$(row ja 44 answer)" "row 44 shows the operator's text"
assert_eq "operator" "$(row ja 44 status)" "row 44 answered by the operator"
assert_contains "$(row en 44 evidence)" "helpdesk.conf, last changed" "row 44 says when the file changed"
conf "$D" log.retention_days 400
assert_eq "ng" "$(row en 24 status)" "retention under two years is ng"

# Availability over one day: worker beats every minute, except a 20-minute
# gap (downtime) and a 30-minute gap inside a one-hour maintenance window.
FROM=$((NOW - 86400)); GAP=$((FROM + 36000)); MW=$((FROM + 60000))
python3 - "$FROM" "$NOW" "$GAP" "$MW" >"$T/beats.sql" <<'PY'
import sys
f, n, gap, mw = map(int, sys.argv[1:])
print("BEGIN;")
for m in range(f, n, 60):
    if gap <= m < gap + 1200 or mw + 600 <= m < mw + 2400:
        continue
    print(f"INSERT INTO heartbeat_log VALUES ('worker', {m});")
print(f"INSERT INTO announcement(kind, title_ja, title_en, starts_at, ends_at, published_at) VALUES ('maintenance', 'メンテナンス', 'Maintenance', {mw}, {mw + 3600}, {f});")
print("COMMIT;")
PY
sql "$D" <"$T/beats.sql"
pct() { python3 -c "print('%.3f' % (100.0 * ($1 - $2) / $1))"; }
"$HD" --data "$D" report availability --days 1 --json >"$T/a1.json"
assert_eq "82800 1200 1" "$(json "d['planned_seconds'], d['down_seconds'], d['maintenance_windows']" <"$T/a1.json" | tr -d '(),')" "planned, down, windows"
assert_eq "$(pct 82800 1200)" "$(json "d['availability']" <"$T/a1.json")" "availability percentage"

# An outage entered by hand (10 minutes, not in a gap) adds to it.
S=$(date -u -d "@$((FROM + 20000))" +%Y-%m-%dT%H:%M:%SZ)
E=$(date -u -d "@$((FROM + 20600))" +%Y-%m-%dT%H:%M:%SZ)
assert_status 0 "outage add" "$HD" --data "$D" outage add --start "$S" --end "$E" --cause "database disk full"
"$HD" --data "$D" report availability --days 1 --json >"$T/a2.json"
assert_eq "1800 2" "$(json "d['down_seconds'], len(d['outages'])" <"$T/a2.json" | tr -d '(),')" "outage counted once more"
assert_eq "$(pct 82800 1800)" "$(json "d['availability']" <"$T/a2.json")" "availability with the outage"
assert_eq "database disk full" "$(json "d['recorded'][0]['cause']" <"$T/a2.json")" "outage listed"
assert_contains "$(row en 19 evidence)" "1 recorded by hand" "row 19 counts it"
assert_contains "$(row en 13 answer)" "%" "row 13 gives a percentage"
assert_eq "1" "$(sql "$D" "SELECT count(*) FROM audit WHERE action = 'outage.add'")" "outage audited"

# Bad input is refused with a clear message and stores nothing.
before=$(sql "$D" "SELECT count(*) FROM service_outage; SELECT count(*) FROM audit")
assert_status 65 "end before start refused" "$HD" --data "$D" outage add --start "$E" --end "$S" --cause x
assert_contains "$(cat "$T/last.err")" "--end must be after --start" "says why (order)"
assert_status 65 "bad time refused" "$HD" --data "$D" outage add --start yesterday --end "$E" --cause x
assert_contains "$(cat "$T/last.err")" "RFC 3339" "says why (format)"
assert_status 65 "future end refused" "$HD" --data "$D" outage add --start "$S" --end 2030-01-01T00:00:00Z --cause x
assert_status 65 "missing cause refused" "$HD" --data "$D" outage add --start "$S" --end "$E"
assert_status 64 "bad --days refused" "$HD" --data "$D" report availability --days 0
assert_eq "$before" "$(sql "$D" "SELECT count(*) FROM service_outage; SELECT count(*) FROM audit")" "nothing stored"

# HTML: a standalone document, values escaped, no scripts.
conf "$D" instance.name '<script>alert(1)</script>'
"$HD" --data "$D" report checklist --lang en --html >"$T/c.html"
assert_contains "$(head -1 "$T/c.html")" "<!DOCTYPE html>" "HTML document"
assert_contains "$(cat "$T/c.html")" "&lt;script&gt;alert(1)&lt;/script&gt;" "instance name escaped"
grep -qi "<script" "$T/c.html" && fail "a script tag in the HTML"
assert_eq "65" "$(grep -c '^<tr class=' "$T/c.html")" "65 rows in the HTML"
assert_contains "$(cat "$T/c.html")" '<p class="summary">ok ' "HTML starts with a summary"
first=$(grep -m1 '^<tr class=' "$T/c.html")
assert_contains "$first" 'class="ng"' "ng rows come first"
