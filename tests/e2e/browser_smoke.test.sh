#!/bin/bash
# browser_smoke.test.sh - the browser harness works: headless Chromium
# (driven by playwright-core) opens a page served on loopback, clicks a
# button, takes a screenshot into $HD_BIN/artifacts/, sees no console
# error and no axe-core violation; and a broken page is caught.
set -euo pipefail
source "$(dirname "$0")/lib/peers.sh"
peers_init
BR="$HD_SRC/tests/browser"
[ -d "$BR/node_modules/playwright-core" ] || {
    echo "FAIL: run scripts/install-deps.sh --test (npm ci in tests/browser)" >&2
    exit 1
}
mkdir -p "$HD_BIN/artifacts" "$T/www"
cat >"$T/www/index.html" <<'HTML'
<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Smoke</title>
<link rel="icon" href="data:,"></head>
<body>
<main>
<h1>Browser smoke</h1>
<button id="go" type="button">Go</button>
<p id="out" aria-live="polite">waiting</p>
</main>
<script>
document.getElementById('go').addEventListener('click', function () {
  document.getElementById('out').textContent = 'clicked';
});
</script>
</body>
</html>
HTML
# Broken on purpose: a console error, an image without alt text.
sed -e 's|<h1>|<img src="x.png"><h1>|' \
    -e 's|<script>|<script>console.error("boom");|' \
    "$T/www/index.html" >"$T/www/bad.html"

port=$(free_port)
(cd "$T/www" && exec "$PEERS_PY" -m http.server --bind 127.0.0.1 "$port") \
    >"$T/http.log" 2>&1 &
peers_register http $!
wait_port "$port" || { echo "FAIL: http.server" >&2; exit 1; }

shot="$HD_BIN/artifacts/browser_smoke.png"
rm -f "$shot"
node "$BR/smoke.js" "http://127.0.0.1:$port/index.html" "$shot"
[ -s "$shot" ] || { echo "FAIL: no screenshot" >&2; exit 1; }
if node "$BR/smoke.js" "http://127.0.0.1:$port/bad.html" "$T/bad.png" \
    2>"$T/bad.err"; then
    echo "FAIL: broken page passed" >&2
    exit 1
fi
grep -q 'axe: .*image-alt\|console: .*boom' "$T/bad.err" || {
    cat "$T/bad.err" >&2
    echo "FAIL: broken page failed for the wrong reason" >&2
    exit 1
}
echo "ok: browser smoke"
