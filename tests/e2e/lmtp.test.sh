#!/bin/bash
# lmtp.test.sh - `helpdesk-mailgw lmtp` on a temp instance:
# (a) a real Postfix delivering over its lmtp transport: tickets open,
#     replies thread, a resent message is stored once;
# (b) the Postfix pipe running `helpdesk-mailgw deliver`: handed to the
#     server while it runs, delivered in-process once it is stopped;
# (c) the protocol: dot-stuffing (stored byte for byte), a declared size
#     over the limit, RSET, two recipients with a reply each, the
#     connection limit, a database held by BEGIN EXCLUSIVE (451, and
#     deliver exits 75), SIGTERM while a message is in hand.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib/peers.sh"
peers_init
trap 'rc=$?; exec 7>&- 2>/dev/null; peers_stop_all; (exit $rc); _hd_exit' EXIT
CLIENT="python3 $HD_SRC/tests/e2e/lib/lmtp_client.py"

D=$T/inst
S=$T/lmtp/lmtp.sock
"$HD" --data "$D" init >/dev/null
cat >>"$D/helpdesk.conf" <<CONF
mail.deliver_busy_ms = 1500
mail.lmtp_socket = $S
mail.lmtp_max_connections = 4
support.incident_address = help@incident.test
support.general_address = support@support.test
CONF
peers_user
chown -R hdtest: "$D"
# The socket's directory: the server's user, and Postfix's group so its
# lmtp client may connect (the socket inherits the setgid group).
mkdir -p "$T/lmtp"
chown hdtest:postfix "$T/lmtp"
chmod 2750 "$T/lmtp"

# start_lmtp: the server as hdtest, LMTP_PID; ready when it says so.
start_lmtp() {
    : >"$T/lmtp.out"
    setpriv --reuid=hdtest --regid="$(id -g hdtest)" --init-groups \
        "$MG" --data "$D" lmtp >"$T/lmtp.out" 2>>"$T/lmtp.log" &
    LMTP_PID=$!
    peers_register lmtp $LMTP_PID
    wait_file "$T/lmtp.out" || fail "lmtp server did not start: $(cat "$T/lmtp.log")"
    assert_eq "listening on unix:$S" "$(cat "$T/lmtp.out")" "lmtp server listening"
}
start_lmtp
assert_eq "srw-rw----" "$(stat -c %A "$S")" "socket mode 0660"
assert_eq "postfix" "$(stat -c %G "$S")" "socket group from its directory"

sql() { sqlite3 -cmd '.timeout 5000' "$D/helpdesk.db" "$1"; }
msgs() { sql "SELECT count(*) FROM message WHERE message_id = '$1'"; }
send() {
    swaks --silent 2 --server "127.0.0.1:$POSTFIX_PORT" --from ann@example.org \
        --to "$2" --data "$1" >/dev/null 2>"$T/swaks.err" ||
        fail "swaks: $(cat "$T/swaks.err")"
}
wait_sql() {
    local i
    for ((i = 0; i < 300; i++)); do
        [ "$(sql "$1" 2>/dev/null)" = "$2" ] && return 0
        sleep 0.1
    done
    return 1
}
mail() {
    printf 'From: Ann <ann@example.org>\r\nTo: support@support.test\r\nSubject: %s\r\nMessage-ID: <%s@example.org>\r\nDate: Mon, 07 Dec 2026 10:00:00 +0900\r\n%sContent-Type: text/plain; charset=utf-8\r\n\r\nBody of %s.\r\n' \
        "$2" "$1" "${3:-}" "$1" >"$T/$1.eml"
}
# transport NAME: Postfix's local transport from now on.
transport() {
    postconf -c "$POSTFIX_DIR/etc" -e "local_transport = $1"
    postfix -c "$POSTFIX_DIR/etc" reload 2>/dev/null
}

# --- (a) Postfix -> LMTP ----------------------------------------------
start_postfix "$MG --data $D deliver --recipient \${recipient}"
postconf -c "$POSTFIX_DIR/etc" -M "lmtp/unix=lmtp unix - - n - - lmtp"
transport "lmtp:unix:$S"
mail a1 "Printer on fire"
send "$T/a1.eml" support@support.test
wait_sql "SELECT count(*) FROM message WHERE message_id = 'a1@example.org'" 1 ||
    fail "no ticket over LMTP: $(tail -5 "$POSTFIX_LOG")"
