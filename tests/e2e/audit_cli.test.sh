#!/usr/bin/env bash
# audit_cli.test.sh - every admin CLI change leaves exactly one audit row
# (actor cli:<unix user>, source cli, object, action, before/after JSON),
# written in the change's own transaction; a refused change leaves none;
# the chain verifies at the end.
. "$HD_SRC/tests/e2e/lib.sh"
D=$T/d
db() { sql "$D" "$@"; }
h() { "$HD" --data "$D" "$@" >/dev/null; }
export HELPDESK_NOW=2026-03-02T10:00:00+09:00
"$HD" --data "$D" --profile test init >/dev/null
me="cli:$(id -un)"
n=$(db "SELECT count(*) FROM audit")
step() { # action command...: the command adds one row with that action
    local action=$1; shift
    "$@" >/dev/null || fail "$action: command failed"
    local now; now=$(db "SELECT count(*) FROM audit")
    [ "$now" -eq $((n + 1)) ] || fail "$action: $((now - n)) audit rows, wanted 1"
    n=$now
    assert_eq "$me|cli|$action" "$(db "SELECT actor, source, action FROM audit ORDER BY id DESC LIMIT 1")" "$action audited"
}
step queue.add h queue add support --address support@example.com
step org.add h org add Example --tier premium --domain example.com
org=$(db "SELECT id FROM org WHERE name = 'Example'")
echo 'correct horse battery staple' >"$T/pw"
step user.add h user add --email a@example.com --name A --role agent <"$T/pw"
step user.disable h user disable a@example.com
assert_eq '{"disabled":false}|{"disabled":true}' "$(db "SELECT before_json, after_json FROM audit ORDER BY id DESC LIMIT 1")" "before/after of the disable"
step rule.add h rule add --name VIP --if 'from_domain = example.com' --then priority=high
rule=$(db "SELECT id FROM rule WHERE name = 'VIP'")
step rule.delete h rule delete "$rule"
assert_contains "$(db "SELECT before_json FROM audit ORDER BY id DESC LIMIT 1")" '"name":"VIP"' "deleted rule kept in before_json"
step calendar.add_closure h calendar add-closure 2026-08-13 2026-08-16 Obon
cl=$(db "SELECT max(id) FROM calendar_closure")
step calendar.delete_closure h calendar delete-closure "$cl"
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:1@x\r\nDTSTART;VALUE=DATE:20261230\r\nDTEND;VALUE=DATE:20270104\r\nSUMMARY:Year end\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' >"$T/c.ics"
step calendar.import h calendar import "$T/c.ics"
step attachments.quota h attachments quota --org "$org" 1000
assert_eq '{"quota_bytes":-1}|{"quota_bytes":1000}' "$(db "SELECT before_json, after_json FROM audit ORDER BY id DESC LIMIT 1")" "quota before/after"
step attachments.purge h attachments purge --org "$org" --older-than 0 --yes
mkdir "$T/faq"
printf -- '---\ntitle: Reset\ncategory: account\n---\nHow to reset.\n' >"$T/faq/reset.en.md"
step faq.add h faq add "$T/faq/reset.en.md"
printf -- '---\ntitle: Reset your password\ncategory: account\n---\nHow to reset.\n' >"$T/faq/reset.en.md"
step faq.edit h faq edit "$T/faq/reset.en.md"
assert_contains "$(db "SELECT before_json FROM audit ORDER BY id DESC LIMIT 1")" '"title_en":"Reset"' "edit keeps the old title"
step faq.delete h faq delete reset
step faq.import h faq import "$T/faq"
step announce.add h announce add --kind status --title-ja 遅延 --title-en Slow
ann=$(db "SELECT max(id) FROM announcement")
step announce.end h announce end "$ann"

# A refused change writes nothing.
assert_status 66 "unknown user" "$HD" --data "$D" user disable nobody@example.com
assert_status 66 "unknown rule" "$HD" --data "$D" rule delete 999
assert_eq "$n" "$(db "SELECT count(*) FROM audit")" "no audit row for refused changes"
assert_status 0 "audit chain verifies" "$HD" --data "$D" verify
