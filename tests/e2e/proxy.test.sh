#!/bin/bash
# proxy.test.sh - helpdesk-web behind a real reverse proxy: Debian's nginx
# (a private instance, lib/peers.sh start_nginx) terminating TLS on
# 127.0.0.1 and passing X-Forwarded-For / X-Forwarded-Proto, with
# web.trusted_proxy = 127.0.0.1.  Clients bind distinct source addresses
# (127.0.0.2, .3, .4, .5) so the proxy sees distinct clients.  Through it:
# an agent signs in and replies, an attachment downloads with a token;
# the session cookie is Secure and HSTS is sent; the security log, the
# audit row and the access log name the client, not the proxy; one
# client's rate limit leaves the others (and /agent/login) alone;
# /metrics refuses an outside client; a token's allow-list is judged on
# the client's address.
source "$(dirname "$0")/lib.sh"
source "$HD_SRC/tests/e2e/lib/agent.sh"
use_peers
I=$T/inst
PW=correct-horse-battery-9
"$HD" --data "$I" --profile test init >/dev/null
"$HD" --data "$I" queue add support --address support@support.test >/dev/null
echo "$PW" | "$HD" --data "$I" user add --email ann@support.test --name Ann --role agent --queues support >/dev/null
conf "$I" mail.from_address support@support.test
conf "$I" web.trusted_proxy 127.0.0.1
conf "$I" web.rate_limit_per_minute 40
# The clients here are all on loopback: only 127.0.0.1 (this host, direct)
# stands for the monitoring side.
conf "$I" web.metrics_allow_ips 127.0.0.1/32
printf 'From: Yamada <yamada@customer.test>\nTo: support@support.test\nSubject: Printer on fire\nMessage-ID: <q1@customer.test>\nDate: Mon, 07 Dec 2026 10:00:00 +0900\nContent-Type: text/plain; charset=UTF-8\n\nHelp.\n' |
    "$MG" --data "$I" deliver --recipient support@support.test >/dev/null
BYTES='attachment bytes'
SHA=$(printf '%s' "$BYTES" | sha256sum | cut -c1-64)
AID=$(sql "$I" "INSERT INTO blob(sha256, size, created_at, data) VALUES ('$SHA', ${#BYTES}, 0, CAST('$BYTES' AS BLOB));
  INSERT INTO attachment(message_id, filename, size, sha256, scan_state, created_at)
  SELECT m.id, 'a.txt', ${#BYTES}, '$SHA', 'clean', 0 FROM message m JOIN ticket t ON t.id = m.ticket_id WHERE t.number = 10001;
  SELECT last_insert_rowid();")
TOK=$("$HD" --data "$I" token add --user ann@support.test --scope read --allow-ips 127.0.0.3/32 --json | json 'd["token"]')

agent_web_start "$I"
start_nginx "$URL"
URL=$NGINX_URL
curl -sk --interface 127.0.0.2 -o /dev/null "$URL/" || fail "curl cannot bind 127.0.0.2"

# c JAR ARGS...: as agent.sh's, through the proxy from $SRC, headers in
# $T/headers.
SRC=127.0.0.2
c() {
    local jar=$1; shift
    curl -sk --interface "$SRC" -D "$T/headers" -o "$T/body" -w '%{http_code}' \
        -b "$T/$jar" -c "$T/$jar" "$@"
}
q() { sql "$I" "$1"; }

# ---- an agent through the proxy ---------------------------------------
assert_eq 303 "$(login ann ann@support.test "$PW")" "agent signs in through the proxy"
cookie=$(grep -i '^set-cookie: hd_agent=' "$T/headers" | tr -d '\r')
assert_contains "$cookie" "; Secure" "the session cookie is Secure (X-Forwarded-Proto: https)"
assert_contains "$(grep -i '^strict-transport-security:' "$T/headers")" "max-age=" "HSTS is sent"
assert_eq 127.0.0.2 "$(q "SELECT ip FROM security_log WHERE kind = 'signin' ORDER BY id DESC LIMIT 1")" \
    "the security log names the client, not the proxy"

assert_eq 200 "$(c ann "$URL/agent/tickets/10001")" "ticket page"
tok=$(csrf)
last=$(sed -n 's/.*name="last" value="\([0-9]*\)".*/\1/p' "$T/body" | head -1)
assert_eq 303 "$(c ann -X POST --data-urlencode "csrf=$tok" --data-urlencode "last=$last" \
    --data-urlencode "body=We are on it." "$URL/agent/tickets/10001/reply")" "agent replies"
assert_eq 127.0.0.2 "$(q "SELECT ip FROM audit WHERE action = 'ticket.reply'")" \
    "the reply's audit row names the client"
line='ip=127.0.0.2 peer=127.0.0.1 method=POST path="/agent/tickets/10001/reply"'
for _ in $(seq 1 50); do grep -qF "$line" "$T/web.log" && break; sleep 0.1; done
grep -qF "$line" "$T/web.log" || fail "access log: no line naming client and proxy"
pass "the access log names the client and the proxy"

# ---- tokens: the allow-list sees the client ---------------------------
api() { # SRC PATH -> status, body in $T/body
    curl -sk --interface "$1" -o "$T/body" -w '%{http_code}' \
        -H "Authorization: Bearer $TOK" "$URL$2"
}
assert_eq 200 "$(api 127.0.0.3 "/api/v1/attachments/$AID")" "the attachment downloads from the token's address"
assert_eq "$BYTES" "$(cat "$T/body")" "attachment bytes"
assert_eq 403 "$(api 127.0.0.2 "/api/v1/attachments/$AID")" "the token is refused from another client"
assert_contains "$(cat "$T/body")" ip_denied "refused for its address"
assert_eq 127.0.0.2 "$(q "SELECT ip FROM security_log WHERE kind = 'api_token_denied' ORDER BY id DESC LIMIT 1")" \
    "the refusal names the client"

# ---- /metrics: judged on the client's address -------------------------
assert_eq 401 "$(curl -sk --interface 127.0.0.4 -o "$T/body" -w '%{http_code}' "$URL/metrics")" \
    "/metrics through the proxy refuses an outside client"
M=$(curl -s "$(sed -n 's/^listening on //p' "$T/web.out")/metrics")
assert_contains "$M" helpdesk_tickets "/metrics answers a loopback client directly"

# ---- rate limit: per client, not per proxy ----------------------------
limited=0
for _ in $(seq 1 60); do
    code=$(curl -sk --interface 127.0.0.5 -o /dev/null -w '%{http_code}' "$URL/")
    if [ "$code" = 429 ]; then limited=1; break; fi
done
assert_eq 1 "$limited" "one client reaches its rate limit"
assert_eq 200 "$(curl -sk --interface 127.0.0.3 -o /dev/null -w '%{http_code}' "$URL/")" \
    "another client is still served"
SRC=127.0.0.4
assert_eq 200 "$(c other "$URL/agent/login")" "/agent/login from a third client still works"
