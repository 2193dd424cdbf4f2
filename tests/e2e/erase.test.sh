#!/usr/bin/env bash
# erase.test.sh - erasing a contact, a ticket or an organisation leaves
# nothing an export or the blob store can find; shared blobs survive;
# unknown targets, dry runs and missing confirmation erase nothing; the
# certificate lands in the audit log and the chain still verifies.
. "$HD_SRC/tests/e2e/lib.sh"
D=$T/d
"$HD" --data "$D" init --profile test >/dev/null
"$HD" --data "$D" demo --tickets 50 >/dev/null
db() { sql "$D" "$@"; }
put_blob() { # file message-id
    local s; s=$(sha256sum "$1" | cut -c1-64)
    mkdir -p "$D/blobs/${s:0:2}"; cp "$1" "$D/blobs/${s:0:2}/${s:2}"
    db "INSERT OR IGNORE INTO blob(sha256, size, created_at) VALUES('$s', $(stat -c %s "$1"), 1);
        INSERT INTO attachment(message_id, filename, size, sha256, created_at) VALUES ($2, 'a', 1, '$s', 1)"
    echo "$s"
}
addr=$(db "SELECT c.address FROM contact c JOIN ticket t ON t.requester_id = c.id LIMIT 1")
cid=$(db "SELECT id FROM contact WHERE address = '$addr'")
m_own=$(db "SELECT m.id FROM message m JOIN ticket t ON t.id = m.ticket_id WHERE t.requester_id = $cid LIMIT 1")
m_other=$(db "SELECT m.id FROM message m JOIN ticket t ON t.id = m.ticket_id WHERE t.requester_id <> $cid LIMIT 1")
echo "secret bytes of $addr" >"$T/own"; own=$(put_blob "$T/own" "$m_own")
echo "shared bytes" >"$T/shared"; shared=$(put_blob "$T/shared" "$m_own"); put_blob "$T/shared" "$m_other" >/dev/null
"$HD" --data "$D" backup run >/dev/null
n=$(db "SELECT count(*) FROM ticket")

before=$(db .dump | sha256sum)
assert_status 66 "unknown contact: clear error" "$HD" --data "$D" erase --contact nobody@nowhere.example --yes
assert_status 66 "unknown ticket" "$HD" --data "$D" erase --ticket 99999 --yes
assert_status 66 "unknown org" "$HD" --data "$D" erase --org 999 --yes
assert_status 0 "dry run" "$HD" --data "$D" erase --contact "$addr" --dry-run
assert_contains "$(cat "$T/last.out")" '"dry_run":true' "dry run prints the plan"
assert_status 1 "no confirmation off a terminal" "$HD" --data "$D" erase --contact "$addr" </dev/null
assert_eq "$before" "$(db .dump | sha256sum)" "nothing erased so far"

assert_status 0 "erase contact" "$HD" --data "$D" erase --contact "$addr" --yes
cert=$(cat "$T/last.out")
assert_contains "$cert" '"certificate":"erasure"' "certificate printed"
assert_contains "$cert" '"backups_hold_data_until":"' "certificate says when backups age out"
case "$cert" in *"$addr"*) fail "certificate repeats the address" ;; esac
"$HD" --data "$D" export --out "$T/after.json"
! grep -qi "$addr" "$T/after.json" || fail "address still in the export"
pass "export has no trace of the contact"
[ ! -e "$D/blobs/${own:0:2}/${own:2}" ] || fail "own blob still on disk"
[ -e "$D/blobs/${shared:0:2}/${shared:2}" ] || fail "shared blob was removed"
pass "unshared blob gone, shared blob kept"
assert_eq 0 "$(db "SELECT count(*) FROM blob WHERE sha256 = '$own'")" "blob row gone"
assert_contains "$(db "SELECT after_json FROM audit WHERE action = 'erase'")" '"target":"contact"' "certificate in the audit log"
assert_status 0 "instance verifies after erasure" "$HD" --data "$D" verify

num=$(db "SELECT number FROM ticket LIMIT 1")
assert_status 0 "erase ticket" "$HD" --data "$D" erase --ticket "$num" --yes
assert_eq 0 "$(db "SELECT count(*) FROM ticket WHERE number = $num")" "ticket gone"
org=$(db "SELECT id FROM org LIMIT 1")
assert_status 0 "erase org" "$HD" --data "$D" erase --org "$org" --yes
assert_eq "0 0 0" "$(db "SELECT (SELECT count(*) FROM org WHERE id = $org) || ' ' || (SELECT count(*) FROM contact WHERE org_id = $org) || ' ' || (SELECT count(*) FROM ticket WHERE org_id = $org)")" "org, its contacts and tickets gone"
assert_status 0 "foreign keys and audit chain intact" "$HD" --data "$D" verify
[ "$(db "SELECT count(*) FROM ticket")" -lt "$n" ] || fail "no tickets erased"

# A raw message stored inline (in the database): erasing its ticket leaves
# none of its bytes in the database file once the WAL is checkpointed.
# Sealed blobs never hold the marker in clear, so this one is stored as
# plaintext (as before sealing) to see secure_delete wipe it.
conf "$D" blob.encrypt false
mark="Xq7ErasureMarker$$"
printf 'From: Ina <ina@inline.test>\r\nTo: support@support.test\r\nSubject: inline raw\r\nMessage-ID: <inline-%s@inline.test>\r\nX-Trace: %s %s %s\r\n\r\nplease help\r\n' \
    "$$" "$mark" "$mark" "$mark" >"$T/inline.eml"
"$MG" --data "$D" deliver --recipient support@support.test <"$T/inline.eml" 2>>"$T/mg.log" || fail "deliver: $(cat "$T/mg.log")"
raw=$(db "SELECT raw_sha256 FROM message WHERE subject = 'inline raw'")
assert_eq 1 "$(db "SELECT count(*) FROM blob WHERE sha256 = '$raw' AND data IS NOT NULL")" "small raw message stored inline"
[ ! -e "$D/blobs/${raw:0:2}/${raw:2}" ] || fail "small raw message also written as a file"
db "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
grep -qa "$mark" "$D/helpdesk.db" || fail "marker not found in the database before erasure"
pass "inline raw bytes are in the database file before erasure"
inum=$(db "SELECT t.number FROM ticket t JOIN message m ON m.ticket_id = t.id WHERE m.subject = 'inline raw'")
assert_status 0 "erase the inline ticket" "$HD" --data "$D" erase --ticket "$inum" --yes
assert_eq 0 "$(db "SELECT count(*) FROM blob WHERE sha256 = '$raw'")" "inline blob row gone"
db "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
! grep -qa "$mark" "$D/helpdesk.db" "$D/helpdesk.db-wal" 2>/dev/null || fail "erased raw bytes still in the database file"
pass "no trace of the erased raw message in the database file"
assert_status 0 "verify after erasing an inline blob" "$HD" --data "$D" verify
