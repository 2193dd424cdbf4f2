#!/bin/bash
# web_cache.test.sh - the public site's in-memory caches (rendered
# articles, search pages, top page) over real HTTP: edits and deletes made
# by another process (`helpdesk faq edit/delete`, `announce add`) show on
# the article page, in search and on the top page within the stated
# bound (polled, a bounded number of tries); hostile text stays escaped
# when served from the cache; each visitor still gets its own CSRF token
# in a cached article, and only that token is accepted.
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
c() { curl -s --max-time 10 "$@"; }
status() { c -o /dev/null -w '%{http_code}' "$@"; }
# eventually DESCRIPTION COMMAND...: true within 60 tries 0.1 s apart (the
# caches promise about one second)
eventually() {
    local d=$1; shift
    for _ in $(seq 1 60); do
        if "$@"; then ok "$d"; return; fi
        sleep 0.1
    done
    fail "$d"
}
has() { c "$1" | grep -qF -- "$2"; }
hasnt() { ! c "$1" | grep -qF -- "$2"; }
gone() { [ "$(status "$1")" = 404 ]; }

"$HD" --data "$T/inst" init >/dev/null || { echo "init failed"; exit 1; }
echo 'web.rate_limit_per_minute = 100000' >>"$T/inst/helpdesk.conf"
mkdir "$T/docs"
cp "$HD_SRC/tests/e2e/data/"*.md "$T/docs/"
"$HD" --data "$T/inst" faq import "$T/docs" >/dev/null || { echo "import"; exit 1; }
"$WEB" --data "$T/inst" --listen 127.0.0.1:0 >"$T/out" 2>>"$T/log" &
PID=$!
for _ in $(seq 1 100); do
    grep -q '^listening on' "$T/out" 2>/dev/null && break
    sleep 0.05
done
URL=$(sed -n 's/^listening on //p' "$T/out")
[ -n "$URL" ] || { echo "server did not start"; cat "$T/log"; exit 1; }

# --- an edit by another process reaches the cached article and search ----
A="$URL/faq/password?lang=en"
check "article served" has "$A" "I forgot my password"
check "article served again (cached)" has "$A" "I forgot my password"
check "search finds the article" has "$URL/faq/search?q=forgot&lang=en" '/faq/password"'
check "search for the new word finds nothing yet" \
    has "$URL/faq/search?q=zebracorn&lang=en" 'class="none"'
cat >"$T/password.en.md" <<'MD'
---
title: Resetting a forgotten password
category: account
---
Use the zebracorn link on the sign-in page.
MD
"$HD" --data "$T/inst" faq edit "$T/password.en.md" >/dev/null
check "faq edit ran" [ $? = 0 ]
eventually "edited title on the article page" has "$A" "Resetting a forgotten password"
eventually "old title gone from the article page" hasnt "$A" "I forgot my password"
eventually "edited body searchable" \
    has "$URL/faq/search?q=zebracorn&lang=en" '/faq/password"'
"$HD" --data "$T/inst" faq delete password >/dev/null
check "faq delete ran" [ $? = 0 ]
eventually "deleted article is 404" gone "$A"
eventually "deleted article gone from search" \
    has "$URL/faq/search?q=zebracorn&lang=en" 'class="none"'

# --- announcements reach the cached top page -------------------------------
check "top page served" has "$URL/?lang=en" '<h1>'
"$HD" --data "$T/inst" announce add --kind status --title-ja 遅延 \
    --title-en 'Cache <test> delay' >/dev/null
eventually "announcement on the top page" has "$URL/?lang=en" 'Cache &lt;test&gt; delay'

# --- hostile text stays escaped from the cache -----------------------------
for i in 1 2 3; do
    H=$(c "$URL/faq/hostile?lang=ja")
    check "hostile article $i: no raw script" \
        bash -c '! grep -qiE "<script>alert|<img src=x" <<<"$1"' _ "$H"
    check "hostile article $i: title escaped" \
        grep -qF '&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;' <<<"$H"
done
Q='%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E'
for i in 1 2; do
    S=$(c "$URL/faq/search?q=$Q")
    check "hostile query $i not echoed raw" \
        bash -c '! grep -qF "<script>alert(1)" <<<"$1"' _ "$S"
    check "hostile query $i escaped" grep -qF '&lt;script&gt;alert(1)' <<<"$S"
done

# --- each visitor its own token in a cached article ------------------------
P="$URL/faq/invoice-reissue"
VA=v=0123456789abcdef0123456789aaaaaa # visitors who have voted before
VB=v=0123456789abcdef0123456789bbbbbb
token() { c ${1:+-b "$1"} "$P" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p'; }
TA=$(token "$VA")
TB=$(token "$VB")
TN=$(token "")
check "visitor A has a token" [ ${#TA} = 64 ]
check "visitor B has a token" [ ${#TB} = 64 ]
check "a first-time visitor has the anonymous token" [ ${#TN} = 64 ]
check "the tokens differ" [ "$TA" != "$TB" ] && [ "$TA" != "$TN" ] && [ "$TB" != "$TN" ]
check "A's token stays A's" [ "$(token "$VA")" = "$TA" ]
check "the anonymous token is everyone's" [ "$(token "")" = "$TN" ]
check "A's token refused for B" \
    [ "$(status -b "$VB" -d "helpful=yes&csrf=$TA" "$P/vote")" = 403 ]
check "the anonymous token refused for B" \
    [ "$(status -b "$VB" -d "helpful=yes&csrf=$TN" "$P/vote")" = 403 ]
check "A votes with A's token" \
    [ "$(status -b "$VA" -d "helpful=yes&csrf=$TA" "$P/vote")" = 303 ]
check "A is thanked" grep -q 'class="thanks"' <<<"$(c -b "$VA" "$P")"
check "A sees no form" bash -c '! grep -q name=\"csrf\" <<<"$1"' _ "$(c -b "$VA" "$P")"
check "B still sees the form with B's token" [ "$(token "$VB")" = "$TB" ]
check "a first-time visitor still sees the form" [ "$(token "")" = "$TN" ]

# --- gzip from the cache: the same page, compressed once -------------------
same_gz() { # same_gz URL [COOKIE]: gzip body inflates to the plain body
    local b=${2-$VA}
    c ${b:+-b "$b"} -o "$T/plain" "$1" &&
    c ${b:+-b "$b"} -H 'Accept-Encoding: gzip' -D "$T/hdr" -o "$T/gz" "$1" &&
    grep -qi '^content-encoding: gzip' "$T/hdr" &&
    gzip -t "$T/gz" && gunzip -c "$T/gz" | cmp -s - "$T/plain"
}
check "cached article in gzip (token inside)" same_gz "$URL/faq/ja-only"
check "gzip article has the visitor's token" \
    bash -c 'gunzip -c "$1" | grep -qF "value=\"$2\""' _ "$T/gz" "$TA"
check "cached article in gzip (first-time visitor)" same_gz "$URL/faq/ja-only" ""
check "gzip article has the anonymous token" \
    bash -c 'gunzip -c "$1" | grep -qF "value=\"$2\""' _ "$T/gz" "$TN"
check "cached article in gzip (voted)" same_gz "$P"
check "cached search page in gzip" same_gz "$URL/faq/search?q=forgot&lang=en"
check "cached top page in gzip" same_gz "$URL/?lang=en"

kill -TERM "$PID"
wait "$PID"
check "clean shutdown" [ $? = 0 ]
PID=
[ "$fails" = 0 ] || { echo "$fails check(s) failed"; exit 1; }
echo "all checks passed"
