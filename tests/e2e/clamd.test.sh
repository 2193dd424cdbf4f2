#!/bin/bash
# clamd.test.sh - hd_scan_buffer()/hd_scan_ping() against a real clamd with
# an offline EICAR-only database: clean file, EICAR plain, in a zip, across
# a chunk boundary; over clamd's size limit; clamd stopped -> temporary.
set -euo pipefail
source "$(dirname "$0")/lib/peers.sh"
peers_init
TOOL="$HD_BIN/tests/tools/hdt_scan"

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# scan WANT_RC FILE_OR_--ping: runs the tool; the output is in $out.
scan() {
    local want=$1 rc=0
    out=$("$TOOL" "$CLAMD_SOCKET" "$2") || rc=$?
    [ "$rc" = "$want" ] || fail "$2: exit $rc, want $want: $out"
}

start_clamd
E="$CLAMD_DIR/eicar.com"

scan 0 --ping
[ "$out" = pong ] || fail "ping: $out"

echo 'Quarterly report: nothing to see here.' >"$T/clean.txt"
scan 0 "$T/clean.txt"
[ "$out" = clean ] || fail "clean file: $out"

scan 0 "$E"
case "$out" in "infected Test.EICAR"*) ;; *) fail "eicar: $out" ;; esac

"$PEERS_PY" -c 'import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.write(sys.argv[2], "invoice.com")' "$T/eicar.zip" "$E"
scan 0 "$T/eicar.zip"
case "$out" in "infected Test.EICAR"*) ;; *) fail "eicar in zip: $out" ;; esac

# The signature straddles the first 64 KiB chunk boundary.
{ head -c $((65536 - 20)) /dev/zero | tr '\0' 'a'; cat "$E"; } >"$T/split.bin"
scan 0 "$T/split.bin"
case "$out" in "infected Test.EICAR"*) ;; *) fail "split eicar: $out" ;; esac

# Empty input is clean, not an error.
: >"$T/empty"
scan 0 "$T/empty"
[ "$out" = clean ] || fail "empty: $out"

# Over StreamMaxLength (25M): clamd's error, reported, no SIGPIPE death.
head -c $((26 * 1024 * 1024)) /dev/zero >"$T/big.bin"
scan 0 "$T/big.bin"
case "$out" in "error too_big: clamd: INSTREAM size limit"*) ;;
*) fail "over the limit: $out" ;; esac
rm -f "$T/big.bin"

# clamd stopped: temporary error, for scans and pings.
peers_stop_all
scan 75 "$T/clean.txt"
case "$out" in "error temporary:"*) ;; *) fail "clamd down: $out" ;; esac
scan 75 --ping
echo "ok: clamd"
