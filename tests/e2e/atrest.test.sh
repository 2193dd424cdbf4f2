#!/bin/bash
# atrest.test.sh - attachments and raw mail at rest, on real deliveries:
# nothing under the data directory holds an attachment's text or a raw
# header (the subject only in the database, which the help desk does not
# encrypt), while the API serves every attachment byte for byte; a flipped
# byte is refused, never served; backup and restore keep the attachments
# (the data key travels in the generation); an instance from before
# sealing keeps working and `helpdesk blobs encrypt` seals it, once; the
# checklist says all of it.
source "$HD_SRC/tests/e2e/lib.sh"
D="$T/inst"
hd() { "$HD" --data "$D" "$@"; }
q() { sql "$D" "$1"; }
PW='correct horse battery staple'

hd init >/dev/null
hd queue add support --address support@support.test >/dev/null
echo "$PW" | hd user add --email agent@support.test --name Agent --role agent >/dev/null
[ "$(stat -c %a "$D/data.key")" = 600 ] || fail "init makes DIR/data.key 0600"

# mkmail SUBJECT ATTACH-FILE: a mail with a raw-only header and the file
# attached as application/octet-stream (base64).
mkmail() {
    python3 - "$@" <<'PY'
import sys
from email.message import EmailMessage
subject, path = sys.argv[1:3]
m = EmailMessage()
m["From"], m["To"], m["Subject"] = "ann@cust.test", "support@support.test", subject
m["Message-ID"] = "<%s@cust.test>" % subject.replace(" ", "-")
m["X-Raw-Only"] = "RawHeaderMarker-" + subject.replace(" ", "-")
m.set_content("Please see the attachment.\n")
m.add_attachment(open(path, "rb").read(), maintype="application",
                 subtype="octet-stream", filename=path.rsplit("/", 1)[1])
sys.stdout.write(m.as_string())
PY
}
deliver() { "$MG" --data "$D" deliver --recipient support@support.test 2>>"$T/mg.log"; }
# secret FILE MARK SIZE: SIZE bytes of MARK repeated.
secret() { python3 -c 'import sys; m=sys.argv[2].encode(); n=int(sys.argv[3]); open(sys.argv[1],"wb").write((m*(n//len(m)+1))[:n])' "$@"; }
# holders DIR NEEDLE: files under DIR whose bytes contain NEEDLE.
holders() { grep -rlaF -- "$2" "$1" 2>/dev/null || true; }

secret "$T/small.bin" "SmallAttachmentMarker-5b1e " 20000     # inline tier
secret "$T/big.bin" "BigAttachmentMarker-c07d " 700000         # file tier
mkmail "Invoice query alpha" "$T/small.bin" | deliver
mkmail "Invoice query bravo" "$T/big.bin" | deliver
mkmail "Invoice query charlie" "$T/big.bin" | deliver           # same file again
assert_eq 3 "$(q 'SELECT count(*) FROM ticket')" "three tickets opened"
hd ticket list >/dev/null

# ---- what is on disk ------------------------------------------------------
sync
for m in SmallAttachmentMarker-5b1e BigAttachmentMarker-c07d RawHeaderMarker-Invoice-query \
         "$(base64 -w0 <"$T/small.bin" | cut -c1-40)"; do
    assert_eq "" "$(holders "$D" "$m")" "no file under the data directory holds '$m'"
done
assert_eq "$D/helpdesk.db" "$(holders "$D" 'Invoice query bravo' | grep -v -- '-wal$' | sort | head -1)" \
    "the subject is only in the database (tickets are rows, not blobs)"
assert_eq "" "$(holders "$D/blobs" 'Invoice query')" "no blob file holds the subject"
assert_eq 1 "$(q "SELECT count(DISTINCT sha256) FROM attachment WHERE filename = 'big.bin'")" \
    "the attachment sent twice has one name: the plaintext's hash"
assert_eq 3 "$(find "$D/blobs" -type f | wc -l)" "one (sealed) file for it, one for each big raw mail: dedup still works"
for f in $(find "$D/blobs" -type f); do
    head -c 8 "$f" | od -c | head -1 | grep -q 'H   D   B   L   O   B' || fail "blob file $f starts with the envelope"
done
st=$(hd blobs status --json)
assert_eq 0 "$(echo "$st" | json 'd["plaintext"]')" "status: no plaintext blob"
assert_eq "$(q 'SELECT count(*) FROM blob')" "$(echo "$st" | json 'd["sealed"]')" "status: every blob sealed"

# ---- the API serves the plaintext -----------------------------------------
q "UPDATE attachment SET scan_state = 'clean'"
TOKEN=$(hd token add --user agent@support.test --scope read --json | json 'd["token"]')
start_web "$D"
get() { curl -s -H "Authorization: Bearer $TOKEN" "$URL/api/v1/attachments/$1" -o "$2" -w '%{http_code}'; }
SID=$(q "SELECT id FROM attachment WHERE filename = 'small.bin' LIMIT 1")
BID=$(q "SELECT id FROM attachment WHERE filename = 'big.bin' LIMIT 1")
assert_eq 200 "$(get "$SID" "$T/got-small")" "inline attachment downloads"
assert_eq "$(sha256sum <"$T/small.bin")" "$(sha256sum <"$T/got-small")" "inline attachment intact (SHA-256)"
assert_eq 200 "$(get "$BID" "$T/got-big")" "file attachment downloads"
assert_eq "$(sha256sum <"$T/big.bin")" "$(sha256sum <"$T/got-big")" "file attachment intact (SHA-256)"

