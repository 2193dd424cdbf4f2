#!/bin/bash
# fetch.test.sh - `helpdesk-mailgw fetch` against a real Dovecot: IMAPS
# with the test CA, IMAP STARTTLS with a done folder, POP3 with STLS;
# certificate or name mismatch refused before LOGIN; nothing fetched
# twice; SIGKILL in the middle of a batch loses and doubles nothing.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib/peers.sh"
peers_init
trap 'rc=$?; peers_stop_all; (exit $rc); _hd_exit' EXIT
GEN="$HD_SRC/tests/e2e/lib/mailgen.py"
start_dovecot

D=$T/inst
"$HD" --data "$D" init >/dev/null
echo secret >"$T/pw"
IMAPS="imaps://agent@localhost:$IMAPS_PORT/INBOX"
dbq() { sql "$D" "$1"; }
fetch() { "$MG" --data "$D" fetch --once --password-file "$T/pw" "$@"; }
logins() { grep -c 'Login: user=<agent>' "$T/dovecot/dovecot.log" || true; }
# deliver_corpus DIR: every .eml of DIR into the INBOX, in name order
# (IMAP APPEND: files dropped into Maildir/new get UIDs in directory
# order, and a reply must come after the message it answers).
deliver_corpus() {
    "$PEERS_PY" - "$IMAP_PORT" "$1" <<'PY'
import glob, imaplib, sys
m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
m.login("agent", "secret")
for f in sorted(glob.glob(sys.argv[2] + "/*.eml")):
    typ, _ = m.append("INBOX", None, None, open(f, "rb").read())
    assert typ == "OK", f
m.logout()
PY
}
# wait_sql QUERY MIN: until QUERY gives at least MIN (bounded).
wait_sql() {
    local i
    for ((i = 0; i < 600; i++)); do
        [ "$(dbq "$1" 2>/dev/null || echo 0)" -ge "$2" ] && return 0
        sleep 0.1
    done
    return 1
}

# --- IMAPS: 29 messages (Japanese among them, 2 replies) + 1 duplicate ---
python3 "$GEN" --count 29 --dir "$T/c1" --prefix a --reply-every 10 \
    --attach-every 7 >/dev/null
cp "$T/c1/000004.eml" "$T/c1/000029.eml" # same Message-ID and body
deliver_corpus "$T/c1"
assert_status 0 "fetch --once over IMAPS with the test CA" \
    fetch --url "$IMAPS" --ca-file "$DOVECOT_CA"
assert_eq 27 "$(dbq 'SELECT count(*) FROM ticket')" "27 originals opened 27 tickets"
assert_eq 29 "$(dbq "SELECT count(*) FROM message WHERE message_id LIKE 'a.%'")" \
    "29 messages stored, the duplicate dropped"
assert_eq "$(dbq "SELECT ticket_id FROM message WHERE message_id = 'a.8@gen.test'")" \
    "$(dbq "SELECT ticket_id FROM message WHERE message_id = 'a.9@gen.test'")" \
    "the reply (In-Reply-To) joined its ticket"
assert_eq "請求書の再発行について 1" \
    "$(dbq "SELECT subject FROM message WHERE message_id = 'a.1@gen.test'")" \
    "Japanese subject decoded"
assert_contains "$(cat "$T/last.err")" "30 messages" "all 30 were taken"
assert_status 0 "second run" fetch --url "$IMAPS" --ca-file "$DOVECOT_CA"
assert_contains "$(cat "$T/last.err")" "fetch: 0 messages" "second run fetches nothing"
assert_eq 29 "$(dbq 'SELECT count(*) FROM message WHERE kind = '\''inbound'\''')" "no doubles"

# --- refused before LOGIN: wrong CA, wrong name -------------------------
make_cert "$T/other"
before=$(logins)
assert_status 77 "a certificate from another CA is refused" \
    fetch --url "$IMAPS" --ca-file "$T/other/cert.pem"
assert_contains "$(cat "$T/last.err")" "certificate refused" "the refusal says why"
echo "fetch.tls_name = mail.example.test" >>"$D/helpdesk.conf"
assert_status 77 "a certificate for another name is refused" \
    fetch --url "$IMAPS" --ca-file "$DOVECOT_CA"
assert_contains "$(cat "$T/last.err")" "hostname mismatch" "name mismatch named"
sed -i '/^fetch.tls_name/d' "$D/helpdesk.conf"
assert_status 77 "POP3 STLS with a foreign CA is refused" \
    fetch --url "pop3://agent@localhost:$POP3_PORT" --ca-file "$T/other/cert.pem"
assert_eq "$before" "$(logins)" "no LOGIN reached Dovecot after a refusal"
assert_status 78 "?tls=none is refused after imaps://" \
    fetch --url "$IMAPS?tls=none"

# --- SIGKILL mid-batch, then again: each message exactly once ----------
python3 "$GEN" --count 300 --dir "$T/c2" --prefix b --reply-every 9 >/dev/null
deliver_corpus "$T/c2"
"$MG" --data "$D" fetch --once --password-file "$T/pw" --url "$IMAPS" \
    --ca-file "$DOVECOT_CA" >"$T/kill.out" 2>&1 &
pid=$!
wait_sql "SELECT count(*) FROM message WHERE message_id LIKE 'b.%'" 40 ||
    fail "fetch made no progress"
