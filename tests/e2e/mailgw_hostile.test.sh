# mailgw_hostile.test.sh - mail a hostile or broken sender can send, each
# delivered through the real `helpdesk-mailgw deliver`: exit 0 (never 75,
# which would leave it queued until the MTA bounces it) and exactly one
# new ticket each.  Derived work that cannot be built (acknowledgement,
# webhook event, alert) is skipped with the reason on the ticket's
# history and counted in /metrics; files named *-skip.eml must have such
# a reason.  The corpus: tests/data/mail/hostile/ (gen_hostile.py).
# Also: `parse` reads a file through deliver's size cap.
source "$(dirname "$0")/lib.sh"
I=$T/inst
"$HD" --data "$I" --profile test init >/dev/null
"$HD" --data "$I" queue add support --address support@support.test >/dev/null
"$HD" --data "$I" queue add incident --address incident@support.test >/dev/null
conf "$I" mail.from_address support@support.test
conf "$I" support.incident_address incident@support.test
conf "$I" support.general_address support@support.test
conf "$I" support.oncall_addresses oncall@ops.test

count() { sql "$I" "SELECT count(*) FROM ticket"; }
skipped=0
n=0
for f in "$HD_SRC"/tests/data/mail/hostile/*.eml; do
    name=$(basename "$f" .eml)
    before=$(count)
    # Every second one to the incident address: incidents also alert.
    rcpt=support@support.test
    [ $((n % 2)) -eq 1 ] && rcpt=incident@support.test
    n=$((n + 1))
    assert_status 0 "$name: deliver exits 0" \
        "$MG" --data "$I" deliver --recipient "$rcpt" <"$f"
    assert_eq $((before + 1)) "$(count)" "$name: exactly one ticket"
    num=$(sql "$I" "SELECT max(number) FROM ticket")
    show=$("$HD" --data "$I" ticket show "$num" --json)
    reasons=$(echo "$show" | json '"|".join(e["detail"] for e in d["history"] if e["kind"] == "skipped")')
    case "$name" in
    *-skip)
        [ -n "$reasons" ] || fail "$name: no skipped reason on the history"
        pass "$name: skipped work and why: $reasons"
        skipped=$((skipped + $(echo "$show" | json 'sum(e["kind"] == "skipped" for e in d["history"])')))
        ;;
    *)
        assert_eq "" "$reasons" "$name: nothing skipped"
        ;;
    esac
    # A retry of the same mail is recognised: still one ticket.
    "$MG" --data "$I" deliver --recipient "$rcpt" <"$f" 2>/dev/null ||
        fail "$name: retry exit $?"
    assert_eq $((before + 1)) "$(count)" "$name: a retry adds nothing"
done

# The 34 KB subject of backslashes also broke the webhook payload.
num=$("$HD" --data "$I" ticket list --json | json '[t["number"] for t in d if t["subject"].startswith("\\\\\\\\")][0]')
hist=$("$HD" --data "$I" ticket show "$num" --json | json '" ".join(str(e["field"]) for e in d["history"] if e["kind"] == "skipped")')
assert_contains "$hist" "webhook" "34 KB backslash subject: webhook event skipped"
assert_contains "$hist" "acknowledgement" "34 KB backslash subject: acknowledgement skipped"

# Any other failure that a retry cannot cure (here a trigger refusing the
# attachment rows, standing for any permanent store error) stores the mail
# the degraded way: exit 0, one ticket flagged for review saying why.
sql "$I" "CREATE TRIGGER refuse_att BEFORE INSERT ON attachment BEGIN SELECT RAISE(ABORT, 'refused for the test'); END"
cat >"$T/att.eml" <<'MAIL'
From: Carol <carol@example.com>
To: support@support.test
Subject: with a file
Message-ID: <degraded1@example.com>
Content-Type: multipart/mixed; boundary=b

--b
Content-Type: text/plain

The log is attached.
--b
Content-Type: application/octet-stream; name=log.bin
Content-Transfer-Encoding: base64

AAECAwQ=
--b--
MAIL
before=$(count)
assert_status 0 "a permanent store failure: deliver exits 0" \
    "$MG" --data "$I" deliver --recipient support@support.test <"$T/att.eml"
assert_eq $((before + 1)) "$(count)" "a permanent store failure: one ticket"
num=$(sql "$I" "SELECT max(number) FROM ticket")
show=$("$HD" --data "$I" ticket show "$num" --json)
assert_eq True "$(echo "$show" | json 'd["needs_review"]')" "degraded ticket flagged for review"
assert_contains "$(echo "$show" | json '[e["detail"] for e in d["history"] if e["kind"] == "review" and e["field"] == "degraded"]')" \
    "refused for the test" "degraded ticket says why"
assert_contains "$(echo "$show" | json 'd["messages"][0]["text"]')" "The log is attached." "degraded ticket keeps the text"
sql "$I" "DROP TRIGGER refuse_att"

# The same mails through the LMTP server: 250 for each, one ticket each.
L=$T/lmtp-inst
"$HD" --data "$L" --profile test init >/dev/null
conf "$L" mail.lmtp_socket "$T/lmtp.sock"
conf "$L" mail.from_address support@support.test
"$MG" --data "$L" lmtp >"$T/lmtp.out" 2>>"$T/lmtp.log" &
LMTP_PID=$!
on_exit "kill $LMTP_PID 2>/dev/null; wait $LMTP_PID 2>/dev/null"
for ((i = 0; i < 100; i++)); do
    grep -q '^listening' "$T/lmtp.out" 2>/dev/null && break
    sleep 0.1
done
grep -q '^listening' "$T/lmtp.out" || fail "lmtp server did not start: $(cat "$T/lmtp.log")"
n=0
for f in "$HD_SRC"/tests/data/mail/hostile/*.eml; do
    out=$(python3 "$HD_SRC/tests/e2e/lib/lmtp_client.py" "$T/lmtp.sock" \
        support@support.test <"$f") || fail "$(basename "$f") over LMTP: $out"
    n=$((n + 1))
done
assert_eq "$n" "$(sql "$L" "SELECT count(*) FROM ticket")" "LMTP: 250 and one ticket for each of the $n mails"

start_web "$I"
M=$(curl -s "$URL/metrics")
assert_contains "$M" "helpdesk_intake_skipped_total $skipped" "metrics count every skipped step"
assert_contains "$M" "helpdesk_intake_degraded_total 1" "metrics count the degraded mail"

# parse reads through the same cap as deliver: a 1 GB file (sparse) is
# read up to HD_MAIL_MAX (64 MiB), cut there, never loaded whole.
printf 'Subject: big\r\n\r\nx\r\n' >"$T/big.eml"
truncate -s 1G "$T/big.eml"
peak=$(python3 - "$MG" "$T/big.eml" "$T/big.json" <<'PY'
import resource, subprocess, sys
with open(sys.argv[3], "wb") as out:
    rc = subprocess.run([sys.argv[1], "parse", sys.argv[2]], stdout=out,
                        stderr=subprocess.DEVNULL).returncode
if rc != 0:
    sys.exit("exit %d" % rc)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)
PY
) || fail "parse of a 1 GB file: $peak"
assert_contains "$(cat "$T/big.json")" '"subject":"big"' "parse of a 1 GB file reads the capped start"
[ "$peak" -lt 400 ] || fail "parse of a 1 GB file peaked at $peak MB"
pass "parse of a 1 GB file peaked at $peak MB (cap 64 MiB)"
