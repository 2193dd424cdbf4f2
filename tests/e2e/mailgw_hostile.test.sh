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
count() { "$HD" --data "$I" ticket list --json | json 'len(d)'; }
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
    num=$("$HD" --data "$I" ticket list --json | json 'max(t["number"] for t in d)')
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

start_web "$I"
M=$(curl -s "$URL/metrics")
assert_contains "$M" "helpdesk_intake_skipped_total $skipped" "metrics count every skipped step"
assert_contains "$M" "helpdesk_intake_degraded_total 0" "metrics: nothing degraded"

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
