#!/usr/bin/env bash
# export.test.sh - export -> import -> export reproduces the document byte
# for byte (apart from exported_at); import refuses a non-empty instance
# and malformed, truncated or foreign input without changing anything;
# export from a backup generation matches the live export of that time.
. "$HD_SRC/tests/e2e/lib.sh"
D=$T/a
"$HD" --data "$D" init --profile test >/dev/null
"$HD" --data "$D" demo --tickets 50 --faq "$HD_SRC/faq/demo" >/dev/null
head -c 5000 /dev/urandom >"$T/att"
s=$(sha256sum "$T/att" | cut -c1-64); mkdir -p "$D/blobs/${s:0:2}"; cp "$T/att" "$D/blobs/${s:0:2}/${s:2}"
sql "$D" "INSERT INTO blob(sha256, size, created_at) VALUES('$s', 5000, 1);
  INSERT INTO attachment(message_id, filename, size, sha256, created_at) VALUES (1, 'x.bin', 5000, '$s', 1)"
printf 'From: <ex@inline.test>\r\nTo: support@support.test\r\nSubject: inline export\r\nMessage-ID: <ex-inline@inline.test>\r\n\r\nbody\r\n' |
    "$MG" --data "$D" deliver --recipient support@support.test 2>>"$T/mg.log" || fail "deliver: $(cat "$T/mg.log")"
raw=$(sql "$D" "SELECT raw_sha256 FROM message WHERE subject = 'inline export'")
norm() { sed 's/"exported_at":"[^"]*"//' "$1"; }

assert_status 0 "export" "$HD" --data "$D" export --out "$T/e1.json"
assert_eq "6 60" "$(python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["tables"]; print(len(t["rule"]), len(t["faq_text"]))' "$T/e1.json")" "rules and the FAQ are exported"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["format"]=="helpdesk-export" and d["version"]==1' "$T/e1.json" \
    || fail "export is not a valid versioned document"
pass "export is valid JSON with format and version"
[ "$(stat -c %a "$T/e1.json")" = 600 ] || fail "export readable by others"
assert_contains "$(cat "$T/e1.json")" "\"sha256\":\"$s\",\"data\":" "attachment bytes embedded"
! grep -q password_hash "$T/e1.json" || fail "export contains password hashes"
pass "no password hashes in the export"

"$HD" --data "$T/b" init --profile test >/dev/null
assert_status 0 "import into an empty instance" "$HD" --data "$T/b" import "$T/e1.json"
assert_status 0 "re-export" "$HD" --data "$T/b" export --out "$T/e2.json"
assert_eq "$(norm "$T/e1.json" | sha256sum)" "$(norm "$T/e2.json" | sha256sum)" "round trip is byte for byte"
assert_status 0 "imported instance verifies (blobs + audit chain)" "$HD" --data "$T/b" verify
assert_contains "$(cat "$T/e1.json")" "\"sha256\":\"$raw\",\"data\":" "inline raw message embedded"
assert_eq 2 "$(sql "$T/b" "SELECT count(*) FROM blob WHERE sha256 IN ('$raw', '$s') AND data IS NOT NULL")" "imported small blobs land in the database"
assert_status 65 "import refuses a non-empty instance" "$HD" --data "$T/b" import "$T/e1.json"

"$HD" --data "$T/c" init --profile test >/dev/null
before=$(sql "$T/c" .dump | sha256sum)
head -c $(( $(stat -c %s "$T/e1.json") / 2 )) "$T/e1.json" >"$T/trunc.json"
echo '{"format":"other","version":1,"tables":{}}' >"$T/foreign.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["tables"]["ticket"][3]["bogus"]=1; json.dump(d,open(sys.argv[2],"w"))' "$T/e1.json" "$T/badcol.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["blob_data"][0]["data"]="AAAA"; json.dump(d,open(sys.argv[2],"w"))' "$T/e1.json" "$T/badblob.json"
for f in trunc foreign badcol badblob; do
    assert_status 65 "import refuses $f input" "$HD" --data "$T/c" import "$T/$f.json"
    assert_eq "$before" "$(sql "$T/c" .dump | sha256sum)" "nothing changed after $f"
done

# Organisation-scoped export holds only that organisation's tickets.
org=$(sql "$D" "SELECT org_id FROM ticket WHERE org_id IS NOT NULL LIMIT 1")
want=$(sql "$D" "SELECT count(*) FROM ticket WHERE org_id = $org")
"$HD" --data "$D" export --org "$org" --out "$T/org.json"
assert_eq "$want" "$(python3 -c 'import json,sys;print(len(json.load(open(sys.argv[1]))["tables"]["ticket"]))' "$T/org.json")" "org export has only its tickets"

# Export from a backup generation, read-only.
"$HD" --data "$D" backup run >/dev/null
G=$(ls "$D.backups" | tail -1)
assert_status 0 "export from a generation" "$HD" --data "$D" backup export "$G" --out "$T/g.json"
"$HD" --data "$D" export --out "$T/e3.json"
# The live export now also has the backup's audit row; compare tickets.
py='import json,sys;print(json.dumps(json.load(open(sys.argv[1]))["tables"]["ticket"]))'
assert_eq "$(python3 -c "$py" "$T/e3.json" | sha256sum)" "$(python3 -c "$py" "$T/g.json" | sha256sum)" "generation export has the live tickets"
