#!/bin/bash
# webhook_once.test.sh - two workers (as on two nodes) running at the same
# moment against one store post each queued webhook delivery once: each
# claims a delivery (hd_store_webhook_claim) before posting it.  The
# receiver answers slowly, so both workers read the same due rows.
source "$HD_SRC/tests/e2e/lib.sh"
D="$T/inst"
hd() { "$HD" --data "$D" "$@"; }
N=12

hd init >/dev/null
hd queue add support --address support@support.test >/dev/null
conf "$D" smtp.maildir "$T/maildir"
printf 'webhook-secret-0123456789\n' >"$T/secret"
python3 - "$T" <<'PY' &
import http.server, socketserver, sys, time
T = sys.argv[1]
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        with open(T + "/hooks", "a") as f:
            f.write(self.headers["X-Helpdesk-Delivery"] + "\n")
        time.sleep(0.2)
        self.send_response(204); self.end_headers()
    def log_message(self, *a): pass
class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
s = S(("127.0.0.1", 0), H)
open(T + "/hook.port", "w").write(str(s.server_port))
s.serve_forever()
PY
HPID=$!
on_exit "kill $HPID 2>/dev/null"
for _ in $(seq 1 100); do [ -s "$T/hook.port" ] && break; sleep 0.05; done
HP=$(cat "$T/hook.port")
hd webhook add "http://127.0.0.1:$HP/hook" --events created --secret-file "$T/secret" >/dev/null
for i in $(seq 1 $N); do
    printf 'From: c%d@customer.test\nTo: support@support.test\nSubject: Q %d\n\nHello\n' "$i" "$i" |
        "$MG" --data "$D" deliver --recipient support@support.test >/dev/null 2>&1
done
assert_eq $N "$(sql "$D" "SELECT count(*) FROM webhook_delivery WHERE state = 'queued'")" \
    "$N deliveries queued"

hd worker --once >"$T/w1.out" 2>&1 &
w1=$!
hd worker --once >"$T/w2.out" 2>&1 &
w2=$!
wait $w1 || fail "worker 1: $(cat "$T/w1.out")"
wait $w2 || fail "worker 2: $(cat "$T/w2.out")"
assert_eq $N "$(sql "$D" "SELECT count(*) FROM webhook_delivery WHERE state = 'sent'")" \
    "every delivery sent"
assert_eq $N "$(wc -l <"$T/hooks")" "$N POSTs received"
assert_eq $N "$(sort -u "$T/hooks" | wc -l)" "each delivery posted once"
pass "webhook deliveries are claimed once across workers"
