#!/bin/bash
# pg_bench.sh - the same help desk on PostgreSQL and on SQLite, in one
# run: two instances filled by `helpdesk demo` with the same seed (the
# same tickets, messages and FAQ articles), then under wrk on loopback
# the agents' queue page (50 open tickets by due time), a ticket page
# (5 messages), the agents' search (障害) and the public FAQ search with
# a new query every request (bench/search_distinct.lua), each against
# one helpdesk-web and against two (node B: a second helpdesk-web, on
# PostgreSQL a copy of the instance directory as in docs/scale-out.md,
# on SQLite a second process on the same directory; two wrk processes,
# one per node, the sum of their rates); and the deliver rate: MAILS
# mails through an LMTP server, one at a time (tests/e2e/lib/lmtp_feed.py,
# each acknowledged only once stored and durable).  ROUNDS rounds,
# alternating the stores; prints every round, then the medians and the
# PostgreSQL/SQLite ratios, with the load average before and after.
#
# PostgreSQL 15 runs from Debian's binaries on loopback (tests/lib/pg.sh),
# synchronous_commit on, no standby (pg_failover.test.sh has one).
#
# usage: bench/pg_bench.sh [BUILD_DIR]
#        (env: TICKETS, MESSAGES, ROUNDS, DURATION, CONNS, THREADS, MAILS)
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)
B=$(cd "${1:-$SRC/build}" && pwd)
TICKETS=${TICKETS:-10000}
MESSAGES=${MESSAGES:-$((TICKETS * 5))}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-5s}
CONNS=${CONNS:-32}
THREADS=${THREADS:-4}
MAILS=${MAILS:-300}
command -v wrk >/dev/null || { echo "install wrk (apt-get install wrk)"; exit 1; }
H=$B/helpdesk/helpdesk
WEB=$B/web/helpdesk-web
MG=$B/mailgw/helpdesk-mailgw
T=$(mktemp -d "${TMPDIR:-/tmp}/hdpgb.XXXXXX")
chmod 755 "$T"
PIDS=()
CLEANUPS=()
on_exit() { CLEANUPS+=("$1"); } # tests/lib/pg.sh chains its stop here
cleanup() {
    local p i
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    for ((i = ${#CLEANUPS[@]} - 1; i >= 0; i--)); do eval "${CLEANUPS[$i]}" || true; done
    rm -rf "$T"
}
trap cleanup EXIT
source "$SRC/tests/lib/pg.sh"
echo "load before: $(uptime | sed 's/.*load average: //') ($(nproc) cores)"

pg_init
pg_fresh_db PGDB

CONF="web.threads = $THREADS
web.rate_limit_per_minute = 100000000
web.per_ip_connections = 256
smtp.maildir = $T/outmail"
"$H" --data "$T/sqlite" init --profile dev >/dev/null
"$H" --data "$T/pg" init --profile dev --store "$PGDB" >/dev/null
for s in sqlite pg; do
    echo "$CONF" >>"$T/$s/helpdesk.conf"
    start=$(date +%s)
    "$H" --data "$T/$s" demo --tickets "$TICKETS" --messages "$MESSAGES" >/dev/null
    echo "$s: demo --tickets $TICKETS --messages $MESSAGES: $(($(date +%s) - start)) s"
done
# Node B of the PostgreSQL instance: the documented copy, blobs shared.
mkdir -m 0750 "$T/pgb"
for f in "$T/pg"/*; do
    case ${f##*/} in blobs | spool | run) ;; *) cp -pr "$f" "$T/pgb/" ;; esac
done
ln -s "$T/pg/blobs" "$T/pgb/blobs"

