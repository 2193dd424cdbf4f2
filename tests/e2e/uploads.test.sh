#!/bin/bash
# uploads.test.sh - files both ways through the web (multipart/form-data)
# with real servers: helpdesk-web, the SMTP sink, clamd (EICAR-only
# database).  An agent's reply with a PDF (Japanese name) waits in the
# outbox until the scan finds it clean, then reaches the sink as a MIME
# part with the same SHA-256; the customer downloads it on /t/TOKEN (same
# hash) and the agent on the ticket page.  The customer attaches a file on
# /t/TOKEN; the agent sees it.  The API takes files on notes and replies.
# Refused on all three paths, with the reason and nothing stored: a
# renamed .exe (ja and en), a file over mail.max_attachment_bytes (413).
# A multipart form without its CSRF token is refused.  An EICAR reply is
# held and never sent.
source "$(dirname "$0")/lib.sh"
source "$HD_SRC/tests/e2e/lib/agent.sh"
use_peers
start_clamd
start_smtp_sink --plain
I=$T/inst
DB=$I/helpdesk.db
q() { sql "$DB" "$1"; }
"$HD" --data "$I" init >/dev/null
"$HD" --data "$I" queue add support --address support@support.test >/dev/null
PW='correct horse battery staple'
echo "$PW" | "$HD" --data "$I" user add --email a@support.test --name Aki \
    --role agent --queues support >/dev/null
conf "$I" instance.public_url https://help.example.com
conf "$I" mail.from_address support@support.test
conf "$I" mail.max_attachment_bytes 200000
conf "$I" smtp.host 127.0.0.1
conf "$I" smtp.port "$SINK_PORT"
conf "$I" smtp.tls none
printf 'From: Ann <ann@cust.test>\nTo: support@support.test\nSubject: Invoice copy\nMessage-ID: <c1@cust.test>\nContent-Type: text/plain; charset=UTF-8\n\nPlease resend the invoice.\n' |
    "$MG" --data "$I" deliver --recipient support@support.test 2>/dev/null
token=$(q "select raw from outbox where kind='ack'" | python3 -c '
import email, email.policy, re, sys
m = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.default)
print(re.search(r"https://help.example.com/t/([A-Za-z0-9_-]+)", m.get_body().get_content()).group(1))')
[ -n "$token" ] || fail "token in the acknowledgement"
# The acknowledgement goes now, before any scanner is configured.
"$HD" --data "$I" worker --once 2>>"$T/worker.log" || fail "worker: $(cat "$T/worker.log")"
acks=$(sink_count)
agent_web_start "$I"

sha() { sha256sum "$1" | cut -d' ' -f1; }
# blobs: every stored blob and every file (temporary ones too) under blobs/.
blobs() { echo "$(q 'select count(*) from blob') $(q 'select count(*) from attachment') $(find "$I/blobs" -type f ! -name '*.key' | wc -l)"; }
page() { c ag "$URL/agent/tickets/10001?lang=en" >/dev/null; }
last() { sed -n 's/.*name="last" value="\([0-9]*\)".*/\1/p' "$T/body" | head -1; }

printf '%%PDF-1.4\n1 0 obj<<>>endobj\n%s\ntrailer<<>>\n%%%%EOF\n' "$(fixed_bytes 3000 7 | base64 -w0)" >"$T/invoice.pdf"
assert_eq application/pdf "$(file -b --mime-type "$T/invoice.pdf")" "test PDF is a PDF"
python3 - "$T/setup.exe" <<'PY'
import struct, sys
b = bytearray(512)
b[0:2] = b"MZ"; b[0x3c:0x40] = struct.pack("<I", 0x80)
b[0x80:0x84] = b"PE\0\0"; b[0x84:0x86] = struct.pack("<H", 0x14c)
b[0x86:0x88] = struct.pack("<H", 1); b[0x94:0x96] = struct.pack("<H", 0xe0)
b[0x96:0x98] = struct.pack("<H", 0x102); b[0x98:0x9a] = struct.pack("<H", 0x10b)
open(sys.argv[1], "wb").write(bytes(b))
PY
cp "$T/setup.exe" "$T/report.pdf" # a program renamed
fixed_bytes 200001 3 >"$T/big.bin"