assert_contains "$(grep 'status=sent' "$POSTFIX_LOG")" "[$S], " "Postfix delivered over its LMTP transport"
assert_contains "$(grep 'status=sent' "$POSTFIX_LOG")" "2.0.0 <support@support.test> ticket" "the server's 250 in Postfix's log"
mail a2 "Re: Printer on fire" $'In-Reply-To: <a1@example.org>\r\n'
send "$T/a2.eml" support@support.test
wait_sql "SELECT count(*) FROM message WHERE message_id = 'a2@example.org'" 1 ||
    fail "reply not delivered over LMTP"
assert_eq 1 "$(sql "SELECT count(DISTINCT ticket_id) FROM message WHERE message_id IN ('a1@example.org', 'a2@example.org')")" \
    "the reply threaded into the same ticket"
send "$T/a1.eml" support@support.test
postfix_wait_empty || fail "resent message stuck in the queue"
assert_eq 3 "$(grep -c 'status=sent' "$POSTFIX_LOG")" "3 deliveries"
assert_eq 1 "$(msgs a1@example.org)" "the resent message is stored once"

# --- (b) the pipe: launcher hand-off, then in-process fallback ---------
transport hdgw
mail b1 "Pipe while the server runs"
send "$T/b1.eml" support@support.test
wait_sql "SELECT count(*) FROM message WHERE message_id = 'b1@example.org'" 1 ||
    fail "pipe delivery with the server running: $(tail -5 "$POSTFIX_LOG")"
assert_contains "$(cat "$T/lmtp.log")" 'subject="Pipe while the server runs"' \
    "deliver handed the message to the LMTP server"
stop_pid $LMTP_PID || fail "lmtp server did not stop on SIGTERM"
set +e; wait $LMTP_PID; rc=$?; set -e
assert_eq 0 "$rc" "SIGTERM: lmtp server exits 0"
[ ! -e "$S" ] || fail "socket left behind after SIGTERM"
mail b2 "Pipe with the server stopped"
send "$T/b2.eml" support@support.test
wait_sql "SELECT count(*) FROM message WHERE message_id = 'b2@example.org'" 1 ||
    fail "pipe delivery without the server: $(tail -5 "$POSTFIX_LOG")"
case "$(cat "$T/lmtp.log")" in
*'Pipe with the server stopped'*) fail "stopped server took a message" ;;
esac
pass "deliver fell back to the in-process path"
assert_eq 2 "$(sql "SELECT count(*) FROM ticket WHERE subject LIKE 'Pipe %'")" "both pipe deliveries opened tickets"

# --- (c) protocol edge cases ------------------------------------------
start_lmtp
printf 'From: c@example.org\r\nSubject: dots\r\nMessage-ID: <c1@example.org>\r\n\r\n.one dot\r\n..two dots\r\n.\r\n\r\n. space\r\nlast line, no newline' >"$T/c1.eml"
out=$($CLIENT "$S" support@support.test <"$T/c1.eml") || fail "dot message: $out"
want=$({ cat "$T/c1.eml"; printf '\r\n'; } | sha256sum | cut -d' ' -f1)
assert_eq "$want" "$(sql "SELECT raw_sha256 FROM message WHERE message_id = 'c1@example.org'")" \
    "dot-stuffed lines stored byte for byte (plus the final CRLF LMTP needs)"

mail c2 "Two recipients"
out=$($CLIENT "$S" support@support.test help@incident.test <"$T/c2.eml") || fail "two recipients: $out"
assert_eq 2 "$(grep -c '^250 ' <<<"$out")" "one 250 per recipient"
assert_contains "$(sed -n 1p <<<"$out")" "<support@support.test>" "first reply names the first recipient"
assert_contains "$(sed -n 2p <<<"$out")" "<help@incident.test>" "second reply names the second recipient"

python3 - "$S" "$HD_SRC/tests/e2e/lib" <<'PY' || fail "protocol checks"
import sys
sys.path.insert(0, sys.argv[2])
from lmtp_client import Lmtp
c = Lmtp(sys.argv[1])
assert c.greeting.startswith("220 "), c.greeting
c.cmd("LHLO t")
r = c.cmd("MAIL FROM:<a@example.org> SIZE=%d" % (64 * 1024 * 1024 + 1))
assert r.startswith("552 5.3.4"), r
assert c.cmd("MAIL FROM:<a@example.org>").startswith("250")
assert c.cmd("RCPT TO:<support@support.test>").startswith("250")
assert c.cmd("RSET").startswith("250")
r = c.cmd("DATA")
assert r.startswith("503"), "DATA after RSET: " + r
msg = (b"From: r@example.org\r\nSubject: after rset\r\n"
       b"Message-ID: <c3@example.org>\r\n\r\nhello\r\n")
