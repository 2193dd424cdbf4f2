#!/bin/bash
# api.test.sh - the JSON API and the operations endpoints against a real
# helpdesk-web on 127.0.0.1:0: tokens (scope ceiling, expiry, revocation,
# IP allow-list, last use, security log), every documented route with good
# and bad input validated against the OpenAPI document
# (tests/tools/api_check.py), idempotency, ETags, rate limiting, audit
# rows, /readyz, /metrics, JSON logs and signed webhook delivery.
source "$HD_SRC/tests/e2e/lib.sh"
D="$T/inst"
hd() { "$HD" --data "$D" "$@"; }
tok() { hd "$@" --json | json 'd["token"]'; }
PW='correct horse battery staple'

hd init >/dev/null
hd queue add billing >/dev/null
hd queue add secret >/dev/null
hd queue add empty >/dev/null
echo "$PW" | hd user add --email agent@example.org --name Agent --role agent --queues billing >/dev/null
echo "$PW" | hd user add --email viewer@example.org --name View --role viewer --queues billing >/dev/null
echo "$PW" | hd user add --email lonely@example.org --name Lonely --role agent --queues empty >/dev/null
echo "$PW" | hd user add --email root@example.org --name Root --role admin >/dev/null
hd faq import "$HD_SRC/faq/demo" >/dev/null

# ---- tokens from the CLI ----------------------------------------------
assert_status 77 "a viewer cannot hold a write token" \
    "$HD" --data "$D" token add --user viewer@example.org --scope write
assert_status 77 "an agent cannot hold an admin token" \
    "$HD" --data "$D" token add --user agent@example.org --scope admin
assert_status 66 "no token for an unknown user" \
    "$HD" --data "$D" token add --user nobody@example.org --scope read
assert_status 65 "a bad allow-list is refused" \
    "$HD" --data "$D" token add --user agent@example.org --scope read --allow-ips 300.1.1.1
W=$(tok token add --user agent@example.org --scope write)
R=$(tok token add --user viewer@example.org --scope read)
A=$(tok token add --user root@example.org --scope admin)
X=$(tok token add --user lonely@example.org --scope write)
BADIP=$(tok token add --user agent@example.org --scope read --allow-ips 10.0.0.0/8)
EXPIRED=$(HELPDESK_NOW=2020-01-01T00:00:00Z "$HD" --data "$D" token add \
    --user agent@example.org --scope read --expires-days 1 --json | json 'd["token"]')
REV_JSON=$(hd token add --user agent@example.org --scope read --json)
REVOKED=$(echo "$REV_JSON" | json 'd["token"]')
hd token revoke "$(echo "$REV_JSON" | json 'd["id"]')" >/dev/null
assert_status 66 "revoking twice says not found" "$HD" --data "$D" token revoke "$(echo "$REV_JSON" | json 'd["id"]')"
n=$(sql "$D" "SELECT count(*) FROM api_token WHERE token_hash = '$W'")
assert_eq 0 "$n" "tokens are not stored in clear"

# ---- server ------------------------------------------------------------
start_web() { # dir -> sets URL, WPID
    HELPDESK_LOG_FORMAT=json "$WEB" --data "$1" --listen 127.0.0.1:0 \
        >"$T/web.out" 2>"$T/web.log" &
    WPID=$!
    on_exit "kill $WPID 2>/dev/null; wait $WPID 2>/dev/null"
    for _ in $(seq 1 100); do
        grep -q '^listening on' "$T/web.out" 2>/dev/null && break
        sleep 0.05
    done
    URL=$(sed -n 's/^listening on //p' "$T/web.out")
    [ -n "$URL" ] || fail "web did not start: $(cat "$T/web.log")"
}
start_web "$D"
api() { curl -s -H "Authorization: Bearer $1" "${@:2}"; }

code=$(curl -s -o /dev/null -w '%{http_code}' "$URL/readyz")
assert_eq 503 "$code" "/readyz is 503 before the worker's first heartbeat"
hd worker --once >/dev/null 2>&1 || true

# A ticket in the queue the agent may not see, and attachments.
SECRET=$(api "$A" -H 'Content-Type: application/json' -d '{"subject":"Hidden","requester":"boss@example.org","body":"x","queue":"secret"}' "$URL/api/v1/tickets" | json 'd["number"]')
VIS=$(api "$W" -H 'Content-Type: application/json' -d '{"subject":"With files","requester":"dan@example.org","body":"see attached","queue":"billing"}' "$URL/api/v1/tickets" | json 'd["number"]')
CLEAN_BYTES='hello attachment'
SHA=$(printf '%s' "$CLEAN_BYTES" | sha256sum | cut -c1-64)
mkdir -p "$D/blobs/${SHA:0:2}"
printf '%s' "$CLEAN_BYTES" > "$D/blobs/${SHA:0:2}/${SHA:2}"
sql "$D" <<SQL
INSERT INTO blob(sha256, size, created_at) VALUES ('$SHA', 16, 0);
INSERT INTO attachment(message_id, filename, size, sha256, scan_state, created_at)
  SELECT m.id, 'a.txt', 16, '$SHA', 'clean', 0 FROM message m JOIN ticket t ON t.id = m.ticket_id WHERE t.number = $VIS;
