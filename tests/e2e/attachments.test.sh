#!/bin/bash
# attachments.test.sh - attachment safety on real deliveries with a real
# clamd: scanning (clean, EICAR, EICAR in a zip, clamd down and back),
# quarantine out of the blob store, type policy by the detected type (an
# executable named report.pdf), the organisation quota (held, ticket still
# opened, admins told) and purge freeing the files.  A refusal is never
# silent: it shows in the history, on the agent's ticket page and in the
# acknowledgement; random bytes that libmagic only guesses are a DOS .COM
# program are stored.
source "$(dirname "$0")/lib.sh"
source "$HD_SRC/tests/e2e/lib/agent.sh"
use_peers
start_clamd
I=$T/inst
"$HD" --data "$I" init >/dev/null
"$HD" --data "$I" queue add support --address support@support.test >/dev/null
echo 'correct horse battery staple' | "$HD" --data "$I" user add \
    --email boss@support.test --name Boss --role admin >/dev/null
conf "$I" scan.clamd_socket "$CLAMD_SOCKET"
conf "$I" mail.from_address support@support.test
DB=$I/helpdesk.db
q() { sql "$DB" "$1"; }

# mkmail FROM SUBJECT FILE NAME TYPE [TEXT]: a mail with FILE as a base64
# attachment called NAME, declared as TYPE.
mkmail() {
    python3 - "$@" <<'PY'
import sys
from email.message import EmailMessage
frm, subject, path, name, ctype = sys.argv[1:6]
text = sys.argv[6] if len(sys.argv) > 6 else "Please see the attachment."
m = EmailMessage()
m["From"], m["To"], m["Subject"] = frm, "support@support.test", subject
m["Message-ID"] = "<%s@t>" % subject.replace(" ", "-")
m.set_content(text + "\n")
main, sub = ctype.split("/")
m.add_attachment(open(path, "rb").read(), maintype=main, subtype=sub,
                 filename=name)
sys.stdout.write(m.as_string())
PY
}
deliver() { "$MG" --data "$I" deliver --recipient support@support.test 2>>"$T/mg.log"; }
att() { q "SELECT $1 FROM attachment WHERE filename = '$2'"; }
blob() { echo "$I/blobs/${1:0:2}/${1:2}"; }
inline() { [ "$(q "SELECT count(*) FROM blob WHERE sha256 = '$1' AND data IS NOT NULL")" = 1 ]; }
stored() { [ -f "$(blob "$1")" ] || inline "$1"; } # either tier
# ack SUBJECT: the decoded text of the acknowledgement of that ticket.
ack() {
    q "SELECT o.raw FROM outbox o JOIN ticket t ON t.id = o.ticket_id WHERE o.kind = 'ack' AND t.subject = '$1'" |
        python3 -c 'import email, email.policy, sys
m = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.default)
print(m.get_body().get_content())'
}

# ---- scanning -----------------------------------------------------------
echo 'Quarterly figures, nothing to see.' >"$T/notes.txt"
python3 -c 'import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.write(sys.argv[2], "invoice.com")' "$T/eicar.zip" "$CLAMD_DIR/eicar.com"
mkmail ann@cust.test "clean one" "$T/notes.txt" notes.txt text/plain | deliver
mkmail ann@cust.test "eicar plain" "$CLAMD_DIR/eicar.com" eicar.com application/octet-stream | deliver
mkmail ann@cust.test "eicar zipped" "$T/eicar.zip" archive.zip application/zip | deliver
assert_eq "unscanned unscanned unscanned" "$(q "SELECT group_concat(scan_state, ' ') FROM attachment ORDER BY id")" "new attachments start unscanned"
assert_eq "text/plain" "$(att detected_type notes.txt)" "detected type recorded"
assert_eq "application/zip" "$(att detected_type archive.zip)" "zip detected as zip"
eicar_sha=$(att sha256 eicar.com)
zip_sha=$(att sha256 archive.zip)
inline "$eicar_sha" || fail "EICAR blob stored (in the database) before the scan"
[ ! -e "$(blob "$eicar_sha")" ] || fail "a small blob was written as a file"

out=$("$HD" --data "$I" attachments scan --json)
assert_eq "1 2 False" "$(echo "$out" | json 'd["clean"], d["infected"], d["clamd_down"]' | tr -d '(),')" "one pass: 1 clean, 2 infected"
assert_eq "stored clean" "$(att "state || ' ' || scan_state" notes.txt)" "clean attachment marked clean"
for f in eicar.com archive.zip; do
    assert_eq "quarantined infected" "$(att "state || ' ' || scan_state" $f)" "$f quarantined"