kill -KILL $pid
wait $pid 2>/dev/null || true
got=$(dbq "SELECT count(*) FROM message WHERE message_id LIKE 'b.%'")
[ "$got" -lt 300 ] || fail "the kill came too late to test anything ($got)"
pass "killed after $got of 300"
assert_status 0 "fetch after the kill" fetch --url "$IMAPS" --ca-file "$DOVECOT_CA"
assert_eq 300 "$(dbq "SELECT count(*) FROM message WHERE message_id LIKE 'b.%'")" \
    "300 messages after the restart"
assert_eq 300 "$(dbq "SELECT count(DISTINCT message_id) FROM message WHERE message_id LIKE 'b.%'")" \
    "each Message-ID exactly once"
assert_eq 267 "$(dbq "SELECT count(DISTINCT ticket_id) FROM message WHERE message_id LIKE 'b.%'")" \
    "267 originals, 33 replies threaded"

# --- IMAP STARTTLS (by IP: IP SAN checked) with a done folder (MOVE) ----
python3 "$GEN" --count 5 --dir "$T/c3" --prefix s >/dev/null
deliver_corpus "$T/c3"
echo "fetch.done_folder = Done" >>"$D/helpdesk.conf"
assert_status 0 "IMAP with STARTTLS" fetch \
    --url "imap://agent@127.0.0.1:$IMAP_PORT/INBOX" --ca-file "$DOVECOT_CA"
assert_eq 5 "$(dbq "SELECT count(*) FROM message WHERE message_id LIKE 's.%'")" \
    "5 messages over STARTTLS"
assert_eq 5 "$(grep -l '^Message-ID: <s\.' "$DOVECOT_MAILDIR"/.Done/{new,cur}/* | wc -l)" \
    "committed mail moved to Done"
assert_eq 0 "$(grep -l '^Message-ID: <s\.' "$DOVECOT_MAILDIR"/{new,cur}/* 2>/dev/null | wc -l)" \
    "and gone from the INBOX"
sed -i '/^fetch.done_folder/d' "$D/helpdesk.conf"
assert_status 0 "imap:// ?tls=none when asked for explicitly" fetch \
    --url "imap://agent@127.0.0.1:$IMAP_PORT/INBOX?tls=none"

# --- daemon mode: IDLE wakes on new mail; SIGTERM exits cleanly ---------
"$MG" --data "$D" fetch --password-file "$T/pw" --url "$IMAPS" \
    --ca-file "$DOVECOT_CA" >"$T/idle.out" 2>&1 &
pid=$!
wait_sql "SELECT count(*) FROM fetch_imap" 1 || fail "no session"
sleep 1 # let it reach IDLE; the assertion below does not depend on it
python3 "$GEN" --count 1 --dir "$T/c6" --prefix i >/dev/null
deliver_corpus "$T/c6"
wait_sql "SELECT count(*) FROM message WHERE message_id = 'i.0@gen.test'" 1 ||
    fail "new mail not taken while idling"
pass "new mail taken by the running fetch"
kill -TERM $pid
set +e; wait $pid; rc=$?; set -e
assert_eq 0 "$rc" "SIGTERM: clean exit"

# --- POP3 with STLS: UIDL progress, DELE after commit, kill + restart ---
"$PEERS_PY" - "$IMAP_PORT" <<'PY' # empty the INBOX the way a client does
import imaplib, sys
m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
m.login("agent", "secret")
m.select("INBOX")
m.store("1:*", "+FLAGS.SILENT", "(\\Deleted)")
m.expunge()
m.logout()
PY
POP="pop3://agent@localhost:$POP3_PORT"
python3 "$GEN" --count 20 --dir "$T/c4" --prefix p --reply-every 5 >/dev/null
deliver_corpus "$T/c4"
assert_status 0 "POP3 with STLS" fetch --url "$POP" --ca-file "$DOVECOT_CA"
assert_eq 20 "$(dbq "SELECT count(*) FROM message WHERE message_id LIKE 'p.%'")" \
    "20 messages over POP3"
assert_eq 0 "$(find "$DOVECOT_MAILDIR"/new "$DOVECOT_MAILDIR"/cur -type f | wc -l)" \
    "POP3 deleted what it committed"
python3 "$GEN" --count 150 --dir "$T/c5" --prefix q >/dev/null
deliver_corpus "$T/c5"
"$MG" --data "$D" fetch --once --password-file "$T/pw" --url "$POP" \
    --ca-file "$DOVECOT_CA" >"$T/kill2.out" 2>&1 &
pid=$!
wait_sql "SELECT count(*) FROM message WHERE message_id LIKE 'q.%'" 20 ||
    fail "POP3 fetch made no progress"
kill -KILL $pid
wait $pid 2>/dev/null || true
got=$(dbq "SELECT count(*) FROM message WHERE message_id LIKE 'q.%'")
[ "$got" -lt 150 ] || fail "the POP3 kill came too late ($got)"
assert_status 0 "POP3 after the kill" fetch --url "$POP" --ca-file "$DOVECOT_CA"
assert_eq 150 "$(dbq "SELECT count(DISTINCT message_id) FROM message WHERE message_id LIKE 'q.%'")" \
    "every POP3 message exactly once"
assert_eq 150 "$(dbq "SELECT count(*) FROM message WHERE message_id LIKE 'q.%'")" \
    "no POP3 doubles"
assert_eq 0 "$(find "$DOVECOT_MAILDIR"/new "$DOVECOT_MAILDIR"/cur -type f | wc -l)" \
    "POP3 mailbox empty at the end"
