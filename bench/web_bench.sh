#!/bin/bash
# web_bench.sh - helpdesk-web under wrk with ARTICLES articles (ja+en):
# an article page, a Japanese two-character search, an English search,
# against a bare libmicrohttpd server serving a constant page of the
# article page's size (bench/baseline_mhd.c).  The two searches repeat
# one query (served from the result cache after the first request);
# "search-new" (one word) and "search-new2" (two words) send a query
# never asked before on every request (bench/search_distinct.lua), so
# they show the uncached cost.  Prints
# requests/s, the ratio to the baseline, p99 latency and the server's RSS.
# usage: bench/web_bench.sh [BUILD_DIR] (env: ARTICLES, DURATION, CONNS)
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)
B=${1:-$SRC/build}
ARTICLES=${ARTICLES:-10000}
DURATION=${DURATION:-15s}
CONNS=${CONNS:-32}
THREADS=${THREADS:-4}
command -v wrk >/dev/null || { echo "install wrk (apt-get install wrk)"; exit 1; }
T=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$T"; }
trap cleanup EXIT

cc -O2 -o "$T/baseline" "$SRC/bench/baseline_mhd.c" -lmicrohttpd
"$B/helpdesk/helpdesk" --data "$T/inst" init >/dev/null
cat >>"$T/inst/helpdesk.conf" <<CONF
web.threads = $THREADS
web.rate_limit_per_minute = 100000000
web.per_ip_connections = 256
CONF
mkdir "$T/docs"
awk -v n="$ARTICLES" -v dir="$T/docs" 'BEGIN {
  split("請求書 解約 障害 パスワード 設定 通知 契約 容量 招待 権限 画面 言語", w, " ");
  split("invoice cancellation outage password settings notification contract quota invite role screen language", e, " ");
  for (i = 1; i <= n; i++) {
    a = w[i % 12 + 1]; b = w[(i * 7) % 12 + 1]; c = e[i % 12 + 1]; d = e[(i * 7) % 12 + 1];
    f = dir "/art-" i ".ja.md";
    printf "---\ntitle: %sと%sについて %d\ncategory: cat-%d\n---\n%sの%sは管理画面から変更できます。詳しい手順は次のとおりです。\n\n1. 管理画面にログインします。\n2. 設定を開きます。\n3. %sを選び保存します。\n\n記事番号 %d。\n", a, b, i, i % 20, a, b, b, i > f; close(f);
    f = dir "/art-" i ".en.md";
    printf "---\ntitle: About %s and %s %d\ncategory: cat-%d\n---\nYou can change the %s of the %s from the admin screen.\n\n1. Sign in.\n2. Open settings.\n3. Pick %s and save.\n\nArticle %d.\n", c, d, i, i % 20, c, d, d, i > f; close(f);
  } }'
start=$(date +%s)
"$B/helpdesk/helpdesk" --data "$T/inst" faq import "$T/docs" >/dev/null
echo "import of $((ARTICLES * 2)) files: $(( $(date +%s) - start )) s"

"$B/web/helpdesk-web" --data "$T/inst" --listen 127.0.0.1:0 >"$T/out" 2>/dev/null &
PIDS+=($!); WPID=$!
for _ in $(seq 1 100); do grep -q '^listening' "$T/out" && break; sleep 0.1; done
URL=$(sed -n 's/^listening on //p' "$T/out")
ART="/faq/art-$((ARTICLES / 2))"
SIZE=$(curl -s "$URL$ART" | wc -c)
BPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$T/baseline" "$BPORT" "$SIZE" "$THREADS" &
PIDS+=($!)
sleep 0.3

run() { # run NAME URL [WRK_OPTION...]
    local name=$1 url=$2
    shift 2
    wrk -t2 -c"$CONNS" -d"$DURATION" --latency "$@" "$url" >"$T/wrk" 2>&1
    local rps p99
    rps=$(awk '/Requests\/sec/ {print $2}' "$T/wrk")
    p99=$(awk '$1 == "99%" {print $2}' "$T/wrk")
    echo "$name $rps $p99"
}
echo "page bytes: $SIZE, threads: $THREADS, connections: $CONNS, duration: $DURATION"
base=$(run baseline "http://127.0.0.1:$BPORT/")
art=$(run article "$URL$ART")
sja=$(run search-ja "$URL/faq/search?q=%E9%9A%9C%E5%AE%B3")
sen=$(run search-en "$URL/faq/search?q=passw")
snew=$(WORDS=1 run search-new "$URL" -s "$SRC/bench/search_distinct.lua")
snew2=$(WORDS=2 run search-new2 "$URL" -s "$SRC/bench/search_distinct.lua")
top=$(run top "$URL/")
rss=$(awk '/VmRSS/ {print $2}' "/proc/$WPID/status")
brps=$(awk '{print $2}' <<<"$base")
printf '%-10s %12s %8s %10s\n' page req/s ratio p99
for l in "$base" "$art" "$sja" "$sen" "$snew" "$snew2" "$top"; do
    read -r name rps p99 <<<"$l"
    printf '%-10s %12s %8s %10s\n' "$name" "$rps" \
        "$(awk -v a="$rps" -v b="$brps" 'BEGIN {printf "%.2f", a / b}')" "$p99"
done
echo "helpdesk-web RSS after the runs: $((rss / 1024)) MiB"
