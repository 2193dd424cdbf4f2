#!/bin/bash
# attach_browser.test.sh - files both ways in headless Chromium
# (tests/browser/attach.js) with the SMTP sink and clamd: an agent attaches
# a PDF to a reply; after the scan the sink receives the mail with the PDF
# part whose SHA-256 is the file's; the customer sees and downloads it on
# /t/TOKEN (same hash), then attaches a file of their own, which the agent
# sees.  Both pages fit 390 px and pass axe-core with the file inputs.
source "$(dirname "$0")/lib.sh"
source "$HD_SRC/tests/e2e/lib/agent.sh"
BR="$HD_SRC/tests/browser"
[ -d "$BR/node_modules/playwright-core" ] || fail "run npm ci in tests/browser"
use_peers
start_clamd
start_smtp_sink --plain
I=$T/inst
DB=$I/helpdesk.db
q() { sql "$DB" "$1"; }
PW=correct-horse-battery-9
"$HD" --data "$I" init >/dev/null
"$HD" --data "$I" queue add support --address support@support.test >/dev/null
echo "$PW" | "$HD" --data "$I" user add --email ann@support.test --name Ann --role agent --queues support >/dev/null
conf "$I" instance.public_url https://help.example.com
conf "$I" mail.from_address support@support.test
conf "$I" scan.clamd_socket "$CLAMD_SOCKET"
conf "$I" smtp.host 127.0.0.1
conf "$I" smtp.port "$SINK_PORT"
conf "$I" smtp.tls none
printf 'From: Kim <kim@customer.test>\nTo: support@support.test\nSubject: Invoice\nMessage-ID: <b1@customer.test>\nContent-Type: text/plain; charset=UTF-8\n\nPlease send the invoice.\n' |
    "$MG" --data "$I" deliver --recipient support@support.test >/dev/null
token=$(q "select raw from outbox where kind='ack'" | python3 -c '
import email, email.policy, re, sys
m = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.default)
print(re.search(r"https://help.example.com/t/([A-Za-z0-9_-]+)", m.get_body().get_content()).group(1))')
"$HD" --data "$I" worker --once 2>>"$T/worker.log" || fail "worker"
acks=$(sink_count)
agent_web_start "$I"
printf '%%PDF-1.4\n1 0 obj<<>>endobj\n%s\ntrailer<<>>\n%%%%EOF\n' "$(fixed_bytes 5000 9 | base64 -w0)" >"$T/invoice.pdf"
SHA=$(sha256sum "$T/invoice.pdf" | cut -d' ' -f1)

T="$T" timeout 120 node "$BR/attach.js" agent "$URL" ann@support.test "$PW" 10001 "$T/invoice.pdf" ||
    fail "browser: the agent's reply"
assert_eq "$acks" "$(sink_count)" "nothing sent before the scan"
for _ in 1 2; do "$HD" --data "$I" worker --once 2>>"$T/worker.log" || fail "worker: $(cat "$T/worker.log")"; done
assert_eq "$((acks + 1))" "$(sink_count)" "the reply is sent once the PDF is clean"
got=$(for f in "$SINK_DIR"/msg-*.eml; do python3 - "$f" <<'PY'
import email, email.policy, hashlib, sys
m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
for p in m.iter_attachments():
    print(p.get_filename(), p.get_content_type(), hashlib.sha256(p.get_content()).hexdigest())
PY
done)
assert_eq "invoice.pdf application/pdf $SHA" "$got" "the sink got the PDF part with the file's SHA-256"

printf 'meter 1234\n' >"$T/meter.txt"
T="$T" timeout 120 node "$BR/attach.js" customer "$URL" "$token" "$SHA" "$T/meter.txt" ||
    fail "browser: the customer's page"
assert_eq "stored" "$(q "select a.state from attachment a join message m on m.id = a.message_id where m.kind = 'inbound' and a.filename = 'meter.txt'")" "the customer's file is stored"
[ "$(login ag ann@support.test "$PW")" = 303 ] || fail "agent login"
c ag "$URL/agent/tickets/10001?lang=en" >/dev/null
assert_contains "$(cat "$T/body")" "meter.txt" "the agent sees the customer's file"
echo "ok: attach_browser"
