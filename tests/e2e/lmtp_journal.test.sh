#!/bin/bash
# lmtp_journal.test.sh - the LMTP server's write-ahead journal
# (DATA/spool/lmtp.journal):
# (a) kill -9 right after a 250 (a message without a Message-ID): after a
#     restart it is stored exactly once, nothing replayed twice;
# (b) a crash after the journal sync but before the database commit
#     (test hook): deliver exits 75, the restarted server replays the
#     message, and the MTA's retry is a duplicate;
# (c) a journal written by hand: a record the database already has is
#     skipped, the one beyond it is replayed, a torn record is ignored;
# (d) the journal is emptied at the sync point, one server per journal,
#     and verify and backup are clean;
# (e) a commit that fails (database locked): 451, and the record is taken
#     back, so a crash and restart do not store the refused message;
# (f) a journal sync that fails (test hook) after the commit: the
#     database is synced itself instead, so still a 250, logged, and the
#     journal is empty.
source "$(dirname "$0")/lib.sh"

D=$T/inst
S=$T/lmtp.sock
J=$D/spool/lmtp.journal
"$HD" --data "$D" init >/dev/null
conf "$D" mail.lmtp_socket "$S"
conf "$D" support.general_address support@support.test
conf "$D" mail.deliver_busy_ms 1500
sql() { sqlite3 -cmd '.timeout 5000' "$D/helpdesk.db" "$1"; }
subj() { sql "SELECT count(*) FROM message WHERE subject = '$1'"; }
stored_seq() { sql "SELECT value FROM meta WHERE key = 'lmtp_journal_seq'"; }
size() { stat -c %s "$J"; }

LMTP_PID=
on_exit '[ -z "$LMTP_PID" ] || kill -9 $LMTP_PID 2>/dev/null'
# start_lmtp [ENV=VALUE...]: the server in the background, LMTP_PID.
start_lmtp() {
    : >"$T/lmtp.out"
    env "$@" "$MG" --data "$D" lmtp >"$T/lmtp.out" 2>>"$T/lmtp.log" &
    LMTP_PID=$!
    local i
    for ((i = 0; i < 100; i++)); do
        [ -s "$T/lmtp.out" ] && return 0
        kill -0 $LMTP_PID 2>/dev/null || break
        sleep 0.1
    done
    fail "lmtp server did not start: $(tail -5 "$T/lmtp.log")"
}
# gone PID: waits (bounded) until the process has exited.
gone() {
    local i
    for ((i = 0; i < 100; i++)); do
        kill -0 "$1" 2>/dev/null || { wait "$1" 2>/dev/null || true; return 0; }
        sleep 0.1
    done
    return 1
}
kill9() { kill -9 $LMTP_PID; gone $LMTP_PID; LMTP_PID=; }
# mail NAME SUBJECT [HEADER-LINES]: a message without a Message-ID
# unless the header lines give one.
mail() {
    printf 'From: Ann <ann@example.org>\r\nTo: support@support.test\r\nSubject: %s\r\nDate: Mon, 07 Dec 2026 10:00:00 +0900\r\n%s\r\nBody of %s.\r\n' \
        "$2" "${3:-}" "$1" >"$T/$1.eml"
}
deliver() { "$MG" --data "$D" deliver --recipient support@support.test <"$T/$1.eml"; }

start_lmtp
assert_eq "-rw-------" "$(stat -c %A "$J")" "journal created 0600"
assert_eq 0 "$(size)" "journal empty after start"

# --- (a) kill -9 right after the 250 -----------------------------------
mail a1 "Killed after the reply"
deliver a1 || fail "deliver a1"
assert_eq 1 "$(subj 'Killed after the reply')" "ticket visible when deliver returns"
kill9
start_lmtp
assert_eq 1 "$(subj 'Killed after the reply')" "after kill -9 and restart: stored exactly once"
case "$(cat "$T/lmtp.log")" in *replayed=*) fail "a stored message was replayed" ;; esac
pass "nothing replayed: the journal's sequence was in the database"

# --- (b) crash between the journal sync and the database commit --------
kill9
start_lmtp HD_LMTP_TEST_EXIT=after-journal
mail b1 "Crash before the commit" $'Message-ID: <b1@example.org>\r\n'
set +e
deliver b1 2>"$T/b1.err"
rc=$?
set -e
assert_eq 75 "$rc" "server gone before its reply: deliver exits 75 (the MTA retries)"
gone $LMTP_PID || fail "server did not exit at the hook"
LMTP_PID=
assert_eq 0 "$(subj 'Crash before the commit')" "not in the database before the restart"
[ "$(size)" -gt 0 ] || fail "the synced record is not in the journal"
start_lmtp
assert_eq 1 "$(subj 'Crash before the commit')" "replayed at start"
assert_contains "$(cat "$T/lmtp.log")" "replayed=1" "the replay is logged"
assert_eq 0 "$(size)" "journal emptied after the replay"
out=$(deliver b1 2>&1) || fail "retry of b1: $out"
assert_eq 1 "$(subj 'Crash before the commit')" "the MTA's retry is a duplicate, stored once"