# web NAME DIR: starts helpdesk-web, sets URL_NAME.
web() {
    "$WEB" --data "$2" --listen 127.0.0.1:0 >"$T/$1.out" 2>"$T/$1.log" &
    PIDS+=($!)
    local i u=
    for ((i = 0; i < 200; i++)); do
        u=$(sed -n 's/^listening on //p' "$T/$1.out")
        [ -n "$u" ] && break
        sleep 0.05
    done
    [ -n "$u" ] || { echo "helpdesk-web $1 did not start: $(cat "$T/$1.log")"; exit 1; }
    printf -v "URL_$1" '%s' "$u"
}
web sqlite "$T/sqlite"
web sqlite2 "$T/sqlite"
web pg "$T/pg"
web pg2 "$T/pgb"

# signin URL -> the agent cookie (agent1: role agent, so every query
# carries the visibility test); sessions are rows, so one serves both
# nodes of a store.
signin() {
    local jar=$T/jar.$RANDOM tok code
    curl -s -c "$jar" -b "$jar" "$1/agent/login" >"$T/body"
    tok=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/body" | head -1)
    code=$(curl -s -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" \
        --data-urlencode "csrf=$tok" --data-urlencode "email=agent1@example.com" \
        --data-urlencode "password=demo-password-2026" "$1/agent/login")
    [ "$code" = 303 ] || { echo "sign-in failed on $1: $code" >&2; exit 1; }
    echo "hd_agent=$(awk '$6 == "hd_agent" {print $7}' "$jar")"
}
COOKIE_sqlite=$(signin "$URL_sqlite")
COOKIE_pg=$(signin "$URL_pg")

# The same ticket on both (the demo is deterministic): the one at a
# quarter of the support queue with five messages.
PICK="SELECT t.number FROM ticket t JOIN queue q ON q.id = t.queue_id
    WHERE q.name = 'support' AND (SELECT count(*) FROM message m
    WHERE m.ticket_id = t.id) = 5 ORDER BY t.id LIMIT 1 OFFSET $((TICKETS / 4))"
NUM_sqlite=$(sqlite3 "$T/sqlite/helpdesk.db" "$PICK")
NUM_pg=$(pg_sql "$PGDB" "$PICK")
[ "$NUM_sqlite" = "$NUM_pg" ] || echo "note: the stores picked tickets $NUM_sqlite and $NUM_pg"
for s in sqlite pg; do
    c=COOKIE_$s u=URL_$s n=NUM_$s
    for p in "/agent/?view=open&sort=due" "/agent/tickets/${!n}" \
        "/agent/?q=%E9%9A%9C%E5%AE%B3" "/faq/search?q=%E9%9A%9C%E5%AE%B3"; do
        code=$(curl -s -o "$T/page" -w '%{http_code}' -H "Cookie: ${!c}" "${!u}$p")
        [ "$code" = 200 ] || { echo "$s $p: $code"; exit 1; }
    done
done
curl -s -o "$T/page" -H "Cookie: $COOKIE_pg" "$URL_pg/agent/?view=open&sort=due"
rows=$(grep -c '<tr class="ticket' "$T/page" || true)

# wrk1 URL [ARGS...] -> requests/s (p99 ms in $T/p99)
wrk1() {
    local url=$1 out=$T/wrk.$RANDOM
    shift
    wrk -t2 -c"$CONNS" -d"$DURATION" --latency "$@" "$url" >"$out" 2>&1
    awk '$1 == "99%" { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
                       printf "%.1f\n", u == "us" ? v / 1000 : u == "s" ? v * 1000 : v }' "$out" >"$T/p99.$BASHPID"
    awk '/Requests\/sec/ {print $2}' "$out"
}
# run STORE NODES PAGE -> requests/s summed over the nodes
run() {
    local s=$1 nodes=$2 page=$3 c=COOKIE_$1 n=NUM_$1 path args=() u1 u2
    case $page in
    queue) path="/agent/?view=open&sort=due" ;;
    ticket) path="/agent/tickets/${!n}" ;;
    agent-search) path="/agent/?q=%E9%9A%9C%E5%AE%B3" ;;
    faq-search) path="" args=(-s "$SRC/bench/search_distinct.lua") ;;
    esac
    u1=URL_$s u2=URL_${s}2
    if [ "$nodes" = 1 ]; then
        wrk1 "${!u1}$path" -H "Cookie: ${!c}" "${args[@]}"
    else
        wrk1 "${!u1}$path" -H "Cookie: ${!c}" "${args[@]}" >"$T/r1" &
        local w=$!
        wrk1 "${!u2}$path" -H "Cookie: ${!c}" "${args[@]}" >"$T/r2"
        wait $w
        awk '{s += $1} END {printf "%.2f\n", s}' "$T/r1" "$T/r2"
    fi
}

