#!/bin/bash
# agent_bench.sh - the signed-in agents' pages under wrk on loopback with
# TICKETS tickets and MESSAGES messages (helpdesk demo): the queue page
# (50 rows of the open tickets sorted by SLA due time, with every view's
# count), the same for one queue with a priority filter, and a ticket page
# with its ~5 messages; against the bare libmicrohttpd server
# (bench/baseline_mhd.c) serving a constant page of the queue page's size,
# in the same run.  ROUNDS rounds; prints each round, then the medians of
# requests/s, ratio to the baseline and p99, and the server's RSS.
# usage: bench/agent_bench.sh [BUILD_DIR]
#        (env: TICKETS, MESSAGES, ROUNDS, DURATION, CONNS, THREADS;
#        SAVE_DB=FILE keeps the generated database, DEMO_DB=FILE reuses it)
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)
B=${1:-$SRC/build}
TICKETS=${TICKETS:-100000}
MESSAGES=${MESSAGES:-$((TICKETS * 5))}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-15s}
CONNS=${CONNS:-32}
THREADS=${THREADS:-4}
command -v wrk >/dev/null || { echo "install wrk (apt-get install wrk)"; exit 1; }
T=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$T"; }
trap cleanup EXIT
H="$B/helpdesk/helpdesk"

cc -O2 -o "$T/baseline" "$SRC/bench/baseline_mhd.c" -lmicrohttpd
"$H" --data "$T/inst" init --profile dev >/dev/null
cat >>"$T/inst/helpdesk.conf" <<CONF
web.threads = $THREADS
web.rate_limit_per_minute = 100000000
web.per_ip_connections = 256
CONF
if [ -n "${DEMO_DB:-}" ]; then # a copy of an earlier run's database
    cp "$DEMO_DB" "$T/inst/helpdesk.db"
    echo "database copied from $DEMO_DB"
else
    start=$(date +%s)
    "$H" --data "$T/inst" demo --tickets "$TICKETS" --messages "$MESSAGES" \
        --faq /nonexistent >/dev/null
    echo "demo --tickets $TICKETS --messages $MESSAGES: $(( $(date +%s) - start )) s"
fi
[ -z "${SAVE_DB:-}" ] || cp "$T/inst/helpdesk.db" "$SAVE_DB"

"$B/web/helpdesk-web" --data "$T/inst" --listen 127.0.0.1:0 >"$T/out" 2>"$T/log" &
PIDS+=($!); WPID=$!
for _ in $(seq 1 100); do grep -q '^listening' "$T/out" && break; sleep 0.1; done
URL=$(sed -n 's/^listening on //p' "$T/out")

# Sign in as agent1 (role agent: sees the queues granted to it, so every
# query carries the visibility test) with the form's CSRF token.
curl -s -c "$T/jar" -b "$T/jar" "$URL/agent/login" >"$T/body"
tok=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/body" | head -1)
code=$(curl -s -o /dev/null -w '%{http_code}' -c "$T/jar" -b "$T/jar" \
    --data-urlencode "csrf=$tok" --data-urlencode "email=agent1@example.com" \
    --data-urlencode "password=demo-password-2026" "$URL/agent/login")
[ "$code" = 303 ] || { echo "sign-in failed: $code"; exit 1; }
COOKIE="hd_agent=$(awk '$6 == "hd_agent" {print $7}' "$T/jar")"

QID=$(sqlite3 "$T/inst/helpdesk.db" "SELECT id FROM queue WHERE name = 'support'")
NUM=$(sqlite3 "$T/inst/helpdesk.db" "SELECT t.number FROM ticket t
    WHERE t.queue_id = $QID AND (SELECT count(*) FROM message m
    WHERE m.ticket_id = t.id) = 5 ORDER BY t.id LIMIT 1 OFFSET $((TICKETS / 4))")
QUEUE="/agent/?view=open&sort=due"
QFILT="/agent/?view=queue&queue=$QID&priority=normal&sort=due"
TICKET="/agent/tickets/$NUM"
get() { curl -s -H "Cookie: $COOKIE" -o "$T/page" -w '%{http_code}' "$URL$1"; }
for p in "$QUEUE" "$QFILT" "$TICKET"; do
    [ "$(get "$p")" = 200 ] || { echo "$p: not 200"; exit 1; }
done
get "$QUEUE" >/dev/null
rows=$(grep -c '<tr class="ticket' "$T/page" || true)
SIZE=$(wc -c <"$T/page")
get "$TICKET" >/dev/null
msgs=$(grep -c '<article' "$T/page" || true)
echo "queue page: $SIZE bytes, $rows rows; ticket #$NUM: $(wc -c <"$T/page") bytes, $msgs articles"

BPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$T/baseline" "$BPORT" "$SIZE" "$THREADS" &
PIDS+=($!)
sleep 0.3

run() { # run NAME URL -> "NAME RPS P99_MS NON2XX"
    wrk -t2 -c"$CONNS" -d"$DURATION" --latency -H "Cookie: $COOKIE" "$2" \
        >"$T/wrk" 2>&1
    awk -v n="$1" '
        /Requests\/sec/ { rps = $2 }
        $1 == "99%" { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
                      p99 = u == "us" ? v / 1000 : u == "s" ? v * 1000 : v }
        /Non-2xx/ { bad = $4 }
        END { printf "%s %s %.2f %d\n", n, rps, p99, bad }' "$T/wrk"
}
echo "threads: $THREADS, connections: $CONNS, duration: $DURATION, rounds: $ROUNDS"
printf '%-6s %-10s %10s %7s %9s %7s\n' round page req/s ratio p99_ms non2xx
: >"$T/all"
for round in $(seq 1 "$ROUNDS"); do
    base=$(run baseline "http://127.0.0.1:$BPORT/")
    brps=$(awk '{print $2}' <<<"$base")
    for l in "$base" "$(run queue "$URL$QUEUE")" "$(run queue-filt "$URL$QFILT")" \
             "$(run ticket "$URL$TICKET")"; do
        read -r name rps p99 bad <<<"$l"
        ratio=$(awk -v a="$rps" -v b="$brps" 'BEGIN {printf "%.3f", a / b}')
        printf '%-6s %-10s %10s %7s %9s %7s\n' "$round" "$name" "$rps" "$ratio" "$p99" "$bad"
        echo "$name $rps $ratio $p99" >>"$T/all"
    done
done
rss=$(awk '/VmRSS/ {print $2}' "/proc/$WPID/status")
echo "medians of $ROUNDS rounds:"
printf '%-10s %10s %7s %9s\n' page req/s ratio p99_ms
for name in baseline queue queue-filt ticket; do
    med() { awk -v n="$name" -v c="$1" '$1 == n {print $c}' "$T/all" | sort -g |
        awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
    printf '%-10s %10s %7s %9s\n' "$name" "$(med 2)" "$(med 3)" "$(med 4)"
done
echo "helpdesk-web RSS after the runs: $((rss / 1024)) MiB"
