#!/bin/bash
# web_public.test.sh - the public FAQ site over real HTTP: a temporary
# instance, helpdesk-web on 127.0.0.1 port 0, curl.  Status codes, security
# headers, escaping of hostile articles and queries, invalid UTF-8, 404/405/
# 413/429, votes with CSRF, ETag/304, gzip, both languages, sitemap/Atom.
source "$(dirname "$0")/lib.sh"
set +eo pipefail # counts failed checks and goes on, then fails at the end
PID=
fails=0
cleanup() {
    [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
}
on_exit cleanup
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }
check() { # check DESCRIPTION COMMAND...
    local d=$1; shift
    if "$@"; then ok "$d"; else fail "$d"; fi
}

start() { # start the server, set URL
    "$WEB" --data "$T/inst" --listen 127.0.0.1:0 >"$T/out" 2>>"$T/log" &
    PID=$!
    for _ in $(seq 1 100); do
        grep -q '^listening on' "$T/out" 2>/dev/null && break
        sleep 0.05
    done
    URL=$(sed -n 's/^listening on //p' "$T/out")
    [ -n "$URL" ] || { echo "server did not start"; cat "$T/log"; exit 1; }
}
stop() {
    kill -TERM "$PID"
    wait "$PID"
    local rc=$?
    PID=
    return $rc
}

"$HD" --data "$T/inst" init >/dev/null || { echo "init failed"; exit 1; }
cat >>"$T/inst/helpdesk.conf" <<'CONF'
instance.public_url = https://support.example.test
web.rate_limit_per_minute = 100000
CONF
mkdir "$T/docs"
cp "$HD_SRC/tests/e2e/data/"*.md "$T/docs/"
"$HD" --data "$T/inst" faq import "$T/docs" >/dev/null || { echo "import"; exit 1; }
printf '# 利用規約\n\n第1条 <b>本規約</b>は...\n' >"$T/terms.md"
"$HD" --data "$T/inst" faq terms ja "$T/terms.md" >/dev/null

# --- CLI: announcements and export ----------------------------------------
"$HD" --data "$T/inst" announce add --kind status --title-ja '一部機能で<遅延>' \
    --title-en 'Some features <slow>' >/dev/null
check "status announcement published" [ $? = 0 ]
soon=$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ)
later=$(date -u -d '+1 day 3 hours' +%Y-%m-%dT%H:%M:%SZ)
"$HD" --data "$T/inst" announce add --kind maintenance --title-ja 保守 \
    --title-en Maintenance --start "$soon" --end "$later" >/dev/null 2>"$T/ann.err"
check "short-notice maintenance refused" [ $? != 0 ]
check "refusal says why" grep -q 'business days' "$T/ann.err"
"$HD" --data "$T/inst" announce add --kind maintenance --title-ja 緊急保守 \
    --title-en 'Urgent maintenance' --start "$soon" --end "$later" --force \
    >/dev/null 2>"$T/ann.err"
check "--force publishes" [ $? = 0 ]
check "--force is logged" grep -q 'announce_forced' "$T/ann.err"
"$HD" --data "$T/inst" faq export "$T/export" >/dev/null
check "export writes one file per article and language" \
    [ "$(ls "$T/export" | wc -l)" = "$(ls "$T/docs" | wc -l)" ]
"$HD" --data "$T/inst" faq import "$T/export" >"$T/reimport"
check "re-import is idempotent" grep -q ' 0 articles created' "$T/reimport"

start
c() { curl -s --max-time 10 "$@"; }
status() { c -o /dev/null -w '%{http_code}' "$@"; }

# --- status codes and headers ---------------------------------------------
check "/ is 200" [ "$(status "$URL/")" = 200 ]
check "/healthz says ok" [ "$(c "$URL/healthz")" = ok ]
H=$(c -D - -o /dev/null "$URL/")
for h in "Content-Security-Policy: default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'" \
         "X-Content-Type-Options: nosniff" "Referrer-Policy: same-origin" \
         "X-Frame-Options: DENY"; do
    check "header $h" grep -qiF "$h" <<<"$H"