echo "tickets: $TICKETS, messages: $MESSAGES, queue page rows: $rows;" \
    "threads: $THREADS, connections: $CONNS per node, $DURATION per run, $ROUNDS rounds"
: >"$T/all"
printf '%-6s %-7s %-5s %-13s %10s\n' round store nodes page req/s
for round in $(seq 1 "$ROUNDS"); do
    for page in queue ticket agent-search faq-search; do
        for nodes in 1 2; do
            for s in sqlite pg; do
                r=$(run "$s" "$nodes" "$page")
                printf '%-6s %-7s %-5s %-13s %10s\n' "$round" "$s" "$nodes" "$page" "$r"
                echo "$s $nodes $page $r" >>"$T/all"
            done
        done
    done
done
echo "load after the page runs: $(uptime | sed 's/.*load average: //')"

# deliver: MAILS mails through one LMTP server per store, one at a time.
for s in sqlite pg; do
    "$MG" --data "$T/$s" lmtp >"$T/lmtp-$s.out" 2>"$T/lmtp-$s.log" &
    PIDS+=($!)
    for ((i = 0; i < 200; i++)); do [ -S "$T/$s/run/lmtp.sock" ] && break; sleep 0.05; done
done
for round in $(seq 1 "$ROUNDS"); do
    for s in sqlite pg; do
        t0=$(date +%s.%N)
        python3 "$SRC/tests/e2e/lib/lmtp_feed.py" --count "$MAILS" \
            --prefix "b$round" --acked "$T/acked-$s-$round" \
            --rcpt support@example.com "$T/$s/run/lmtp.sock" >/dev/null
        t1=$(date +%s.%N)
        r=$(python3 -c "print('%.1f' % ($MAILS / ($t1 - $t0)))")
        printf '%-6s %-7s %-5s %-13s %10s msg/s\n' "$round" "$s" 1 deliver "$r"
        echo "$s 1 deliver $r" >>"$T/all"
    done
done
echo "load after: $(uptime | sed 's/.*load average: //')"

med() { # STORE NODES PAGE
    awk -v s="$1" -v n="$2" -v p="$3" '$1 == s && $2 == n && $3 == p {print $4}' "$T/all" |
        sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
echo "medians of $ROUNDS rounds (req/s; deliver msg/s):"
printf '%-13s %5s %10s %10s %8s\n' page nodes sqlite pg pg/sqlite
for page in queue ticket agent-search faq-search deliver; do
    for nodes in 1 2; do
        [ "$page" = deliver ] && [ "$nodes" = 2 ] && continue
        a=$(med sqlite "$nodes" "$page")
        b=$(med pg "$nodes" "$page")
        printf '%-13s %5s %10s %10s %8s\n' "$page" "$nodes" "$a" "$b" "$(ratio "$b" "$a")"
    done
done
echo "two nodes / one node:"
for page in queue ticket agent-search faq-search; do
    printf '%-13s sqlite %s  pg %s\n' "$page" \
        "$(ratio "$(med sqlite 2 "$page")" "$(med sqlite 1 "$page")")" \
        "$(ratio "$(med pg 2 "$page")" "$(med pg 1 "$page")")"
done
echo "PostgreSQL backends at the end: $(pg_sql "$PGDB" "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")"