INSERT INTO attachment(message_id, filename, size, sha256, scan_state, created_at)
  SELECT m.id, 'b.txt', 16, '$SHA', 'unscanned', 0 FROM message m JOIN ticket t ON t.id = m.ticket_id WHERE t.number = $VIS;
INSERT INTO attachment(message_id, filename, size, sha256, scan_state, created_at)
  SELECT m.id, 'c.txt', 16, '$SHA', 'clean', 0 FROM message m JOIN ticket t ON t.id = m.ticket_id WHERE t.number = $SECRET;
SQL
SLUG=$(curl -s "$URL/api/v1/faq/articles" | json 'd["items"][0]["slug"]')
python3 - "$T/state.json" <<PY
import json, sys
json.dump({"write": "$W", "read": "$R", "admin": "$A", "other": "$X",
  "badip": "$BADIP", "expired": "$EXPIRED", "revoked": "$REVOKED",
  "secret_ticket": $SECRET, "agent_email": "agent@example.org",
  "att_clean": 1, "att_unscanned": 2, "att_secret": 3,
  "att_clean_bytes": "$CLEAN_BYTES", "faq_slug": "$SLUG",
  "ready_status": 200}, open(sys.argv[1], "w"))
PY
python3 "$HD_SRC/tests/tools/api_check.py" "$URL" "$T/state.json" \
    || fail "API conformance (see above)"