done
check "X-Request-Id sent" grep -qiE '^X-Request-Id: [0-9a-f]{16}' <<<"$H"
H404=$(c -D - -o /dev/null "$URL/nope")
check "404 page also has the CSP" grep -qi '^Content-Security-Policy' <<<"$H404"
check "unknown page is 404" [ "$(status "$URL/nope")" = 404 ]
check "unknown article is 404" [ "$(status "$URL/faq/no-such-article")" = 404 ]
check "bad slug is 404" [ "$(status "$URL/faq/..%2Fetc")" = 404 ]
check "internal article is 404" [ "$(status "$URL/faq/internal-runbook")" = 404 ]
check "draft article is 404" [ "$(status "$URL/faq/draft-note")" = 404 ]
check "POST / is 405" [ "$(status -X POST -d x=1 "$URL/")" = 405 ]
check "405 says Allow" grep -qi '^Allow: GET' <<<"$(c -D - -o /dev/null -X DELETE "$URL/faq/")"
check "HEAD works" [ "$(status -I "$URL/faq/")" = 200 ]

# --- escaping -------------------------------------------------------------
A=$(c "$URL/faq/hostile")
check "hostile article is 200" [ "$(status "$URL/faq/hostile")" = 200 ]
check "no raw script from the title" bash -c '! grep -q "<script>alert" <<<"$1"' _ "$A"
check "title escaped" grep -qF '&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;' <<<"$A"
check "javascript: link blanked" bash -c '! grep -qi "javascript:" <<<"$1"' _ "$A"
check "raw HTML omitted" grep -qF '<!-- raw HTML omitted -->' <<<"$A"
check "no event handler attribute" bash -c '! grep -qi "onerror=" <<<"$1"' _ "$A"
check "internal link rewritten" grep -qF 'href="/faq/invoice-reissue"' <<<"$A"
Q='"><script>alert(1)</script>'
S=$(c -G --data-urlencode "q=$Q" "$URL/faq/search")
check "hostile query not echoed raw" bash -c '! grep -qF "<script>alert(1)" <<<"$1"' _ "$S"
check "hostile query escaped in value" grep -qF 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' <<<"$S"
check "invalid UTF-8 query is 400" [ "$(status "$URL/faq/search?q=%FF%FEabc")" = 400 ]
c "$URL/faq/search?q=%FF%FEabc" >"$T/bad.html"
check "invalid bytes never echoed" bash -c '! LC_ALL=C grep -q $'"'"'\xff'"'"' "$1"' _ "$T/bad.html"
check "overlong query is 400" [ "$(status "$URL/faq/search?q=$(printf 'a%.0s' $(seq 1 600))")" = 400 ]
check "FTS syntax is literal" [ "$(status -G --data-urlencode 'q=NEAR(" OR *' "$URL/faq/search")" = 200 ]

# --- search ---------------------------------------------------------------
for q in 障害 請求 解約 パスワード; do
    R=$(c -G --data-urlencode "q=$q" "$URL/faq/search")
    check "search $q finds an article" grep -q 'class="results"' <<<"$R"
    check "search $q marks the term" grep -qF "<mark>$q</mark>" <<<"$R"
done
R=$(c -G --data-urlencode "q=invoic" -H 'Accept-Language: en' "$URL/faq/search")
check "English prefix search" grep -qF 'href="/faq/invoice-reissue"' <<<"$R"
R=$(c -G --data-urlencode "q=pasword" -H 'Accept-Language: en' "$URL/faq/search")
check "spelling suggestion" grep -qF 'search?q=password' <<<"$R"
R=$(c -G --data-urlencode "q=runbook" "$URL/faq/search")
check "internal article not searchable" bash -c '! grep -q internal-runbook <<<"$1"' _ "$R"

# --- languages ------------------------------------------------------------
check "Accept-Language en" grep -q '<html lang="en">' <<<"$(c -H 'Accept-Language: en-US,en;q=0.9' "$URL/")"
check "Accept-Language ja" grep -q '<html lang="ja">' <<<"$(c -H 'Accept-Language: ja,en;q=0.5' "$URL/")"
H=$(c -D - -o /dev/null "$URL/?lang=en")
check "?lang=en sets the cookie" grep -qi '^Set-Cookie: lang=en' <<<"$H"
check "cookie remembered" grep -q '<html lang="en">' <<<"$(c -b lang=en -H 'Accept-Language: ja' "$URL/faq/")"
check "English article text" grep -q 'Reissuing an invoice' <<<"$(c -b lang=en "$URL/faq/invoice-reissue")"
check "Japanese-only article falls back" grep -q '請求書の宛名' <<<"$(c -b lang=en "$URL/faq/ja-only")"
check "Terms page from the database" grep -qF '<h1>利用規約</h1>' <<<"$(c -b lang=ja "$URL/terms")"
check "Terms escapes raw HTML" bash -c '! grep -qF "<b>本規約" <<<"$1"' _ "$(c -b lang=ja "$URL/terms")"
TOP=$(c "$URL/")
check "top page shows the status announcement escaped" grep -qF '一部機能で&lt;遅延&gt;' <<<"$TOP"
check "top page shows the forced maintenance" grep -qF '緊急保守' <<<"$TOP"
check "top page shows the contact addresses" grep -q 'incident@example.com' <<<"$(c "$URL/")"

# --- votes and CSRF -------------------------------------------------------
# Reading makes no visitor: the form carries the anonymous token and the
# response sets no cookie; the first vote makes the visitor.
JAR="$T/jar"
A="$URL/faq/invoice-reissue"
H=$(c -c "$JAR" -D - "$A")
TOKEN=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' <<<"$H")
check "vote form has a token" [ ${#TOKEN} = 64 ]
check "reading an article sets no cookie" bash -c '! grep -qi "^Set-Cookie" <<<"$1"' _ "$H"
check "no cookie kept" bash -c '! grep -q "	v	" "$1"' _ "$JAR"
check "another first visitor, the same token" [ "$(c "$A" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p')" = "$TOKEN" ]
SAME=(-H "Origin: ${URL}" -H "Sec-Fetch-Site: same-origin")
check "vote without token is 403" [ "$(status "${SAME[@]}" -d helpful=yes "$A/vote")" = 403 ]
check "vote with a forged token is 403" [ "$(status "${SAME[@]}" -d "helpful=yes&csrf=${TOKEN/a/b}0" "$A/vote")" = 403 ]
check "vote with the token changed in one digit is 403" [ "$(status "${SAME[@]}" -d "helpful=yes&csrf=${TOKEN:0:63}$([ "${TOKEN:63}" = 0 ] && echo 1 || echo 0)" "$A/vote")" = 403 ]
check "anonymous token from another site (Origin) is 403" [ "$(status -H 'Origin: https://evil.example' -d "helpful=yes&csrf=$TOKEN" "$A/vote")" = 403 ]
check "anonymous token from a sandbox (Origin: null) is 403" [ "$(status -H 'Origin: null' -d "helpful=yes&csrf=$TOKEN" "$A/vote")" = 403 ]
check "anonymous token cross-site (Sec-Fetch-Site) is 403" [ "$(status -H 'Sec-Fetch-Site: cross-site' -d "helpful=yes&csrf=$TOKEN" "$A/vote")" = 403 ]
check "anonymous token from another site (Referer) is 403" [ "$(status -H 'Referer: https://evil.example/x' -d "helpful=yes&csrf=$TOKEN" "$A/vote")" = 403 ]
check "anonymous token refused for a visitor with a cookie" [ "$(status "${SAME[@]}" -b "v=0123456789abcdef0123456789abcdef" -d "helpful=yes&csrf=$TOKEN" "$A/vote")" = 403 ]
check "no vote recorded by the refusals" [ "$(sql "$T/inst" 'SELECT count(*) FROM faq_vote')" = 0 ]
H=$(c "${SAME[@]}" -c "$JAR" -D - -o /dev/null -d "helpful=yes&csrf=$TOKEN" "$A/vote")
check "first vote is 303" grep -q '^HTTP/1.1 303' <<<"$H"
check "first vote makes the visitor" grep -qiE '^Set-Cookie: v=[0-9a-f]{32};.*HttpOnly' <<<"$H"
check "vote recorded" [ "$(sql "$T/inst" 'SELECT count(*) FROM faq_vote')" = 1 ]
check "page thanks the voter" grep -q 'class="thanks"' <<<"$(c -b "$JAR" "$A")"
check "the voter's page sets no cookie either" bash -c '! grep -qi "^Set-Cookie" <<<"$1"' _ "$(c -b "$JAR" -D - -o /dev/null "$A")"
check "the anonymous token is refused once the visitor exists" [ "$(status "${SAME[@]}" -b "$JAR" -d "helpful=yes&csrf=$TOKEN" "$A/vote")" = 403 ]
B="$URL/faq/password"
VTOKEN=$(c -b "$JAR" "$B" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p')
check "the visitor's own token on the next article" [ ${#VTOKEN} = 64 ] && [ "$VTOKEN" != "$TOKEN" ]
check "visitor's token without the cookie is 403" [ "$(status "${SAME[@]}" -d "helpful=yes&csrf=$VTOKEN" "$B/vote")" = 403 ]
check "vote with the visitor's token is 303" [ "$(status -b "$JAR" -d "helpful=yes&csrf=$VTOKEN" "$B/vote")" = 303 ]
check "second vote is 303 too" [ "$(status -b "$JAR" -d "helpful=no&csrf=$VTOKEN" "$B/vote")" = 303 ]
check "one visitor, two articles" [ "$(sql "$T/inst" "SELECT count(DISTINCT visitor) || '/' || count(*) FROM faq_vote")" = 1/2 ]
check "413 for a large body" [ "$(head -c 2000000 /dev/zero | status -b "$JAR" --data-binary @- "$URL/faq/invoice-reissue/vote")" = 413 ]

# --- static assets, caching, gzip -----------------------------------------
CSS=$(grep -o '/static/app-[0-9a-f]*\.css' <<<"$(c "$URL/")")
check "fingerprinted CSS is immutable" grep -qi 'Cache-Control: public, max-age=31536000, immutable' <<<"$(c -D - -o /dev/null "$URL$CSS")"
ETAG=$(c -D - -o /dev/null "$URL/static/app.css" | sed -n 's/^[Ee][Tt]ag: *//p' | tr -d '\r')
check "ETag present" [ -n "$ETAG" ]
check "If-None-Match gives 304" [ "$(status -H "If-None-Match: $ETAG" "$URL/static/app.css")" = 304 ]
check "wrong ETag gives 200" [ "$(status -H 'If-None-Match: "x"' "$URL/static/app.css")" = 200 ]
H=$(c -D - -o "$T/gz" -H 'Accept-Encoding: gzip' "$URL/faq/")
check "gzip when accepted" grep -qi '^Content-Encoding: gzip' <<<"$H"
check "gzip body is the page" bash -c 'gzip -dc "$1" | grep -q "</html>"' _ "$T/gz"
check "no gzip when not accepted" bash -c '! c() { :; }; ! curl -s -D - -o /dev/null "$1" | grep -qi "^Content-Encoding"' _ "$URL/faq/"

# --- sitemap and feed -------------------------------------------------------
c "$URL/sitemap.xml" >"$T/sitemap.xml"
check "sitemap is well-formed" xmllint --noout "$T/sitemap.xml"
check "sitemap has canonical URLs" grep -qF '<loc>https://support.example.test/faq/invoice-reissue</loc>' "$T/sitemap.xml"
check "sitemap hides internal" bash -c '! grep -q internal-runbook "$1"' _ "$T/sitemap.xml"
c "$URL/faq/feed.atom" >"$T/feed.atom"
check "feed is well-formed (control characters stripped)" xmllint --noout "$T/feed.atom"
check "canonical link on articles" grep -qF '<link rel="canonical" href="https://support.example.test/faq/invoice-reissue">' <<<"$(c "$URL/faq/invoice-reissue")"

# --- graceful stop, then the rate limit -------------------------------------
# a burst on one connection: its access log lines are buffered per thread
c -o /dev/null "$URL/faq/burst-[1-400]"
check "SIGTERM stops cleanly" stop
check "access log has request ids" grep -qE 'ev=request req=[0-9a-f]{16} .*status=200' "$T/log"
burst_lines() { # whole access log lines of the burst, one per request
    grep -cE '^ts=[0-9TZ:-]+ level=info prog=helpdesk-web mod=web ev=request req=[0-9a-f]{16} ip=127\.0\.0\.1 method=GET path="/faq/burst-[0-9]+" status=404 bytes=[0-9]+ ms=[0-9.]+$' "$T/log"
}
check "every request of the burst logged whole after SIGTERM ($(burst_lines))" [ "$(burst_lines)" = 400 ]
check "no burst request logged twice" [ "$(grep -o 'path="/faq/burst-[0-9]*"' "$T/log" | sort -u | wc -l)" = 400 ]
check "burst lines in request order" bash -c 'grep -o "path=\"/faq/burst-[0-9]*\"" "$1" | tr -dc "0-9\n" | sort -nc' _ "$T/log"
check "the stop is logged once" [ "$(grep -c 'ev=stopping' "$T/log")" = 1 ]
echo 'web.rate_limit_per_minute = 5' >>"$T/inst/helpdesk.conf"
start
codes=""
for _ in 1 2 3 4 5 6 7; do codes="$codes $(status "$URL/faq/")"; done
check "rate limit answers 429 ($codes)" grep -q '429' <<<"$codes"
check "first requests pass ($codes)" [ "${codes:1:3}" = 200 ]
H=$(c -D - -o /dev/null "$URL/faq/")
check "429 has Retry-After" grep -qiE '^Retry-After: [0-9]+' <<<"$H"
check "healthz is not limited" [ "$(status "$URL/healthz")" = 200 ]
stop

[ "$fails" = 0 ] || { echo "$fails checks failed"; exit 1; }
echo "all checks passed"
