#!/bin/bash
# web_profile.sh - where helpdesk-web's CPU goes on one page under wrk:
# perf (DWARF call graphs) on the server while wrk runs, then the share
# of samples in the request handler (answer(): routing, the page, the
# response headers), in the completion callback (completed(): the
# access-log line, freeing the request), in libmicrohttpd's pool clear
# (memset), in write(2) (the log), and in the kernel.
# usage: bench/web_profile.sh [BUILD_DIR] [PATH]
#   (env: ARTICLES=2000, DURATION=8, CONNS=16, THREADS=2)
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)
B=${1:-$SRC/build}
PAGE=${2:-/faq/art-500}
ARTICLES=${ARTICLES:-2000}
DURATION=${DURATION:-8}
CONNS=${CONNS:-16}
THREADS=${THREADS:-2}
for t in wrk perf; do
    command -v $t >/dev/null || { echo "install $t"; exit 1; }
done
T=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$T"; }
trap cleanup EXIT
# KEEP=FILE keeps perf.data there for perf report
"$B/helpdesk/helpdesk" --data "$T/inst" init >/dev/null
cat >>"$T/inst/helpdesk.conf" <<CONF
web.threads = $THREADS
web.rate_limit_per_minute = 100000000
web.per_ip_connections = 256
CONF
mkdir "$T/docs"
for i in $(seq 1 "$ARTICLES"); do
    printf -- '---\ntitle: About invoices %d\ncategory: cat-%d\n---\nYou can change the settings of the invoice from the admin screen.\n\n1. Sign in.\n2. Open settings.\n3. Pick one and save.\n\nArticle %d.\n' \
        "$i" $((i % 20)) "$i" >"$T/docs/art-$i.en.md"
done
"$B/helpdesk/helpdesk" --data "$T/inst" faq import "$T/docs" >/dev/null
"$B/web/helpdesk-web" --data "$T/inst" --listen 127.0.0.1:0 >"$T/out" 2>"$T/log" &
WPID=$!
PIDS+=($WPID)
for _ in $(seq 1 100); do grep -q '^listening' "$T/out" && break; sleep 0.1; done
URL=$(sed -n 's/^listening on //p' "$T/out")
wrk -t1 -c"$CONNS" -d2s "$URL$PAGE" >/dev/null # warm the caches
perf record -q -F 999 --call-graph dwarf,16384 -p "$WPID" -o "$T/perf.data" \
    -- sleep "$DURATION" 2>/dev/null &
PP=$!
wrk -t1 -c"$CONNS" -d"$((DURATION + 1))s" "$URL$PAGE" | awk '/Requests\/sec/'
wait "$PP" || true
[ -n "${KEEP:-}" ] && cp "$T/perf.data" "$KEEP"
perf report -i "$T/perf.data" --children --sort sym -g none 2>/dev/null >"$T/rep"
share() { # share SYMBOL: children % of the symbol
    awk -v s="$1" '$NF == s {print $1; exit}' "$T/rep"
}
total=$(perf report -i "$T/perf.data" --stdio --sort dso -g none 2>/dev/null |
    awk '/^# Samples/ {print $3; exit}')
echo "samples: $total"
for s in answer completed __memset_avx512_unaligned_erms __GI___libc_write \
         __GI___getrandom MHD_add_response_header entry_SYSCALL_64_after_hwframe; do
    printf '%-34s %8s\n' "$s" "$(share "$s")"
done
