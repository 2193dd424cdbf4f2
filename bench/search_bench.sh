#!/bin/bash
# search_bench.sh - the agents' ticket search on the demo data (TICKETS
# tickets, five messages each), one build against another in the same
# run: single-user latency (p50/p99 of REPEAT sequential requests) of a
# common, a rare, a one-character, a phrase and a no-match search, warm
# and disk-cold (server restarted with the page cache dropped before each
# request: needs root); then wrk with 50 rotating terms
# (bench/agent_search.lua) at CONNS connections.
# usage: bench/search_bench.sh BUILD_DIR [BASELINE_BUILD_DIR]
#        (env: DEMO_DB=FILE a database made by `helpdesk demo`, else one
#        is generated; TICKETS, REPEAT, DURATION, CONNS, THREADS, COLD=0)
#        PG_URL=postgresql://... (an empty database): BUILD_DIR on SQLite
#        (the baseline) against BUILD_DIR on PostgreSQL, the same demo data
#        generated into both (same seed); cold runs are SQLite's only.
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)
TICKETS=${TICKETS:-100000}
REPEAT=${REPEAT:-30}
DURATION=${DURATION:-15s}
CONNS=${CONNS:-32}
THREADS=${THREADS:-4}
COLD=${COLD:-1}
command -v wrk >/dev/null || { echo "install wrk (apt-get install wrk)"; exit 1; }
T=$(mktemp -d)
WPID=
cleanup() { [ -z "$WPID" ] || kill "$WPID" 2>/dev/null || true; rm -rf "$T"; }
trap cleanup EXIT

if [ -z "${DEMO_DB:-}" ]; then
    "$1/helpdesk/helpdesk" --data "$T/gen" init --profile dev >/dev/null
    "$1/helpdesk/helpdesk" --data "$T/gen" demo --tickets "$TICKETS" \
        --messages $((TICKETS * 5)) --faq /nonexistent >/dev/null
    DEMO_DB=$T/gen/helpdesk.db
fi

# name, query (URL-encoded)
CASES=(
    "common-en the"
    "common-ja %E8%AB%8B%E6%B1%82"
    "subject-ja %E9%9A%9C%E5%AE%B3"
    "one-char %E9%9A%9C"
    "phrase %E7%AE%A1%E7%90%86%E7%94%BB%E9%9D%A2%E3%81%AB%E3%83%AD%E3%82%B0%E3%82%A4%E3%83%B3"
    "rare-en nightly"
    "no-match zzqxnomatch"
)

start() { # start BUILD INST
    "$1/web/helpdesk-web" --data "$2" --listen 127.0.0.1:0 >"$T/out" 2>"$T/log" &
    WPID=$!
    for _ in $(seq 1 600); do grep -q '^listening' "$T/out" && break; sleep 0.1; done
    URL=$(sed -n 's/^listening on //p' "$T/out")
}
stop() { kill "$WPID"; wait "$WPID" 2>/dev/null || true; WPID=; }
signin() {
    curl -s -c "$T/jar" -b "$T/jar" "$URL/agent/login" >"$T/body"
    tok=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/body" | head -1)
    curl -s -o /dev/null -c "$T/jar" -b "$T/jar" --data-urlencode "csrf=$tok" \
        --data-urlencode "email=agent1@example.com" \
        --data-urlencode "password=demo-password-2026" "$URL/agent/login"
    COOKIE="hd_agent=$(awk '$6 == "hd_agent" {print $7}' "$T/jar")"
}
t_ms() { # one request's total time in ms; a new suffix defeats the page cache
    curl -s -o "$T/page" -w '%{time_total}\n' -H "Cookie: $COOKIE" \
        "$URL/agent/?view=open&sort=due&q=$1$2" | awk '{printf "%.1f\n", $1 * 1000}'
}
pct() { sort -g | awk -v p="$1" '{v[NR] = $1} END {i = int(NR * p / 100 + 0.999); if (i < 1) i = 1; print v[i]}'; }

run_build() { # run_build LABEL BUILD
    local label=$1 b=$2 inst="$T/inst-$1"
    rm -rf "$inst"
    "$b/helpdesk/helpdesk" --data "$inst" init --profile dev >/dev/null
    cat >>"$inst/helpdesk.conf" <<CONF
web.threads = $THREADS
web.rate_limit_per_minute = 100000000
web.per_ip_connections = 256
CONF
    local t0=$(date +%s)
    if [ "$label" = pg ]; then
        rm -rf "$inst"
        "$b/helpdesk/helpdesk" --data "$inst" init --profile dev \
            --store "$PG_URL" >/dev/null
        cat >>"$inst/helpdesk.conf" <<CONF
web.threads = $THREADS
web.rate_limit_per_minute = 100000000
web.per_ip_connections = 256
CONF
        "$b/helpdesk/helpdesk" --data "$inst" demo --tickets "$TICKETS" \
            --messages $((TICKETS * 5)) --faq /nonexistent >/dev/null
        echo "[$label] demo data generated on PostgreSQL in $(( $(date +%s) - t0 )) s"
        t0=$(date +%s)
    else
        cp "$DEMO_DB" "$inst/helpdesk.db"
    fi
    "$b/helpdesk/helpdesk" --data "$inst" queue list >/dev/null # migrates
    echo "[$label] database opened (and migrated) in $(( $(date +%s) - t0 )) s"
    start "$b" "$inst"; signin
    printf '[%s] %-11s %8s %8s %8s %s\n' "$label" case p50_ms p99_ms rows shown
    for c in "${CASES[@]}"; do
        read -r name q <<<"$c"
        : >"$T/lat"
        for i in $(seq 1 "$REPEAT"); do t_ms "$q" "$(printf '%*s' "$i" '' | tr ' ' '+')" >>"$T/lat"; done
        rows=$(grep -c '<tr class="ticket' "$T/page" || true)
        shown=$(grep -o '<p class="search-count"[^<]*' "$T/page" | sed 's/.*>//' || true)
        printf '[%s] %-11s %8s %8s %8s %s\n' "$label" "$name" "$(pct 50 <"$T/lat")" \
            "$(pct 99 <"$T/lat")" "$rows" "$shown"
    done
    if [ "$COLD" = 1 ] && [ "$label" != pg ] && [ -w /proc/sys/vm/drop_caches ]; then
        for c in "${CASES[@]}"; do
            read -r name q <<<"$c"
            stop; sync; echo 3 >/proc/sys/vm/drop_caches
            start "$b" "$inst"; signin
            printf '[%s] cold %-11s %8s ms\n' "$label" "$name" "$(t_ms "$q" "")"
        done
    fi
    wrk -t2 -c"$CONNS" -d"$DURATION" --latency -H "Cookie: $COOKIE" \
        -s "$SRC/bench/agent_search.lua" "$URL" >"$T/wrk" 2>&1
    awk -v l="$label" '/Requests\/sec/ {r = $2} $1 == "99%" {p = $2}
        /Non-2xx/ {bad = $4} END {printf "[%s] 50 terms, %s connections: %s searches/s, p99 %s, non-2xx %d\n", l, c, r, p, bad}' \
        c="$CONNS" "$T/wrk"
    echo "[$label] RSS $(( $(awk '/VmRSS/ {print $2}' /proc/$WPID/status) / 1024 )) MiB; load: $(cut -d' ' -f1-3 /proc/loadavg)"
    stop
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -n "${PG_URL:-}" ]; then
    run_build sqlite "$1"
    run_build pg "$1"
    exit 0
fi
[ -z "${2:-}" ] || run_build before "$2"
run_build after "$1"