done
assert_contains "$(att scan_note eicar.com)" "EICAR" "signature name kept"
! stored "$eicar_sha" || fail "EICAR blob still in the blob store"
! stored "$zip_sha" || fail "zipped EICAR blob still in the blob store"
[ -f "$I/quarantine/$eicar_sha" ] || fail "EICAR blob not in quarantine/"
cmp -s "$CLAMD_DIR/eicar.com" "$I/quarantine/$eicar_sha" || fail "quarantined bytes differ"
pass "infected blobs moved from the blob store to quarantine/"
assert_eq 0 "$(q "SELECT count(*) FROM blob WHERE sha256 IN ('$eicar_sha', '$zip_sha')")" "blob rows of quarantined files dropped"
assert_eq "0 1 1" "$(q "SELECT group_concat(needs_review, ' ') FROM (SELECT needs_review FROM ticket ORDER BY number)")" "infected tickets flagged for review"
hist=$("$HD" --data "$I" ticket show 10002 --json | json '[h["detail"] for h in d["history"]]')
assert_contains "$hist" "attachment eicar.com quarantined: Test.EICAR" "ticket history names the signature"
"$HD" --data "$I" verify >/dev/null 2>&1 || fail "verify after quarantine: $("$HD" --data "$I" verify 2>&1 | tail -3)"
pass "verify is clean after quarantine"
assert_status 0 "second pass has nothing to do" "$HD" --data "$I" attachments scan
assert_contains "$(cat "$T/last.out")" "clean 0, infected 0" "nothing rescanned"

# clamd down: nothing changes, exit 75, scanned once it is back.
peers_stop_all
mkmail bob@cust.test "while down" "$T/notes.txt" later.txt text/plain | deliver
assert_status 75 "scan with clamd down exits 75 (try later)" "$HD" --data "$I" attachments scan
assert_eq "stored unscanned" "$(att "state || ' ' || scan_state" later.txt)" "stays unscanned while clamd is down"
"$HD" --data "$I" worker --once 2>"$T/worker.log" || fail "worker tick failed with clamd down: $(cat "$T/worker.log")"
assert_contains "$(cat "$T/worker.log")" "clamd_down" "worker logs clamd down"
assert_eq "unscanned" "$(att scan_state later.txt)" "worker tick left it unscanned"
start_clamd
"$HD" --data "$I" worker --once 2>"$T/worker.log" || fail "worker tick: $(cat "$T/worker.log")"
assert_eq "clean" "$(att scan_state later.txt)" "worker scans it once clamd is back"

# ---- type policy --------------------------------------------------------
cp /bin/true "$T/report.pdf"
mkmail eve@cust.test "exe as pdf" "$T/report.pdf" report.pdf application/pdf | deliver
assert_eq "refused" "$(att state report.pdf)" "executable named report.pdf refused"
assert_eq "application/pdf" "$(att content_type report.pdf)" "declared type kept"
# libmagic calls a PIE "sharedlib" from its first 64 KiB; both are refused.
case "$(att detected_type report.pdf)" in
application/x-pie-executable | application/x-sharedlib) pass "detected type recorded" ;;
*) fail "detected type of an ELF: $(att detected_type report.pdf)" ;;
esac
! stored "$(att sha256 report.pdf)" || fail "refused bytes stored"
n=$(q "SELECT number FROM ticket WHERE subject = 'exe as pdf'")
assert_contains "$("$HD" --data "$I" ticket show "$n" --json | json '[h["detail"] for h in d["history"]]')" "detected type not allowed" "refusal in the ticket history"
a=$(ack "exe as pdf")
assert_contains "$a" "These attachments were not accepted" "acknowledgement says files were refused"
assert_contains "$a" "- report.pdf: a type of file we do not accept" "acknowledgement names the file and why"
mkmail jun@cust.test "exe ja" "$T/report.pdf" 見積書.pdf application/pdf "添付の見積書をご確認ください。よろしくお願いいたします。" | deliver
assert_contains "$(ack "exe ja")" "- 見積書.pdf: 受け付けていない種類のファイルです" "Japanese acknowledgement names the file and why"
echo 'correct horse battery staple' | "$HD" --data "$I" user add \
    --email ann@support.test --name Ann --role agent --queues support >/dev/null
agent_web_start "$I"
assert_eq 303 "$(login ann ann@support.test 'correct horse battery staple')" "agent signs in"
assert_eq 200 "$(c ann "$URL/agent/tickets/$n")" "agent's ticket page"
p=$(cat "$T/body")
li=$(grep -o '<li>report.pdf (.*</li>' "$T/body" || true)
assert_contains "$li" '<span class="att-refused">refused: 受け付けない種類のため保存せず' "page shows the file refused and why"
assert_contains "$li" "$(att detected_type report.pdf)</span>)</li>" "page shows the detected type that decided it"
assert_contains "$p" "not stored: detected type not allowed" "page shows the history line"

