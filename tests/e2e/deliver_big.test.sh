#!/bin/bash
# deliver_big.test.sh - a message over the in-memory limit of `deliver`
# (HD_BLOB_INLINE_MAX) is spooled to a file and read through a mapping
# whose pages are dropped behind each pass; its attachments are decoded
# chunk by chunk into their blobs.  Checks, for a base64 part over
# 256 KiB, a quoted-printable part over 256 KiB and a small
# quoted-printable part: the stored bytes equal the original file, and
# their sha256 and size equal what `helpdesk-mailgw parse` reports.  The
# raw message blob equals the input and no spool file is left behind.
source "$(dirname "$0")/lib.sh"
I=$T/inst
"$HD" --data "$I" init >/dev/null
DB=$I/helpdesk.db
q() { sql "$DB" "$1"; }
blob() { echo "$I/blobs/${1:0:2}/${1:2}"; }

python3 - "$T" <<'PY'
import os, random, sys
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
import email.charset, email.encoders
t = sys.argv[1]
rnd = random.Random(7)
big = bytes(rnd.getrandbits(8) for _ in range(400 * 1024 + 3))
# Text with long lines, '=' signs, trailing blanks and UTF-8: every
# quoted-printable rule (hex escapes, soft breaks) is exercised.
words = ["total=42", "naïve", "café ", "tab\there", "end  ", "x" * 90, "日本語"]
lines = [" ".join(rnd.choice(words) for _ in range(rnd.randint(1, 12)))
         for _ in range(9000)]
qp_big = ("\n".join(lines) + "\n").encode()
qp_small = ("a=b\nsoft " + "y" * 200 + "\n").encode()
assert len(big) > 256 * 1024 and len(qp_big) > 256 * 1024
m = MIMEMultipart()
m["From"], m["To"], m["Subject"] = "ann@cust.test", "support@support.test", "big mixed"
m["Message-ID"] = "<big-mixed@t>"
m.attach(MIMEText("See the attachments.\n"))
a = MIMEApplication(big, "octet-stream")
a.add_header("Content-Disposition", "attachment", filename="big.bin")
m.attach(a)
for name, data in (("notes.txt", qp_big), ("small.txt", qp_small)):
    p = MIMEApplication(data, "octet-stream", _encoder=email.encoders.encode_quopri)
    p.add_header("Content-Disposition", "attachment", filename=name)
    m.attach(p)
for name, data in (("big.bin", big), ("notes.txt", qp_big), ("small.txt", qp_small)):
    open(os.path.join(t, name), "wb").write(data)
open(os.path.join(t, "big.eml"), "wb").write(m.as_bytes())
PY
[ "$(wc -c <"$T/big.eml")" -gt 262144 ] || fail "test message is not over 256 KiB"
grep -q '^Content-Transfer-Encoding: quoted-printable' "$T/big.eml" ||
    fail "test message has no quoted-printable part"

"$MG" parse "$T/big.eml" >"$T/parse.json" || fail "parse"
"$MG" --data "$I" deliver --recipient support@support.test <"$T/big.eml" \
    2>"$T/mg.log" || fail "deliver exit $?: $(cat "$T/mg.log")"
pass "a message over 256 KiB is delivered"

for name in big.bin notes.txt small.txt; do
    want=$(sha256sum "$T/$name" | cut -d' ' -f1)
    parsed=$(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
a = [a for a in d["attachments"] if a["filename"] == sys.argv[2]][0]
print(a["sha256"], a["size"])' "$T/parse.json" "$name")
    assert_eq "$want $(wc -c <"$T/$name")" "$parsed" "parse JSON of $name"
    row=$(q "SELECT sha256 || ' ' || size || ' ' || state FROM attachment WHERE filename = '$name'")
    assert_eq "$parsed stored" "$row" "attachment row of $name"
    # Stored sealed (blob_key.h): read back through the blob store.
    "$HD" --data "$I" blobs cat "$want" >"$T/got.$name"
    cmp -s "$T/$name" "$T/got.$name" || fail "stored bytes of $name differ"
    pass "$name stored byte for byte under the parser's sha256"
done
[ -f "$(blob "$(sha256sum "$T/big.bin" | cut -d' ' -f1)")" ] ||
    fail "the 400 KiB attachment is not a file blob"

raw=$(q "SELECT raw_sha256 FROM message WHERE message_id = 'big-mixed@t'")
"$HD" --data "$I" blobs cat "$raw" >"$T/got.eml"
cmp -s "$T/big.eml" "$T/got.eml" || fail "raw message blob differs from the input"
pass "raw message blob equals the input"
ls "$I/blobs" | grep -q '^spool\.' && fail "a spool file was left in blobs/"
pass "no spool file left behind"
"$HD" --data "$I" verify >/dev/null 2>&1 || fail "verify"
pass "verify is clean"
