#!/bin/bash
# web_browser.test.sh - the public FAQ site in headless Chromium
# (tests/browser/public_site.js) against helpdesk-web on 127.0.0.1:0 with
# the demo FAQ.
source "$(dirname "$0")/lib.sh"
set +eo pipefail
BR="$HD_SRC/tests/browser"
[ -d "$BR/node_modules/playwright-core" ] || {
    echo "FAIL: run npm ci in tests/browser" >&2
    exit 1
}
PID=
cleanup() {
    [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
}
on_exit cleanup
mkdir -p "$HD_BIN/artifacts"
"$HD" --data "$T/inst" init >/dev/null || exit 1
"$HD" --data "$T/inst" faq import "$HD_SRC/faq/demo" \
    >/dev/null || exit 1
"$WEB" --data "$T/inst" --listen 127.0.0.1:0 \
    >"$T/out" 2>"$T/log" &
PID=$!
for _ in $(seq 1 100); do
    grep -q '^listening on' "$T/out" 2>/dev/null && break
    sleep 0.05
done
URL=$(sed -n 's/^listening on //p' "$T/out")
[ -n "$URL" ] || { cat "$T/log"; exit 1; }
timeout 120 node "$BR/public_site.js" "$URL" "$HD_BIN/artifacts"