# An attachment whose bytes are an inline blob (in the database) downloads
# the same way as one kept in a file.
INLINE_BYTES='inline attachment bytes'
ISHA=$(printf '%s' "$INLINE_BYTES" | sha256sum | cut -c1-64)
IID=$(sql "$D" "INSERT INTO blob(sha256, size, created_at, data) VALUES ('$ISHA', ${#INLINE_BYTES}, 0, CAST('$INLINE_BYTES' AS BLOB));
  INSERT INTO attachment(message_id, filename, size, sha256, scan_state, created_at)
  SELECT m.id, 'd.txt', ${#INLINE_BYTES}, '$ISHA', 'clean', 0 FROM message m JOIN ticket t ON t.id = m.ticket_id WHERE t.number = $VIS;
  SELECT last_insert_rowid();")
assert_eq "$INLINE_BYTES" "$(api "$W" "$URL/api/v1/attachments/$IID")" "inline attachment downloads"
[ ! -e "$D/blobs/${ISHA:0:2}/${ISHA:2}" ] || fail "inline blob has a file"

# ---- what the calls left behind ---------------------------------------
q() { sql "$D" "$1"; }
assert_eq 1 "$(q "SELECT count(*) FROM ticket WHERE subject = 'Disk full' AND merged_into IS NULL")" \
    "the idempotent retry made no second ticket (the replayed one was merged)"
assert_contains "$(q "SELECT group_concat(DISTINCT actor) FROM event WHERE field = 'status'")" "api:" \
    "history names the token (api:ID)"
assert_contains "$(q "SELECT group_concat(action) FROM audit WHERE source = 'api' AND ip = '127.0.0.1' AND request_id <> ''")" \
    "ticket.create,ticket.create" "audit rows for API changes carry ip and request id"
assert_contains "$(q "SELECT group_concat(action) FROM audit WHERE source = 'api'")" "ticket.merge" "merge is audited"
assert_eq 1 "$(q "SELECT count(*) FROM outbox WHERE kind = 'reply' AND rcpts LIKE '%carol@example.org%'")" \
    "the reply is queued as real mail"
denied=$(q "SELECT group_concat(DISTINCT detail) FROM security_log WHERE kind = 'api_token_denied'")
for why in expired revoked ip_denied insufficient_scope unauthorized; do
    assert_contains "$denied" "$why" "security log has the $why denial"
done
assert_contains "$(q "SELECT count(*) FROM security_log WHERE kind = 'api_token_use'")" "" "token use logged"
assert_contains "$(hd token list --json | json '[t["last_used_ip"] for t in d if t["user"]=="agent@example.org"][0]')" \
    "127.0.0.1" "token list shows the last address used"

# ---- oversize beyond the server cap, method not allowed ---------------
head -c 1100000 /dev/zero | tr '\0' a > "$T/big"
code=$(api "$W" -o "$T/big.out" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @"$T/big" "$URL/api/v1/tickets")
assert_eq 413 "$code" "a body over web.max_body_bytes is 413"
assert_contains "$(cat "$T/big.out")" '"code":"too_large"' "... with a JSON error"
code=$(api "$W" -o "$T/m.out" -w '%{http_code}' -X DELETE "$URL/api/v1/tickets")
assert_eq 405 "$code" "DELETE on /api/v1/tickets is 405"
assert_contains "$(cat "$T/m.out")" '"method_not_allowed"' "... as JSON"

# ---- metrics, logs -----------------------------------------------------
M=$(curl -s "$URL/metrics")
assert_contains "$M" 'helpdesk_tickets{status="new"}' "metrics: tickets by status"
assert_contains "$M" 'helpdesk_outbox_depth 1' "metrics: outbox depth"
assert_contains "$M" 'helpdesk_http_requests_total{class="4xx"}' "metrics: requests by class"
assert_contains "$M" 'helpdesk_http_request_duration_seconds_bucket{le="+Inf"}' "metrics: latency histogram"
assert_contains "$M" 'helpdesk_backup_age_seconds ' "metrics: backup age"
python3 - "$T/web.log" <<'PY' || fail "log lines are not JSON"
import json, sys
n = 0
for line in open(sys.argv[1]):
    d = json.loads(line); n += 1
    assert "ts" in d and "ev" in d, line
assert n > 10
PY
pass "HELPDESK_LOG_FORMAT=json gives one JSON object per line"

# ---- per-token rate limit ---------------------------------------------
kill "$WPID"; wait "$WPID" 2>/dev/null || true
conf "$D" api.rate_limit_per_minute 3
start_web "$D"
for i in 1 2 3; do api "$R" -o /dev/null "$URL/api/v1/queues"; done
code=$(api "$R" -D "$T/h" -o /dev/null -w '%{http_code}' "$URL/api/v1/queues")
assert_eq 429 "$code" "the 4th request in a minute is 429"
assert_contains "$(cat "$T/h")" "Retry-After:" "... with Retry-After"
code=$(api "$W" -o /dev/null -w '%{http_code}' "$URL/api/v1/queues")
assert_eq 200 "$code" "another token is not limited"

# ---- webhooks ----------------------------------------------------------
printf 'webhook-secret-0123456789\n' > "$T/secret"
python3 - "$T" <<'PY' &
import hashlib, hmac, http.server, json, sys
T = sys.argv[1]
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        want = "sha256=" + hmac.new(b"webhook-secret-0123456789", body,
                                    hashlib.sha256).hexdigest()
        ok = hmac.compare_digest(want, self.headers["X-Helpdesk-Signature"])
        with open(T + "/hooks", "a") as f:
            f.write("%s %s %s\n" % ("good" if ok else "BAD",
                    self.headers["X-Helpdesk-Event"],
                    json.loads(body)["ticket"]["number"]))
        self.send_response(204 if ok else 401); self.end_headers()
    def log_message(self, *a): pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open(T + "/hook.port", "w").write(str(s.server_port))
s.serve_forever()
PY
HPID=$!
on_exit "kill $HPID 2>/dev/null"
for _ in $(seq 1 100); do [ -s "$T/hook.port" ] && break; sleep 0.05; done
HP=$(cat "$T/hook.port")
assert_status 65 "unknown webhook events are refused" "$HD" --data "$D" webhook add "http://127.0.0.1:$HP/h" --events created,deleted --secret-file "$T/secret"
hd webhook add "http://127.0.0.1:$HP/hook" --events created,updated --secret-file "$T/secret" >/dev/null
hd webhook add "http://127.0.0.1:1/dead" --events created --secret-file "$T/secret" >/dev/null
NEW=$(api "$A" -H 'Content-Type: application/json' -d '{"subject":"Hook me","requester":"eve@example.org","body":"x"}' "$URL/api/v1/tickets" | json 'd["number"]')
api "$A" -o /dev/null -X PATCH -H 'Content-Type: application/json' -d '{"priority":"urgent"}' "$URL/api/v1/tickets/$NEW"
hd worker --once >/dev/null 2>&1 || true
assert_eq "good created $NEW
good updated $NEW" "$(cat "$T/hooks")" "webhooks delivered, signatures verify"
assert_eq "sent|204" "$(q "SELECT state || '|' || last_status FROM webhook_delivery WHERE webhook_id = 1 AND event = 'created'")" "delivery recorded"
assert_eq "queued|1" "$(q "SELECT state || '|' || attempts FROM webhook_delivery WHERE webhook_id = 2")" "a dead receiver is retried later"
pass "api e2e"