# ---- the agent's reply with a PDF ------------------------------------------
[ "$(login ag a@support.test "$PW")" = 303 ] || fail "agent login"
page
assert_contains "$(cat "$T/body")" 'enctype="multipart/form-data"' "composer posts multipart"
assert_contains "$(cat "$T/body")" '<label for="reply-files">' "file input has a label"
assert_contains "$(cat "$T/body")" 'type="file" id="reply-files" name="files" multiple' "several files at once"
tok=$(csrf)
st=$(c ag -F "csrf=$tok" -F "last=$(last)" -F 'body=Here is the invoice.' \
    -F "files=@$T/invoice.pdf;filename=請求書.pdf;type=application/pdf" \
    "$URL/agent/tickets/10001/reply")
assert_eq 303 "$st" "reply with a PDF accepted"
assert_eq "stored unscanned application/pdf 請求書.pdf" \
    "$(q "select state, scan_state, detected_type, filename from attachment a join message m on m.id = a.message_id where m.kind = 'outbound'" | tr '|' ' ')" \
    "the PDF is an attachment of our reply, unscanned"
"$HD" --data "$I" worker --once 2>>"$T/worker.log" || fail "worker: $(cat "$T/worker.log")"
assert_eq "$acks" "$(sink_count)" "no scanner yet: the reply waits in the outbox"
page
assert_contains "$(cat "$T/body")" "waiting for the virus scan" "the agent sees why it waits"
conf "$I" scan.clamd_socket "$CLAMD_SOCKET"
for _ in 1 2; do "$HD" --data "$I" worker --once 2>>"$T/worker.log" || fail "worker: $(cat "$T/worker.log")"; done
assert_eq "$((acks + 1))" "$(sink_count)" "scanned clean: the reply is sent"
mail=$(grep -l 'Here is the invoice' "$SINK_DIR"/msg-*.eml 2>/dev/null || true)
[ -z "$mail" ] || fail "the body is base64, not plain: $mail"
got=$(for f in "$SINK_DIR"/msg-*.eml; do python3 - "$f" <<'PY'
import email, email.policy, hashlib, sys
m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
if m.get_content_type() == "multipart/mixed":
    for p in m.iter_attachments():
        print(p.get_filename(), p.get_content_type(), hashlib.sha256(p.get_content()).hexdigest())
    print("text:", m.get_body(("plain",)).get_content().strip())
PY
done)
assert_contains "$got" "請求書.pdf application/pdf $(sha "$T/invoice.pdf")" "the sink got the PDF intact, named in Japanese"
assert_contains "$got" "text: Here is the invoice." "and the text"
grep -q "filename\*0\*=UTF-8''%E8%AB%8B" "$SINK_DIR"/msg-*.eml || fail "RFC 2231 file name"
pass "file name as RFC 2231 parameter"

# The customer downloads it on /t/TOKEN; the agent on the ticket page.
curl -s -c "$T/cust" -H 'Accept-Language: en' "$URL/t/$token" >"$T/cpage"
link=$(grep -o 'href="/t/[^"]*/file?a=[0-9]*"' "$T/cpage" | head -1 | sed 's/href="//; s/"$//')
[ -n "$link" ] || fail "download link on /t/: $(grep -o '<ol class="thread">.*' "$T/cpage" | head -c 600)"
curl -s -o "$T/dl-cust" "$URL$link"
assert_eq "$(sha "$T/invoice.pdf")" "$(sha "$T/dl-cust")" "the customer downloads the same bytes"
page
alink=$(grep -o 'href="/agent/tickets/10001/file?a=[0-9]*"' "$T/body" | head -1 | sed 's/href="//; s/"$//')
[ -n "$alink" ] || fail "download link on the agent page"
curl -s -b "$T/ag" -o "$T/dl-agent" "$URL$alink"
assert_eq "$(sha "$T/invoice.pdf")" "$(sha "$T/dl-agent")" "the agent downloads the same bytes"
assert_eq 303 "$(curl -s -o /dev/null -w "%{http_code}" "$URL/agent/tickets/10001/file?a=1")" "no download without a session: sent to sign in"

# ---- refusals: a renamed program, over the size limit, no CSRF -------------
before=$(blobs)
page
st=$(c ag -F "csrf=$(csrf)" -F "last=$(last)" -F 'body=See attached' \
    -F "files=@$T/report.pdf;type=application/pdf" "$URL/agent/tickets/10001/reply")
assert_eq 422 "$st" "agent: renamed .exe refused"
assert_contains "$(cat "$T/body")" 'The file &quot;report.pdf&quot; was refused: by its content it is application/vnd.microsoft.portable-executable' "agent: the reason in English"
page
st=$(c ag -F "csrf=$(csrf)" -F "last=$(last)" -F 'body=See attached' \
    -F "files=@$T/report.pdf;type=application/pdf" "$URL/agent/tickets/10001/reply?lang=ja")