r = c.send("a@example.org", ["support@support.test"], msg, lhlo=False)
assert r[0].startswith("250 "), r
assert c.cmd("QUIT").startswith("221")
# Connection limit (4): the fifth is told to come back later.
cs = [Lmtp(sys.argv[1]) for _ in range(3)]  # plus this one
c = Lmtp(sys.argv[1])
extra = Lmtp(sys.argv[1])
assert extra.greeting.startswith("421 4.3.2"), extra.greeting
for x in cs + [c]:
    x.close()
print("protocol ok")
PY
pass "SIZE over the limit: 552; RSET forgets the recipients; fifth connection: 421"
assert_eq 1 "$(msgs c3@example.org)" "the transaction after RSET stored"

# The profile counts as before: a server of another profile is not used,
# and the full program refuses the instance (the test instance is "dev").
mail f1 "Wrong profile"
set +e
"$MG" --data "$D" --profile prod deliver --recipient support@support.test <"$T/f1.eml" 2>"$T/f1.err"
rc=$?
set -e
assert_eq 75 "$rc" "deliver --profile prod on a dev instance: refused as before"
case "$(cat "$T/f1.err")" in *lmtp*) fail "handed to a server of another profile" ;; esac
assert_eq 0 "$(msgs f1@example.org)" "nothing stored under the wrong profile"
HELPDESK_PROFILE=dev "$MG" --data "$D" deliver --recipient support@support.test <"$T/f1.eml" ||
    fail "deliver with the right profile"
assert_contains "$(cat "$T/lmtp.log")" 'subject="Wrong profile"' "the right profile is handed to the server"

# A locked database: 451 from the server, 75 from deliver, then stored.
mkfifo "$T/lockfifo"
sqlite3 "$D/helpdesk.db" <"$T/lockfifo" >"$T/lock.out" 2>&1 &
lockpid=$!
exec 7>"$T/lockfifo"
echo "BEGIN EXCLUSIVE; SELECT 'locked';" >&7
wait_file "$T/lock.out" || fail "sqlite3 did not take the lock"
mail l1 "Locked out"
set +e
out=$($CLIENT "$S" support@support.test <"$T/l1.eml")
setpriv --reuid=hdtest --regid="$(id -g hdtest)" --init-groups \
    "$MG" --data "$D" deliver --recipient support@support.test <"$T/l1.eml" 2>"$T/deliver.err"
rc=$?
set -e
assert_contains "$out" "451 4.3.0 <support@support.test> deferred (busy)" "locked database: 451"
assert_eq 75 "$rc" "locked database: deliver through the server exits 75"
assert_contains "$(cat "$T/deliver.err")" "deliver deferred (lmtp): 451" "deliver says why"
echo "COMMIT;" >&7
exec 7>&-
wait $lockpid || true
assert_eq 0 "$(msgs l1@example.org)" "nothing stored while locked"
setpriv --reuid=hdtest --regid="$(id -g hdtest)" --init-groups \
    "$MG" --data "$D" deliver --recipient support@support.test <"$T/l1.eml" ||
    fail "deliver after the lock"
assert_eq 1 "$(msgs l1@example.org)" "stored once after the lock"

# SIGTERM while a message is in hand: it is finished and answered.
python3 - "$S" "$HD_SRC/tests/e2e/lib" "$LMTP_PID" <<'PY' || fail "SIGTERM drain"
import os, signal, sys, time
sys.path.insert(0, sys.argv[2])
from lmtp_client import Lmtp
c = Lmtp(sys.argv[1])
c.cmd("LHLO t")
assert c.cmd("MAIL FROM:<a@example.org>").startswith("250")
assert c.cmd("RCPT TO:<support@support.test>").startswith("250")
assert c.cmd("DATA").startswith("354")
c.s.sendall(b"From: t@example.org\r\nSubject: in hand\r\nMessage-ID: <t1@example.org>\r\n\r\n")
os.kill(int(sys.argv[3]), signal.SIGTERM)
time.sleep(0.5)
c.s.sendall(b"body\r\n.\r\n")
r = c.reply()
assert r.startswith("250 "), r
r = c.reply()
assert r.startswith("421 4.3.2"), r
print("drained")
PY
pass "SIGTERM: the message in hand got its 250, then 421"
for ((i = 0; i < 100; i++)); do kill -0 $LMTP_PID 2>/dev/null || break; sleep 0.1; done
kill -0 $LMTP_PID 2>/dev/null && fail "server still running after the drain"
assert_eq 1 "$(msgs t1@example.org)" "the message in hand was stored"
