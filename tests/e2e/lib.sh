# lib.sh - sourced by every tests/e2e/*.test.sh.  Gives a private temp dir
# ($T), the built programs ($HD, $MG, $WEB), and small assertions that
# print what they compared.
set -euo pipefail
: "${HD_BIN:?HD_BIN must point at the build directory}"
: "${HD_SRC:?HD_SRC must point at the source directory}"
HD="$HD_BIN/helpdesk/helpdesk"
MG="$HD_BIN/mailgw/helpdesk-mailgw"
WEB="$HD_BIN/web/helpdesk-web"
T=$(mktemp -d "${TMPDIR:-/tmp}/hd-e2e.XXXXXX")
chmod 755 "$T"
_hd_cleanups=()
on_exit() { _hd_cleanups+=("$1"); }
_hd_exit() {
    local rc=$?
    if declare -f peers_stop_all >/dev/null; then peers_stop_all || true; fi
    for ((i=${#_hd_cleanups[@]}-1; i>=0; i--)); do eval "${_hd_cleanups[$i]}" || true; done
    if [ "$rc" -eq 0 ]; then rm -rf "$T"; else echo "kept $T for inspection" >&2; fi
    exit "$rc"
}
trap _hd_exit EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok - $*"; }
assert_eq() { # expected actual message
    [ "$1" == "$2" ] || fail "$3: expected [$1], got [$2]"
    pass "$3"
}
assert_contains() { # haystack needle message
    case "$1" in *"$2"*) pass "$3" ;; *) fail "$3: [$2] not in [${1:0:400}]" ;; esac
}
assert_status() { # expected-status message command...
    local want=$1 msg=$2; shift 2
    set +e; "$@" >"$T/last.out" 2>"$T/last.err"; local got=$?; set -e
    [ "$got" -eq "$want" ] || fail "$msg: exit $got, wanted $want; stderr: $(cat "$T/last.err")"
    pass "$msg"
}

# use_peers: makes the real test servers of lib/peers.sh available
# (start_smtp_sink, start_postfix, start_dovecot, start_clamd) in $T; they
# are stopped on exit.
use_peers() {
    source "$HD_SRC/tests/e2e/lib/peers.sh"
    peers_init
    trap _hd_exit EXIT
}

# conf DIR KEY VALUE: sets a key in an instance's helpdesk.conf.
conf() { printf '%s = %s\n' "$2" "$3" >> "$1/helpdesk.conf"; }

# json EXPR: evaluates a Python expression over the JSON on stdin (d).
# N bytes that look random but are the same on every run (SEED picks which):
# /dev/urandom makes libmagic see an "MZ" executable about once in a hundred
# runs, and such a file is refused instead of stored.
fixed_bytes() { # count seed
    head -c "$1" /dev/zero |
        openssl enc -aes-128-ctr -nosalt -K "$(printf '%032x' "$2")" -iv "$(printf '%032d' 0)"
}
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# start_web INSTANCE: starts helpdesk-web on a free loopback port, sets URL
# and WEB_PID; stopped on exit.
start_web() {
    "$WEB" --data "$1" --listen 127.0.0.1:0 >"$T/web.out" 2>>"$T/web.log" &
    WEB_PID=$!
    on_exit "kill $WEB_PID 2>/dev/null; wait $WEB_PID 2>/dev/null"
    local i
    for ((i = 0; i < 100; i++)); do
        grep -q '^listening on' "$T/web.out" 2>/dev/null && break
        sleep 0.05
    done
    URL=$(sed -n 's/^listening on //p' "$T/web.out")
    [ -n "$URL" ] || fail "helpdesk-web did not start: $(cat "$T/web.log")"
}

# store_url INSTANCE: the instance's PostgreSQL URL (store.url in its
# helpdesk.conf), empty for an instance on SQLite.
store_url() {
    sed -n 's/^[[:space:]]*store\.url[[:space:]]*=[[:space:]]*//p' \
        "$1/helpdesk.conf" 2>/dev/null | tail -n 1
}

# sql INSTANCE [SQL]: runs SQL (else stdin) on the instance's store,
# sqlite3 on INSTANCE/helpdesk.db or psql on its store.url, and prints
# rows as both print them unaligned: columns joined by |, NULL empty
# (SQL_TIMEOUT_MS: how long SQLite waits for a lock, default 5000).
# INSTANCE may also be given as INSTANCE/helpdesk.db.
sql() {
    local dir=$1 url
    case $dir in */helpdesk.db) dir=${dir%/helpdesk.db} ;; esac
    shift
    url=$(store_url "$dir")
    if [ -n "$url" ]; then
        if [ $# -gt 0 ]; then
            "${PG_BIN:-/usr/lib/postgresql/15/bin}/psql" -X -v ON_ERROR_STOP=1 -Atq -d "$url" -c "$1"
        else
            "${PG_BIN:-/usr/lib/postgresql/15/bin}/psql" -X -v ON_ERROR_STOP=1 -Atq -d "$url" -f -
        fi
    else
        sqlite3 -cmd ".timeout ${SQL_TIMEOUT_MS:-5000}" "$dir/helpdesk.db" "$@"
    fi
}

# HD_TEST_STORE=pg: every instance made with "$HD" ... init is on a new
# PostgreSQL database (tests/e2e/lib/pgstore.sh).
case ${HD_TEST_STORE:-sqlite} in
sqlite) ;;
pg) source "$HD_SRC/tests/e2e/lib/pgstore.sh" ;;
*) fail "HD_TEST_STORE=$HD_TEST_STORE: sqlite or pg" ;;
esac
