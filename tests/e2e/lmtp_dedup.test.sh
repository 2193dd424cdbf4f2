#!/bin/bash
# lmtp_dedup.test.sh - one message, two ways in, one ticket: the same
# message delivered through the LMTP server and again in-process (the
# server gone, as when the MTA retries after a lost reply) is stored
# once and acknowledged once, whatever the framing:
# (a) no final newline: the launcher hands it to the server, whose DATA
#     framing adds a CR LF; then `deliver` in-process with the socket
#     absent gets the bytes as they are;
# (b) the same without a Message-ID (the synthetic id must agree too);
# (c) CR LF line ends from an LMTP client (Postfix's), then LF line ends
#     from the pipe in-process;
# and the raw message each way in is stored byte for byte.
source "$(dirname "$0")/lib.sh"

D=$T/inst
S=$T/lmtp.sock
"$HD" --data "$D" init >/dev/null
conf "$D" mail.lmtp_socket "$S"
conf "$D" support.general_address support@support.test
dbq() { sql "$D" "$1"; }
tickets() { dbq "SELECT count(*) FROM ticket WHERE subject = '$1'"; }
messages() { dbq "SELECT count(*) FROM message WHERE subject = '$1'"; }
acks() {
    dbq "SELECT count(*) FROM outbox o JOIN ticket t ON t.id = o.ticket_id
         WHERE o.kind = 'ack' AND t.subject = '$1'"
}

LMTP_PID=
on_exit '[ -z "$LMTP_PID" ] || kill -9 $LMTP_PID 2>/dev/null'
start_lmtp() {
    : >"$T/lmtp.out"
    "$MG" --data "$D" lmtp >"$T/lmtp.out" 2>>"$T/lmtp.log" &
    LMTP_PID=$!
    local i
    for ((i = 0; i < 100; i++)); do
        [ -s "$T/lmtp.out" ] && return 0
        kill -0 $LMTP_PID 2>/dev/null || break
        sleep 0.1
    done
    fail "lmtp server did not start: $(tail -5 "$T/lmtp.log")"
}
stop_lmtp() {
    kill -TERM $LMTP_PID
    local i
    for ((i = 0; i < 100; i++)); do
        kill -0 $LMTP_PID 2>/dev/null || break
        sleep 0.1
    done
    wait $LMTP_PID || fail "lmtp server exit status $?"
    LMTP_PID=
    [ ! -e "$S" ] || fail "socket left behind"
}
deliver() { "$MG" --data "$D" deliver --recipient support@support.test <"$1"; }
# once SUBJECT: one ticket, one message row, one acknowledgement.
once() {
    assert_eq 1 "$(tickets "$1")" "$1: one ticket"
    assert_eq 1 "$(messages "$1")" "$1: one message"
    assert_eq 1 "$(acks "$1")" "$1: one acknowledgement"
}

# --- (a) no final newline: LMTP hand-off, then in-process ---------------
printf 'From: Ann <ann@example.org>\nTo: support@support.test\nSubject: No final newline\nMessage-ID: <nfn@example.org>\nDate: Mon, 07 Dec 2026 10:00:00 +0900\n\nFirst line.\nLast line, no newline' >"$T/a.eml"
start_lmtp
deliver "$T/a.eml" || fail "deliver through the server"
assert_contains "$(cat "$T/lmtp.log")" 'subject="No final newline"' \
    "the launcher handed the message to the LMTP server"
want=$({ cat "$T/a.eml"; printf '\r\n'; } | sha256sum | cut -d' ' -f1)
assert_eq "$want" "$(dbq "SELECT raw_sha256 FROM message WHERE subject = 'No final newline'")" \
    "raw stored as the server received it (with DATA's final CR LF)"
stop_lmtp
deliver "$T/a.eml" || fail "deliver in-process"
assert_eq 1 "$(grep -c 'No final newline' "$T/lmtp.log")" \
    "the retry ran in-process (the server never saw it)"
once "No final newline"

# --- (b) the same without a Message-ID ----------------------------------
printf 'From: Ann <ann@example.org>\nTo: support@support.test\nSubject: No id, no final newline\nDate: Mon, 07 Dec 2026 10:00:00 +0900\n\nNo Message-ID here.' >"$T/b.eml"
start_lmtp
deliver "$T/b.eml" || fail "deliver through the server"
stop_lmtp
deliver "$T/b.eml" || fail "deliver in-process"
assert_eq 1 "$(grep -c 'No id, no final newline' "$T/lmtp.log")" \
    "one through the server, one in-process"
once "No id, no final newline"

# --- (c) CR LF through an LMTP client, LF through the pipe --------------
printf 'From: Ann <ann@example.org>\r\nTo: support@support.test\r\nSubject: Line ends\r\nMessage-ID: <crlf@example.org>\r\nDate: Mon, 07 Dec 2026 10:00:00 +0900\r\n\r\nOne.\r\n\r\nTwo.\r\n' >"$T/c-crlf.eml"
tr -d '\r' <"$T/c-crlf.eml" >"$T/c-lf.eml"
start_lmtp
out=$(python3 "$HD_SRC/tests/e2e/lib/lmtp_client.py" "$S" support@support.test <"$T/c-crlf.eml") ||
    fail "LMTP client: $out"
assert_contains "$out" "250 2.0.0" "CR LF message stored over LMTP"
stop_lmtp
deliver "$T/c-lf.eml" || fail "deliver LF in-process"
once "Line ends"
assert_eq "$(sha256sum <"$T/c-crlf.eml" | cut -d' ' -f1)" \
    "$(dbq "SELECT raw_sha256 FROM message WHERE subject = 'Line ends'")" \
    "raw stored byte for byte (CR LF kept)"