# ---- backup, restore --------------------------------------------------------
hd backup run >/dev/null
G=$(hd backup list --json | json 'd[-1]["name"]')
assert_status 0 "restore the generation" hd backup restore "$G" --to "$T/r"
cmp -s "$D/data.key" "$T/r/data.key" || fail "the restored instance has the data key"
assert_status 0 "the restored instance verifies (sealed blobs re-hashed)" "$HD" --data "$T/r" verify
kill "$WEB_PID"; wait "$WEB_PID" 2>/dev/null || true
start_web "$T/r"
assert_eq 200 "$(get "$BID" "$T/got-big2")" "restored file attachment downloads"
assert_eq "$(sha256sum <"$T/big.bin")" "$(sha256sum <"$T/got-big2")" "restored file attachment intact"
assert_eq 200 "$(get "$SID" "$T/got-small2")" "restored inline attachment downloads"
assert_eq "$(sha256sum <"$T/small.bin")" "$(sha256sum <"$T/got-small2")" "restored inline attachment intact"

# ---- a flipped byte is refused, never served --------------------------------
BSHA=$(q "SELECT sha256 FROM attachment WHERE id = $BID")
F="$T/r/blobs/${BSHA:0:2}/${BSHA:2}"
python3 -c 'import sys; p=sys.argv[1]; b=bytearray(open(p,"rb").read()); b[len(b)//2]^=1; open(p,"wb").write(b)' "$F"
code=$(get "$BID" "$T/got-bad" 2>/dev/null || true)
if [ "$code" = 200 ] && cmp -s "$T/big.bin" "$T/got-bad"; then fail "a tampered blob was served whole"; fi
assert_eq "" "$(cmp -s <(head -c "$(stat -c %s "$T/got-bad")" "$T/big.bin") "$T/got-bad" || echo differs)" \
    "what was sent before the damaged chunk is the true prefix"
[ "$(stat -c %s "$T/got-bad")" -lt 700000 ] || fail "the response stops at the damaged chunk"
grep -q 'does not authenticate' "$T/web.log" || fail "the server log says why"
assert_status 65 "verify calls the tampered instance damaged" "$HD" --data "$T/r" verify
kill "$WEB_PID"; wait "$WEB_PID" 2>/dev/null || true

# ---- an instance from before sealing ------------------------------------------
P="$T/old"
hp() { "$HD" --data "$P" "$@"; }
hp init >/dev/null
hp queue add support --address support@support.test >/dev/null
conf "$P" blob.encrypt false
secret "$T/old.bin" "OldAttachmentMarker-9a2f " 400000
D0=$D; D=$P
mkmail "Old mail one" "$T/small.bin" | deliver
mkmail "Old mail two" "$T/old.bin" | deliver
D=$D0
[ -n "$(holders "$P/blobs" OldAttachmentMarker-9a2f)" ] || fail "with blob.encrypt = false blobs are plaintext"
[ -n "$(holders "$P/helpdesk.db" SmallAttachmentMarker-5b1e)" ] || fail "...inline ones too"
before=$(hp blobs status --json)
assert_eq 0 "$(echo "$before" | json 'd["sealed"]')" "status counts no sealed blob"
n=$(echo "$before" | json 'd["plaintext"]')
[ "$n" -ge 3 ] || fail "status counts the plaintext blobs ($n)"
hp report checklist --lang en >"$T/rep0"
grep -A2 '^39 ' "$T/rep0" | grep -q "stored in PLAINTEXT" || fail "row 39 says new blobs are plaintext"
grep -A2 '^30 ' "$T/rep0" | grep -q "$n still plaintext" || fail "row 30 counts the plaintext blobs"
sed -i '/^blob.encrypt = false$/d' "$P/helpdesk.conf"
out=$(hp blobs encrypt --json)
assert_eq "$n" "$(echo "$out" | json 'd["sealed"]')" "blobs encrypt seals every plaintext blob"
out=$(hp blobs encrypt --json)
assert_eq "0 $n" "$(echo "$out" | json 'd["sealed"], d["already"]' | tr -d '(),')" "a second run seals nothing (idempotent)"
sql "$P" 'PRAGMA wal_checkpoint(TRUNCATE); VACUUM' >/dev/null
assert_eq "" "$(holders "$P" OldAttachmentMarker-9a2f)" "no plaintext left under the old instance"
assert_eq "" "$(holders "$P" SmallAttachmentMarker-5b1e)" "...not in the database either"
assert_status 0 "the converted instance verifies" hp verify
sql "$P" "UPDATE attachment SET scan_state = 'clean'"
TOKEN=$(hp user list >/dev/null; echo "$PW" | hp user add --email a2@support.test --name A2 --role agent >/dev/null; \
        hp token add --user a2@support.test --scope read --json | json 'd["token"]')
start_web "$P"
OID=$(sql "$P" "SELECT id FROM attachment WHERE filename = 'old.bin'")
assert_eq 200 "$(get "$OID" "$T/got-old")" "converted attachment downloads"
assert_eq "$(sha256sum <"$T/old.bin")" "$(sha256sum <"$T/got-old")" "converted attachment intact"
hp report checklist --lang en >"$T/rep1"
grep -A2 '^30 ' "$T/rep1" | grep -q "0 still plaintext" || fail "row 30 shows no plaintext left"
grep -A2 '^30 ' "$T/rep1" | grep -q "not on an encrypted block device" || fail "row 30 says the data directory is not on dm-crypt"
grep -A1 '^30 ' "$T/rep1" | grep -q '^30 \[ng\]' || fail "row 30 is not ok without dm-crypt (the database is plaintext)"
pass "attachments and raw mail are sealed at rest"