# --- (c) a journal written by hand -------------------------------------
stop() { kill -TERM $LMTP_PID; gone $LMTP_PID || fail "no stop on SIGTERM"; LMTP_PID=; }
stop
assert_eq 0 "$(size)" "journal emptied at a clean stop"
seq=$(stored_seq)
[ -n "$seq" ] || fail "no sequence recorded"
python3 - "$J" "$seq" <<'PY'
import struct, sys, zlib
path, seq = sys.argv[1], int(sys.argv[2])
def record(seq, subject):
    env = b"ann@example.org\0support@support.test\0"
    msg = ("From: ann@example.org\r\nTo: support@support.test\r\n"
           "Subject: %s\r\n\r\nno message-id\r\n" % subject).encode()
    rest = struct.pack("<QIIQ", seq, len(env), 1, len(msg)) + env + msg
    return b"HDJ1" + struct.pack("<I", zlib.crc32(rest)) + rest
torn = record(seq + 2, "Torn record")
with open(path, "wb") as f:
    f.write(record(seq, "Already stored"))
    f.write(record(seq + 1, "Beyond the database"))
    f.write(torn[: len(torn) - 5])
PY
start_lmtp
assert_eq 0 "$(subj 'Already stored')" "a record the database has is not replayed"
assert_eq 1 "$(subj 'Beyond the database')" "the record beyond the database is replayed"
assert_eq 0 "$(subj 'Torn record')" "a torn record is ignored"
assert_eq "$((seq + 1))" "$(stored_seq)" "the database records the replayed sequence"
assert_eq 0 "$(size)" "journal emptied after the replay"

# --- (d) sync point, one server, verify and backup ---------------------
mail d1 "After the replay"
deliver d1 || fail "deliver d1"
assert_eq 1 "$(subj 'After the replay')" "delivery after a replay"
assert_eq "$((seq + 2))" "$(stored_seq)" "sequence numbers go on after the torn one"
for ((i = 0; i < 100; i++)); do [ "$(size)" = 0 ] && break; sleep 0.1; done
assert_eq 0 "$(size)" "journal emptied at the idle sync point"
set +e
"$MG" --data "$D" lmtp >/dev/null 2>"$T/second.err"
rc=$?
set -e
[ "$rc" -ne 0 ] || fail "a second server on the same instance started"
assert_contains "$(cat "$T/second.err")" "in use by another LMTP server" "one server per journal"
assert_status 0 "verify is clean" "$HD" --data "$D" verify
assert_status 0 "backup runs" "$HD" --data "$D" backup run

# --- (e) a refused message is taken back out of the journal -----------
mkfifo "$T/lockfifo"
sqlite3 "$D/helpdesk.db" <"$T/lockfifo" >"$T/lock.out" 2>&1 &
lockpid=$!
exec 7>"$T/lockfifo"
echo "BEGIN EXCLUSIVE; SELECT 'locked';" >&7
for ((i = 0; i < 100; i++)); do [ -s "$T/lock.out" ] && break; sleep 0.1; done
[ -s "$T/lock.out" ] || fail "sqlite3 did not take the lock"
mail e1 "Refused while locked"
out=$(python3 "$HD_SRC/tests/e2e/lib/lmtp_client.py" "$S" support@support.test <"$T/e1.eml") &&
    fail "accepted while locked: $out"
assert_contains "$out" "451 4.3.0 <support@support.test> deferred (busy)" "locked database: 451"
kill9
echo "COMMIT;" >&7
exec 7>&-
wait $lockpid || true
start_lmtp
assert_eq 0 "$(subj 'Refused while locked')" "the refused message is not replayed"
case "$(cat "$T/lmtp.log")" in *"replayed=1 stored_seq=$((seq + 2))"*) fail "refused record replayed" ;; esac
pass "nothing acknowledged, nothing replayed"
stop

# --- (f) the journal's sync fails after the commit ---------------------
start_lmtp HD_LMTP_TEST_SYNC=fail
mail f1 "Journal sync failed" $'Message-ID: <f1@example.org>\r\n'
deliver f1 || fail "a failed journal sync with a committed message is not a 250"
assert_eq 1 "$(subj 'Journal sync failed')" "stored"
assert_contains "$(cat "$T/lmtp.log")" "ev=journal_sync" "the failed sync is logged"
assert_eq 0 "$(size)" "journal empty: the database commit was synced instead"
kill9
start_lmtp
assert_eq 1 "$(subj 'Journal sync failed')" "after kill -9 and restart: once"
stop