assert_contains "$(cat "$T/body")" 'ファイル「report.pdf」は受け付けられません' "agent: the reason in Japanese"
c ag "$URL/agent/tickets/10001?lang=en" >/dev/null
assert_eq "$before" "$(blobs)" "agent: nothing stored for a refused program"

curl -s -b "$T/cust" -c "$T/cust" -H 'Accept-Language: en' "$URL/t/$token" >"$T/cpage"
ccsrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/cpage" | head -1)
st=$(curl -s -o "$T/cbody" -w '%{http_code}' -b "$T/cust" -H 'Accept-Language: en' -F "csrf=$ccsrf" \
    -F 'body=my file' -F "files=@$T/report.pdf;filename=setup.pdf" "$URL/t/$token/reply")
assert_eq 422 "$st" "customer: renamed .exe refused"
assert_contains "$(cat "$T/cbody")" 'The file &quot;setup.pdf&quot; was refused' "customer: told why"
assert_contains "$(cat "$T/cbody")" 'Nothing was sent or stored.' "customer: told nothing was kept"

API=$("$HD" --data "$I" token add --user a@support.test --scope write | sed -n 's/^token [0-9]*: //p')
st=$(curl -s -o "$T/abody" -w '%{http_code}' -H "Authorization: Bearer $API" -F 'body=api file' \
    -F "files=@$T/report.pdf" "$URL/api/v1/tickets/10001/notes")
assert_eq 422 "$st" "API: renamed .exe refused"
assert_eq "file_refused" "$(json 'd["error"]["code"]' <"$T/abody")" "API: error code"
assert_contains "$(cat "$T/abody")" "application/vnd.microsoft.portable-executable" "API: says the detected type"
assert_eq "$before" "$(blobs)" "nothing stored for a refused program on any path"

page
st=$(c ag -F "csrf=$(csrf)" -F "last=$(last)" -F 'body=big' -F "files=@$T/big.bin" "$URL/agent/tickets/10001/reply")
assert_eq 413 "$st" "agent: over the size limit is 413"
assert_contains "$(cat "$T/body")" "the limit per file in bytes is 200000" "agent: the limit is named"
st=$(curl -s -o "$T/abody" -w '%{http_code}' -H "Authorization: Bearer $API" -F 'body=big' \
    -F "files=@$T/big.bin" "$URL/api/v1/tickets/10001/reply")
assert_eq 413 "$st" "API: over the size limit is 413"
assert_eq "file_too_large" "$(json 'd["error"]["code"]' <"$T/abody")" "API: 413 as JSON"
st=$(curl -s -o /dev/null -w '%{http_code}' -b "$T/cust" -F "csrf=$ccsrf" -F 'body=big' \
    -F "files=@$T/big.bin" "$URL/t/$token/reply")
assert_eq 413 "$st" "customer: over the size limit is 413"
assert_eq "$before" "$(blobs)" "no blob left by an oversize upload"

page
st=$(c ag -F "last=$(last)" -F 'body=no token' -F "files=@$T/invoice.pdf" "$URL/agent/tickets/10001/reply")
assert_eq 403 "$st" "agent: multipart form without CSRF refused"
st=$(curl -s -o /dev/null -w '%{http_code}' -b "$T/cust" -F 'body=no token' \
    -F "files=@$T/invoice.pdf" "$URL/t/$token/reply")
assert_eq 403 "$st" "customer: multipart form without CSRF refused"
st=$(c ag -F "csrf=not-the-token" -F "last=$(last)" -F 'body=bad token' "$URL/agent/tickets/10001/note")
assert_eq 403 "$st" "agent: a wrong CSRF token in a multipart form refused"
fixed_bytes 190000 4 >"$T/mid.bin" # six: over web.max_body_bytes, each under the file limit
st=$(c ag -F "csrf=$(csrf)" -F 'status=open' -F "files=@$T/mid.bin" -F "files=@$T/mid.bin" \
    -F "files=@$T/mid.bin" -F "files=@$T/mid.bin" -F "files=@$T/mid.bin" -F "files=@$T/mid.bin" \
    "$URL/agent/tickets/10001/update")
assert_eq 413 "$st" "a form that takes no files keeps the plain body cap (nothing streamed)"
assert_eq "$before" "$(blobs)" "nothing stored for refused forms"

