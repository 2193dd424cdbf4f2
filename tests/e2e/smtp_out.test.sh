#!/bin/bash
# smtp_out.test.sh - mg_smtp_send() against a real SMTP server (aiosmtpd,
# STARTTLS required, AUTH after TLS): delivered with the right CA; refused
# BEFORE AUTH for a wrong name or an unknown CA; temporary error when the
# server is down; a 5xx reply is permanent, a 4xx temporary.
set -euo pipefail
source "$(dirname "$0")/lib/peers.sh"
peers_init
TOOL="$HD_BIN/tests/tools/hdt_smtp_send"

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# send EXPECTED_RC ARGS...: runs the tool, checks its exit status.
send() {
    local want=$1 rc=0
    shift
    "$TOOL" --host 127.0.0.1 --port "$SINK_PORT" --from help@support.test \
        --to ann@example.org "$@" >"$T/out" 2>&1 || rc=$?
    [ "$rc" = "$want" ] || fail "exit $rc, want $want ($*): $(cat "$T/out")"
}

auths() { grep -c '^AUTH' "$SINK_LOG" || true; }

start_smtp_sink

# 1. Right CA, name = the address in the certificate: delivered over TLS
#    with AUTH, the Japanese subject encoded, dot-stuffing undone.
send 0 --ca "$SINK_CA" --user agent --pass secret --subject '障害報告 #42'
[ "$(sink_count)" = 1 ] || fail "sink has $(sink_count) messages"
m=$(find "$SINK_DIR" -name 'msg-*.eml')
grep -q '^X-TLS: True' "$m" || fail "not sent over TLS"
grep -q '^X-Auth: True' "$m" || fail "not authenticated"
grep -q '^Subject: =?UTF-8?B?' "$m" || fail "subject not RFC 2047 encoded"
[ "$(auths)" = 1 ] || fail "expected one AUTH, log: $(cat "$SINK_LOG")"
# The same with a host name instead of the IP address.
send 0 --ca "$SINK_CA" --name localhost --user agent --pass secret \
    --subject 'by name'
[ "$(sink_count)" = 2 ] || fail "by name: sink has $(sink_count)"

# 2. Wrong host name: certificate check fails, no AUTH was attempted.
before=$(auths)
send 1 --ca "$SINK_CA" --name mail.example.test --user agent --pass secret \
    --subject 'wrong name'
grep -q 'error crypto: .*mismatch' "$T/out" || fail "wrong name: $(cat "$T/out")"
[ "$(auths)" = "$before" ] || fail "AUTH sent to a server with a wrong name"

# 3. Unknown CA (the system bundle does not know the test certificate).
send 1 --user agent --pass secret --subject 'unknown ca'
grep -q 'error crypto: .*self-signed' "$T/out" || fail "unknown CA: $(cat "$T/out")"
other="$T/other"
make_cert "$other"
send 1 --ca "$other/cert.pem" --user agent --pass secret --subject 'other ca'
grep -q 'error crypto:' "$T/out" || fail "other CA: $(cat "$T/out")"
[ "$(auths)" = "$before" ] || fail "AUTH sent to an unverified server"
[ "$(sink_count)" = 2 ] || fail "a refused send was delivered"

# 4. 5xx is permanent with the server's text; 4xx is temporary.
"$TOOL" --host 127.0.0.1 --port "$SINK_PORT" --from help@support.test \
    --to reject@example.org --ca "$SINK_CA" --user agent --pass secret \
    --subject x >"$T/out" && fail "550 recipient accepted"
grep -q 'error invalid: SMTP RCPT TO refused: 550 5.1.1 <reject@example.org>' \
    "$T/out" || fail "550: $(cat "$T/out")"
rc=0
"$TOOL" --host 127.0.0.1 --port "$SINK_PORT" --from help@support.test \
    --to defer@example.org --ca "$SINK_CA" --user agent --pass secret \
    --subject x >"$T/out" || rc=$?
[ "$rc" = 75 ] && grep -q 'error temporary: SMTP RCPT TO deferred: 451' \
    "$T/out" || fail "451: rc $rc $(cat "$T/out")"

# 5. Plain text mode with AUTH is refused before connecting.
send 1 --tls none --user agent --pass secret --subject 'plain auth'
grep -q 'error config:' "$T/out" || fail "AUTH without TLS: $(cat "$T/out")"

# 6. A raw message from stdin with a leading-dot line arrives intact.
printf 'From: help@support.test\r\nTo: ann@example.org\r\nSubject: raw\r\n\r\n.leading dot\r\n..two\r\n' |
    send 0 --ca "$SINK_CA" --user agent --pass secret
m=$(find "$SINK_DIR" -name 'msg-*.eml' | sort | tail -1)
grep -q '^\.leading dot' "$m" && grep -q '^\.\.two' "$m" ||
    fail "dot-stuffing: $(cat "$m")"

# 7. Server down: temporary error (exit 75).
port=$SINK_PORT
peers_stop_all
send 75 --ca "$SINK_CA" --user agent --pass secret --subject 'down'
grep -q 'error temporary:' "$T/out" || fail "server down: $(cat "$T/out")"
SINK_PORT=$port
echo "ok: smtp_out"
