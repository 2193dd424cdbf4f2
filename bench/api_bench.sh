#!/bin/bash
# api_bench.sh - the JSON API under wrk on loopback with TICKETS demo
# tickets: GET /api/v1/tickets?status=open (50 items a page) and
# POST /api/v1/tickets (a wrk Lua script, one new ticket per request).
# Prints requests/s and p99 for each.
# usage: bench/api_bench.sh [BUILD_DIR] (env: TICKETS, DURATION, CONNS,
# THREADS)
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)
B=${1:-$SRC/build}
TICKETS=${TICKETS:-100000}
DURATION=${DURATION:-15s}
CONNS=${CONNS:-32}
THREADS=${THREADS:-4}
command -v wrk >/dev/null || { echo "install wrk (apt-get install wrk)"; exit 1; }
T=$(mktemp -d)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
H="$B/helpdesk/helpdesk"
"$H" --data "$T/inst" init --profile dev >/dev/null
cat >>"$T/inst/helpdesk.conf" <<CONF
web.threads = $THREADS
web.rate_limit_per_minute = 100000000
api.rate_limit_per_minute = 100000000
web.per_ip_connections = 256
CONF
start=$(date +%s)
"$H" --data "$T/inst" demo --tickets "$TICKETS" >/dev/null
echo "demo --tickets $TICKETS: $(( $(date +%s) - start )) s"
echo 'correct horse battery staple' | "$H" --data "$T/inst" user add \
    --email bench@example.org --name Bench --role admin >/dev/null
TOKEN=$("$H" --data "$T/inst" token add --user bench@example.org \
    --scope admin --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
"$B/web/helpdesk-web" --data "$T/inst" --listen 127.0.0.1:0 >"$T/out" 2>/dev/null &
PID=$!
for _ in $(seq 1 100); do grep -q '^listening on' "$T/out" 2>/dev/null && break; sleep 0.05; done
URL=$(sed -n 's/^listening on //p' "$T/out")
n=$(curl -s -H "Authorization: Bearer $TOKEN" "$URL/api/v1/tickets?status=open" |
    python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')
echo "GET ?status=open returns $n items"
cat >"$T/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $TOKEN"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"subject":"Benchmark ticket","requester":"bench-customer@example.org","body":"Load test body.","priority":"normal"}'
LUA
run() { # name, wrk args...
    local name=$1; shift
    wrk -t2 -c"$CONNS" -d"$DURATION" --latency "$@" >"$T/wrk" 2>&1
    local rps p99 non2xx
    rps=$(awk '/Requests\/sec/ {print $2}' "$T/wrk")
    p99=$(awk '$1 == "99%" {print $2}' "$T/wrk")
    non2xx=$(awk '/Non-2xx/ {print $4}' "$T/wrk")
    printf '%-40s %10s req/s  p99 %8s  non-2xx %s\n' "$name" "$rps" "$p99" "${non2xx:-0}"
}
run "GET /api/v1/tickets?status=open" -H "Authorization: Bearer $TOKEN" \
    "$URL/api/v1/tickets?status=open"
run "POST /api/v1/tickets" -s "$T/post.lua" "$URL/api/v1/tickets"
