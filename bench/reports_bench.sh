#!/bin/bash
# reports_bench.sh - the managers' reports page (/agent/reports, 28 days)
# at TICKETS tickets (helpdesk demo), signed in as agent1 (an agent: every
# row passes the grant test), one request at a time with curl:
#   warm   the page as served from the per-process cache (<= 60 s old)
#   cold   a period never asked before (days=300..), so the whole report
#          is built: every ticket of the period read and added up
#   queue  the queue page of the same server, as the baseline
# N requests each; prints median and p99 in ms and the ratios to the
# queue page, with the load average.
# usage: bench/reports_bench.sh [BUILD_DIR]   (env: TICKETS, N, DEMO_DB)
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)
B=${1:-$SRC/build}
TICKETS=${TICKETS:-100000}
N=${N:-200}
T=$(mktemp -d)
WPID=
cleanup() { [ -z "$WPID" ] || kill "$WPID" 2>/dev/null || true; rm -rf "$T"; }
trap cleanup EXIT
H="$B/helpdesk/helpdesk"
"$H" --data "$T/inst" init --profile dev >/dev/null
printf 'web.rate_limit_per_minute = 100000000\n' >>"$T/inst/helpdesk.conf"
if [ -n "${DEMO_DB:-}" ]; then
    cp "$DEMO_DB" "$T/inst/helpdesk.db"
else
    "$H" --data "$T/inst" demo --tickets "$TICKETS" \
        --messages $((TICKETS * 5)) --faq /nonexistent >/dev/null
fi
"$B/web/helpdesk-web" --data "$T/inst" --listen 127.0.0.1:0 >"$T/out" 2>"$T/log" &
WPID=$!
for _ in $(seq 1 600); do grep -q '^listening' "$T/out" && break; sleep 0.1; done
URL=$(sed -n 's/^listening on //p' "$T/out")
curl -s -c "$T/jar" -b "$T/jar" "$URL/agent/login" >"$T/body"
tok=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/body" | head -1)
code=$(curl -s -o /dev/null -w '%{http_code}' -c "$T/jar" -b "$T/jar" \
    --data-urlencode "csrf=$tok" --data-urlencode "email=agent1@example.com" \
    --data-urlencode "password=demo-password-2026" "$URL/agent/login")
[ "$code" = 303 ] || { echo "sign-in failed: $code"; exit 1; }
get() { curl -s -b "$T/jar" -o /dev/null -w '%{http_code} %{time_total}\n' "$URL$1"; }
[ "$(get /agent/reports | cut -d' ' -f1)" = 200 ] || { echo "reports: not 200"; exit 1; }
stats() { # FILE -> "median p99" in ms
    sort -g "$1" | awk '{v[NR] = $1 * 1000} END {
        printf "%.1f %.1f", v[int((NR + 1) / 2)], v[int(NR * 0.99 + 0.999)] }'
}
: >"$T/warm"; : >"$T/cold"; : >"$T/queue"
for i in $(seq 1 "$N"); do
    get /agent/reports | awk '{print $2}' >>"$T/warm"
    get "/agent/?view=open" | awk '{print $2}' >>"$T/queue"
done
COLD=$(( N < 60 ? N : 60 ))
for i in $(seq 1 "$COLD"); do
    get "/agent/reports?days=$((300 + i))" | awk '{print $2}' >>"$T/cold"
done
read -r qm qp <<<"$(stats "$T/queue")"
read -r wm wp <<<"$(stats "$T/warm")"
read -r cm cp <<<"$(stats "$T/cold")"
echo "tickets: $(sqlite3 "$T/inst/helpdesk.db" 'SELECT count(*) FROM ticket'), load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-14s %6s %10s %8s %14s\n' page n median_ms p99_ms median/queue
printf '%-14s %6s %10s %8s %14s\n' queue "$N" "$qm" "$qp" 1.00
printf '%-14s %6s %10s %8s %14s\n' reports-warm "$N" "$wm" "$wp" "$(awk -v a="$wm" -v b="$qm" 'BEGIN {printf "%.2f", a / b}')"
printf '%-14s %6s %10s %8s %14s\n' reports-cold "$COLD" "$cm" "$cp" "$(awk -v a="$cm" -v b="$qm" 'BEGIN {printf "%.2f", a / b}')"
