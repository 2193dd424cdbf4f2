#!/bin/bash
# peers.test.sh - the test peers themselves work: SMTP sink (STARTTLS +
# AUTH), Postfix (pipe transport and customer Maildir), Dovecot (IMAP,
# IMAPS, POP3), clamd (EICAR); and after stopping, nothing is left running.
set -euo pipefail
source "$(dirname "$0")/lib/peers.sh"
peers_init

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# wait_count DIR N: until DIR holds N regular files (bounded).
wait_count() {
    local i
    for ((i = 0; i < 100; i++)); do
        [ "$(find "$1" -type f 2>/dev/null | wc -l)" -ge "$2" ] && return 0
        sleep 0.1
    done
    return 1
}

swaks_q() { swaks --silent 1 --hide-all "$@" >/dev/null 2>&1; }

# --- SMTP sink: STARTTLS with the CA verified, then AUTH ------------------
start_smtp_sink
swaks_q --server 127.0.0.1:$SINK_PORT --to ann@example.org \
    --from agent@support.test --tls --tls-verify --tls-ca-path "$SINK_CA" \
    --tls-sni localhost --auth PLAIN --auth-user agent --auth-password secret \
    --header 'Subject: sink smoke' --body 'hello sink' ||
    fail "swaks to sink with STARTTLS+AUTH"
[ "$(sink_count)" = 1 ] || fail "sink stored $(sink_count) messages, want 1"
f=$(find "$SINK_DIR" -name 'msg-*.eml')
grep -q '^X-Auth: True' "$f" || fail "sink: not authenticated"
grep -q '^X-TLS: True' "$f" || fail "sink: not TLS"
grep -q '^Subject: sink smoke' "$f" || fail "sink: subject lost"
# Without TLS the sink refuses AUTH and mail.
if swaks_q --server 127.0.0.1:$SINK_PORT --to ann@example.org \
    --from agent@support.test; then
    fail "sink accepted mail without STARTTLS"
fi
[ "$(sink_count)" = 1 ] || fail "sink stored a message sent without TLS"

start_smtp_sink --plain
swaks_q --server 127.0.0.1:$SINK_PORT --to bob@example.org \
    --from agent@support.test --body 'plain' || fail "plain sink"
[ "$(sink_count)" = 1 ] || fail "plain sink stored $(sink_count), want 1"

# --- Postfix: pipe to a command, and a customer Maildir -------------------
mkdir -p "$T/piped"
chown hdtest "$T/piped" 2>/dev/null || true
cat >"$T/catcher.sh" <<SH
#!/bin/sh
# stand-in for helpdesk-mailgw deliver: store stdin per recipient
cat >"$T/piped/\$1.\$\$"
SH
chmod 755 "$T/catcher.sh"
start_postfix "$T/catcher.sh \${recipient}" --maildir customer.test
chown hdtest "$T/piped"
swaks_q --server 127.0.0.1:$POSTFIX_PORT --from ann@example.org \
    --to help@support.test --header 'Subject: printer on fire' ||
    fail "swaks to postfix (support.test)"
wait_count "$T/piped" 1 || { cat "$POSTFIX_LOG" >&2; fail "pipe got nothing"; }
f=$(find "$T/piped" -type f)
case "$f" in */help@support.test.*) ;; *) fail "pipe recipient: $f" ;; esac
grep -q '^Subject: printer on fire' "$f" || fail "pipe: subject lost"
grep -q '^Return-Path: <ann@example.org>' "$f" || fail "pipe: no Return-Path"
[ "$(stat -c %U "$f")" = hdtest ] || fail "pipe did not run as hdtest"

swaks_q --server 127.0.0.1:$POSTFIX_PORT --from help@support.test \
    --to ann@customer.test --header 'Subject: your ticket' ||
    fail "swaks to postfix (customer.test)"
wait_count "$CUSTMAIL_MAILDIR/new" 1 || {
    cat "$POSTFIX_LOG" >&2
    fail "customer Maildir got nothing"
}
grep -q '^Subject: your ticket' "$CUSTMAIL_MAILDIR"/new/* ||
    fail "customer mail: subject lost"
# Unknown domains are not relayed.
if swaks_q --server 127.0.0.1:$POSTFIX_PORT --from a@example.org \
    --to b@elsewhere.test; then
    fail "postfix relayed to elsewhere.test"
fi
postfix_wait_empty || fail "postfix queue not empty: $(postfix_queue_count)"

# --- Dovecot: IMAP STARTTLS, IMAPS and POP3 STLS, certificate verified ----
start_dovecot
printf 'From: ann@example.org\r\nSubject: imap smoke\r\n\r\nbody\r\n' \
    >"$T/m1.eml"
dovecot_deliver "$T/m1.eml"
curl -sS --ssl-reqd --cacert "$DOVECOT_CA" -u agent:secret \
    "imap://localhost:$IMAP_PORT/INBOX;UID=1" >"$T/imap.out" ||
    fail "IMAP STARTTLS fetch"
grep -q 'Subject: imap smoke' "$T/imap.out" || fail "IMAP: wrong message"
curl -sS --cacert "$DOVECOT_CA" -u agent:secret \
    "imaps://localhost:$IMAPS_PORT/INBOX;UID=1" >"$T/imaps.out" ||
    fail "IMAPS fetch"
cmp -s "$T/imap.out" "$T/imaps.out" || fail "IMAPS differs from IMAP"
curl -sS --ssl-reqd --cacert "$DOVECOT_CA" -u agent:secret \
    "pop3://localhost:$POP3_PORT/1" >"$T/pop3.out" || fail "POP3 STLS"
grep -q 'Subject: imap smoke' "$T/pop3.out" || fail "POP3: wrong message"
if curl -sS --cacert "$DOVECOT_CA" -u agent:wrong \
    "imaps://localhost:$IMAPS_PORT/INBOX;UID=1" >/dev/null 2>&1; then
    fail "IMAP accepted a wrong password"
fi

# --- clamd: clean and EICAR -----------------------------------------------
start_clamd
echo 'just text' >"$T/clean.txt"
r=$(clamd_cmd zINSTREAM "$T/clean.txt")
[ "$r" = "stream: OK" ] || fail "clamd clean: $r"
r=$(clamd_cmd zINSTREAM "$CLAMD_DIR/eicar.com")
case "$r" in *"Test.EICAR"*FOUND) ;; *) fail "clamd eicar: $r" ;; esac

# --- everything stops ------------------------------------------------------
pf_port=$POSTFIX_PORT
peers_stop_all
left=$(peers_alive)
[ -z "$left" ] || fail "still running: $left"
sleep 0.2
if pgrep -f "$T/" >/dev/null || pgrep -f "127.0.0.1:$pf_port" >/dev/null; then
    pgrep -af "$T/|127.0.0.1:$pf_port" >&2
    fail "processes of this test still running"
fi
echo "ok: peers"
