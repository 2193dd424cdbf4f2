#!/bin/bash
# reports_bench.sh - the managers' reports page (/agent/reports, 28 days)
# at TICKETS tickets (helpdesk demo), signed in as agent1 (an agent: every
# row passes the grant test), one request at a time with curl:
#   warm   the page as served from the per-process cache (<= 60 s old)
#   cold   a period never asked before (days=300..), so the whole report
#          is built afresh from the store
#   queue  the queue page of the same server, as the baseline
# With BASE_BUILD, a second server from that build (an older tree) runs
# on its own copy of the same data, and its cold builds alternate with
# this build's, so both see the same load.  SPREAD=DAYS moves the
# tickets' creation times (and their first responses and resolutions
# with them) evenly over the last DAYS days, as a year of real intake
# would be; the demo otherwise creates them all within a few minutes.
# N requests each; prints median and p99 in ms, the ratios to the queue
# page, the server's CPU time per cold build, and the load average.
# usage: bench/reports_bench.sh [BUILD_DIR [BASE_BUILD]]
#        (env: TICKETS, N, DEMO_DB, SPREAD)
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)
B=${1:-$SRC/build}
BASE=${2:-}
TICKETS=${TICKETS:-100000}
N=${N:-200}
T=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$T"; }
trap cleanup EXIT
H="$B/helpdesk/helpdesk"
mkdir -p "$T/data"
"$H" --data "$T/data/gen" init --profile dev >/dev/null
if [ -n "${DEMO_DB:-}" ]; then
    cp "$DEMO_DB" "$T/data/gen/helpdesk.db"
else
    "$H" --data "$T/data/gen" demo --tickets "$TICKETS" \
        --messages $((TICKETS * 5)) --faq /nonexistent >/dev/null
fi
if [ -n "${SPREAD:-}" ]; then
    sqlite3 "$T/data/gen/helpdesk.db" "UPDATE ticket SET
        created_at = created_at - (id * 7919) % ($SPREAD * 86400),
        updated_at = updated_at - (id * 7919) % ($SPREAD * 86400),
        first_response_at = first_response_at - (id * 7919) % ($SPREAD * 86400),
        resolved_at = resolved_at - (id * 7919) % ($SPREAD * 86400)"
fi
# start NAME BUILD: an instance of its own, a server, a signed-in cookie jar
start() {
    local I="$T/$1"
    "$2/helpdesk/helpdesk" --data "$I" init --profile dev >/dev/null
    printf 'web.rate_limit_per_minute = 100000000\n' >>"$I/helpdesk.conf"
    cp "$T/data/gen/helpdesk.db" "$I/helpdesk.db"
    "$2/web/helpdesk-web" --data "$I" --listen 127.0.0.1:0 >"$T/$1.out" 2>"$T/$1.log" &
    PIDS+=($!)
    echo $! >"$T/$1.pid"
    for _ in $(seq 1 1200); do grep -q '^listening' "$T/$1.out" && break; sleep 0.1; done
    local url
    url=$(sed -n 's/^listening on //p' "$T/$1.out")
    echo "$url" >"$T/$1.url"
    curl -s -c "$T/$1.jar" -b "$T/$1.jar" "$url/agent/login" >"$T/body"
    local tok code
    tok=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/body" | head -1)
    code=$(curl -s -o /dev/null -w '%{http_code}' -c "$T/$1.jar" -b "$T/$1.jar" \
        --data-urlencode "csrf=$tok" --data-urlencode "email=agent1@example.com" \
        --data-urlencode "password=demo-password-2026" "$url/agent/login")
    [ "$code" = 303 ] || { echo "$1: sign-in failed: $code"; exit 1; }
}
get() { # NAME PATH
    curl -s -b "$T/$1.jar" -o /dev/null -w '%{http_code} %{time_total}\n' "$(cat "$T/$1.url")$2"
}
cpu() { # NAME -> utime + stime of the server in clock ticks
    awk '{print $14 + $15}' "/proc/$(cat "$T/$1.pid")/stat"
}
start new "$B"
[ -z "$BASE" ] || start base "$BASE"
for s in new ${BASE:+base}; do
    [ "$(get $s /agent/reports | cut -d' ' -f1)" = 200 ] || { echo "$s reports: not 200"; exit 1; }
done
stats() { # FILE -> "median p99" in ms
    sort -g "$1" | awk '{v[NR] = $1 * 1000} END {
        printf "%.1f %.1f", v[int((NR + 1) / 2)], v[int(NR * 0.99 + 0.999)] }'
}
: >"$T/warm"; : >"$T/cold"; : >"$T/queue"; : >"$T/bcold"
for i in $(seq 1 "$N"); do
    get new /agent/reports | awk '{print $2}' >>"$T/warm"
    get new "/agent/?view=open" | awk '{print $2}' >>"$T/queue"
done
COLD=$(( N < 60 ? N : 60 ))
c0=$(cpu new); b0=$([ -z "$BASE" ] || cpu base)
for i in $(seq 1 "$COLD"); do
    [ -z "$BASE" ] || get base "/agent/reports?days=$((300 + i))" | awk '{print $2}' >>"$T/bcold"
    get new "/agent/reports?days=$((300 + i))" | awk '{print $2}' >>"$T/cold"
done
c1=$(cpu new); b1=$([ -z "$BASE" ] || cpu base)
tck=$(getconf CLK_TCK)
read -r qm qp <<<"$(stats "$T/queue")"
read -r wm wp <<<"$(stats "$T/warm")"
read -r cm cp <<<"$(stats "$T/cold")"
echo "tickets: $(sqlite3 "$T/new/helpdesk.db" 'SELECT count(*) FROM ticket'), creation days: $(sqlite3 "$T/new/helpdesk.db" 'SELECT (max(created_at) - min(created_at)) / 86400 + 1 FROM ticket'), load: $(cut -d' ' -f1-3 /proc/loadavg)"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
printf '%-14s %6s %10s %8s %14s %12s\n' page n median_ms p99_ms median/queue cpu_ms/build
printf '%-14s %6s %10s %8s %14s %12s\n' queue "$N" "$qm" "$qp" 1.00 -
printf '%-14s %6s %10s %8s %14s %12s\n' reports-warm "$N" "$wm" "$wp" "$(ratio "$wm" "$qm")" -
printf '%-14s %6s %10s %8s %14s %12s\n' reports-cold "$COLD" "$cm" "$cp" "$(ratio "$cm" "$qm")" \
    "$(awk -v a="$c0" -v b="$c1" -v n="$COLD" -v t="$tck" 'BEGIN {printf "%.1f", (b - a) * 1000 / t / n}')"
if [ -n "$BASE" ]; then
    read -r bm bp <<<"$(stats "$T/bcold")"
    printf '%-14s %6s %10s %8s %14s %12s\n' base-cold "$COLD" "$bm" "$bp" "$(ratio "$bm" "$qm")" \
        "$(awk -v a="$b0" -v b="$b1" -v n="$COLD" -v t="$tck" 'BEGIN {printf "%.1f", (b - a) * 1000 / t / n}')"
    echo "cold build, this tree / base: $(ratio "$cm" "$bm") (median)"
fi