# ---- the customer attaches a file; the agent sees it ------------------------
printf 'Meter reading 2026-12: 1234 kWh\n' >"$T/reading.txt"
st=$(curl -s -o /dev/null -w '%{http_code}' -b "$T/cust" -F "csrf=$ccsrf" -F 'body=Here is the reading.' \
    -F "files=@$T/reading.txt;filename=検針票.txt" "$URL/t/$token/reply")
assert_eq 303 "$st" "customer reply with a file accepted"
page
assert_contains "$(cat "$T/body")" "検針票.txt" "the agent sees the customer's file"
assert_eq "" "$(grep -o 'download>検針票' "$T/body" || true)" "not downloadable before the scan"
"$HD" --data "$I" worker --once 2>>"$T/worker.log" || fail "worker"
page
alink=$(grep -o 'href="/agent/tickets/10001/file?a=[0-9]*" download>検針票' "$T/body" | sed 's/href="//; s/" download.*//')
[ -n "$alink" ] || fail "download link once clean"
curl -s -b "$T/ag" -o "$T/dl-reading" "$URL$alink"
assert_eq "$(sha "$T/reading.txt")" "$(sha "$T/dl-reading")" "the agent downloads the customer's file"
assert_contains "$(q "select detail from event where kind = 'attachment'")" "検針票.txt" "history names the file"

# ---- the API takes files on notes ------------------------------------------
st=$(curl -s -o "$T/abody" -w '%{http_code}' -H "Authorization: Bearer $API" -F 'body=log attached' \
    -F "files=@$T/reading.txt;filename=log.txt" "$URL/api/v1/tickets/10001/notes")
assert_eq 201 "$st" "API: note with a file"
assert_eq 1 "$(json 'd["files"]' <"$T/abody")" "API: one file taken"
assert_eq "note" "$(q "select m.kind from attachment a join message m on m.id = a.message_id where a.filename = 'log.txt'")" "API: the file belongs to the note"
nlink=$(q "select id from attachment where filename = 'log.txt'")
"$HD" --data "$I" worker --once 2>>"$T/worker.log" || fail "worker"
assert_eq 404 "$(curl -s -o /dev/null -w '%{http_code}' "$URL/t/$token/file?a=$nlink")" "a note's file is never the customer's"

# ---- the organisation's quota ---------------------------------------------
org=$("$HD" --data "$I" org add Tiny --domain tiny.test --json | json 'd["id"]')
"$HD" --data "$I" attachments quota --org "$org" 1000 >/dev/null
printf 'From: cto@tiny.test\nTo: support@support.test\nSubject: Tiny\nMessage-ID: <t1@tiny.test>\n\nHello.\n' |
    "$MG" --data "$I" deliver --recipient support@support.test 2>/dev/null
before=$(blobs)
st=$(curl -s -o "$T/abody" -w '%{http_code}' -H "Authorization: Bearer $API" -F 'body=too much' \
    -F "files=@$T/invoice.pdf" "$URL/api/v1/tickets/10002/notes")
assert_eq 413 "$st" "API: over the organisation's quota is 413"
assert_contains "$(cat "$T/abody")" "quota is full" "API: says the quota is full"
assert_eq "$before" "$(blobs)" "nothing stored over the quota"
assert_eq 0 "$(q "select count(*) from message m join ticket t on t.id = m.ticket_id where t.number = 10002 and m.kind = 'note'")" "and no note either"
"$HD" --data "$I" worker --once 2>>"$T/worker.log" || fail "worker" # its acknowledgement

# ---- EICAR: held, never sent -----------------------------------------------
sent=$(sink_count)
st=$(curl -s -o "$T/abody" -w '%{http_code}' -H "Authorization: Bearer $API" -F 'body=virus' \
    -F "files=@$CLAMD_DIR/eicar.com;filename=eicar.txt" "$URL/api/v1/tickets/10001/reply")
assert_eq 201 "$st" "API: reply with a file"
for _ in 1 2 3; do "$HD" --data "$I" worker --once 2>>"$T/worker.log" || fail "worker"; done
assert_eq "quarantined infected" "$(q "select state || ' ' || scan_state from attachment where filename = 'eicar.txt'")" "EICAR quarantined"
assert_eq "$sent" "$(sink_count)" "the infected reply is never sent"
assert_eq queued "$(q "select o.state from outbox o join attachment a on a.message_id = o.message_row where a.filename = 'eicar.txt'")" "it stays held in the outbox"
page
assert_contains "$(cat "$T/body")" "A virus was found: the file is quarantined and this message will not be sent." "the agent sees why"
echo "ok: uploads"