# Random bytes whose first byte is a plausible opening instruction:
# libmagic guesses "DOS executable (COM)" (a .COM has no magic number),
# and a guess is no reason to refuse a customer's file.
{ printf '\x8c'; fixed_bytes 299999 5; } >"$T/scan.bin"
assert_eq application/x-dosexec "$(file -b --mime-type "$T/scan.bin")" "libmagic guesses DOS COM for the noise"
mkmail eve@cust.test "noise" "$T/scan.bin" scan.bin application/octet-stream | deliver
assert_eq stored "$(att state scan.bin)" "a weak DOS COM guess is stored"
assert_eq application/octet-stream "$(att detected_type scan.bin)" "a guess is not recorded as the type"
stored "$(att sha256 scan.bin)" || fail "guessed-COM bytes not in the blob store"
case "$(ack noise)" in *"not accepted"*) fail "acknowledgement of a clean mail lists refusals" ;; esac
pass "acknowledgement without refusals has no refusal lines"
printf '%%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%%%EOF\n' >"$T/real.pdf"
conf "$I" mail.attachment_allow_types "application/pdf image/png"
mkmail eve@cust.test "allow real pdf" "$T/real.pdf" real.pdf application/pdf | deliver
mkmail eve@cust.test "allow text" "$T/notes.txt" memo.txt text/plain | deliver
assert_eq "stored" "$(att state real.pdf)" "allow-list: a real PDF is stored"
assert_eq "refused" "$(att state memo.txt)" "allow-list: text/plain refused"
sed -i '/^mail.attachment_allow_types/d' "$I/helpdesk.conf"

# ---- quota --------------------------------------------------------------
org=$("$HD" --data "$I" org add Tiny --domain tiny.test --json | json 'd["id"]')
"$HD" --data "$I" attachments quota --org "$org" 100 >/dev/null
fixed_bytes 80 1 >"$T/a.bin"
fixed_bytes 80 2 >"$T/b.bin"
mkmail cto@tiny.test "tiny one" "$T/a.bin" one.bin application/octet-stream | deliver
mkmail cto@tiny.test "tiny two" "$T/b.bin" two.bin application/octet-stream | deliver
assert_eq "stored" "$(att state one.bin)" "first attachment within the quota"
assert_eq "held" "$(att state two.bin)" "second attachment held over the quota"
assert_eq 1 "$(q "SELECT count(*) FROM ticket WHERE subject = 'tiny two'")" "ticket still created"
! stored "$(att sha256 two.bin)" || fail "held bytes stored"
n=$(q "SELECT number FROM ticket WHERE subject = 'tiny two'")
assert_contains "$("$HD" --data "$I" ticket show "$n" --json | json '[h["detail"] for h in d["history"]]')" "held, not stored" "hold in the ticket history"
assert_eq "boss@support.test" "$(q "SELECT rcpts FROM outbox WHERE kind = 'quota'")" "admins told by mail"
u=$("$HD" --data "$I" attachments usage --json)
assert_eq "80 100 1" "$(echo "$u" | json "' '.join(str(o[k]) for o in d if o['name'] == 'Tiny' for k in ('used_bytes', 'quota_bytes', 'held'))")" "usage: used, quota, held"

one_sha=$(att sha256 one.bin)
assert_status 64 "purge needs --yes or --dry-run" "$HD" --data "$I" attachments purge --org "$org" --older-than 0
out=$("$HD" --data "$I" attachments purge --org "$org" --older-than 0 --dry-run --json)
assert_eq "1 80" "$(echo "$out" | json 'd["count"], d["bytes"]' | tr -d '(),')" "dry run counts"
assert_eq stored "$(att state one.bin)" "dry run changes nothing"
assert_eq 0 "$(echo "$("$HD" --data "$I" attachments purge --org "$org" --older-than 30 --yes --json)" | json 'd["count"]')" "nothing older than 30 days"
out=$("$HD" --data "$I" attachments purge --org "$org" --older-than 0 --yes --json)
assert_eq "1 80 1" "$(echo "$out" | json 'd["count"], d["bytes"], d["files_deleted"]' | tr -d '(),')" "purge: count, bytes, files"
assert_eq purged "$(att state one.bin)" "row marked purged"
! stored "$one_sha" || fail "purged blob still there"
pass "purged blob deleted"
assert_eq 0 "$("$HD" --data "$I" attachments usage --json | json "[o['used_bytes'] for o in d if o['name'] == 'Tiny'][0]")" "space freed"
mkmail cto@tiny.test "tiny three" "$T/b.bin" three.bin application/octet-stream | deliver
assert_eq "stored" "$(att state three.bin)" "stored again after the purge"
"$HD" --data "$I" verify >/dev/null 2>&1 || fail "verify after purge"
pass "verify is clean after purge"

# ---- tiers: a big attachment stays a file -------------------------------
fixed_bytes 300000 3 >"$T/big.bin"
mkmail ann@cust.test "big one" "$T/big.bin" big.bin application/octet-stream | deliver
big_sha=$(att sha256 big.bin)
[ -f "$(blob "$big_sha")" ] || fail "300 KB attachment not a file blob"
! inline "$big_sha" || fail "300 KB attachment stored in the database"
pass "blobs over 256 KiB stay files"
raw=$(q "SELECT raw_sha256 FROM message m JOIN ticket t ON t.id = m.ticket_id WHERE t.subject = 'big one'")
[ -f "$(blob "$raw")" ] || fail "big raw message not a file blob"
"$HD" --data "$I" attachments scan >/dev/null || fail "scan of the big attachment"
assert_eq "clean" "$(att scan_state big.bin)" "a file blob is scanned too"
