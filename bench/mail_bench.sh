#!/bin/bash
# mail_bench.sh - how fast mail gets in.
#
#   bench/mail_bench.sh [BUILD_DIR] [DELIVER_COUNT] [CORPUS_COUNT]
#
# 1. deliver: DELIVER_COUNT messages of the corpus, one
#    `helpdesk-mailgw deliver` process each (durable: fsync before exit 0),
#    against the floor (bench/floor.c: read stdin, append, fsync) started
#    the same way.  Ratio = deliver rate / floor rate.
# 2. import: the whole corpus as one mbox into a fresh instance, three
#    runs, median messages per second.
# 3. peak RSS of `deliver` for one 20 MB message (/usr/bin/time -v).
#
# The corpus (tests/e2e/lib/mailgen.py): plain, Japanese (UTF-8 and
# ISO-2022-JP), every 20th with an attachment, every 10th a reply.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
B=$(cd "${1:-$SRC/build}" && pwd)
N=${2:-1000}
C=${3:-10000}
MG=$B/mailgw/helpdesk-mailgw
HD=$B/helpdesk/helpdesk
W=$(mktemp -d "${TMPDIR:-/tmp}/hdbench.XXXXXX")
trap 'rm -rf "$W"' EXIT
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

now() { date +%s.%N; }
rate() { python3 -c "print('%.1f' % ($1 / ($3 - $2)))"; }

cc -O2 -o "$W/floor" "$SRC/bench/floor.c"
python3 "$SRC/tests/e2e/lib/mailgen.py" --count "$C" --dir "$W/corpus" \
    --reply-every 10 --attach-every 20 >/dev/null
python3 "$SRC/tests/e2e/lib/mailgen.py" --count "$C" --mbox "$W/corpus.mbox" \
    --reply-every 10 --attach-every 20 >/dev/null
mapfile -t files < <(ls "$W/corpus"/*.eml | head -n "$N")
echo "corpus: $C messages, $(du -sh "$W/corpus" | cut -f1) on disk; deliver loop: ${#files[@]}"

"$HD" --data "$W/d" init >/dev/null
t0=$(now)
for f in "${files[@]}"; do
    "$MG" --data "$W/d" deliver --recipient support@support.test <"$f" 2>/dev/null
done
t1=$(now)
for f in "${files[@]}"; do "$W/floor" "$W/floor.out" <"$f"; done
t2=$(now)
dr=$(rate "${#files[@]}" "$t0" "$t1")
fr=$(rate "${#files[@]}" "$t1" "$t2")
echo "deliver: $dr msg/s   floor: $fr msg/s   ratio: $(python3 -c "print('%.0f%%' % (100 * $dr / $fr))")"

runs=()
for k in 1 2 3; do
    "$HD" --data "$W/i$k" init >/dev/null
    t0=$(now)
    "$MG" --data "$W/i$k" import "$W/corpus.mbox" 2>/dev/null
    t1=$(now)
    runs+=("$(rate "$C" "$t0" "$t1")")
done
echo "import: ${runs[*]} msg/s   median: $(printf '%s\n' "${runs[@]}" | sort -n | sed -n 2p) msg/s"

python3 - "$W/big.eml" <<'PY'
import base64, os, sys
blob = os.urandom(15 * 1024 * 1024)
with open(sys.argv[1], "wb") as f:
    f.write(b"From: big@example.org\r\nTo: support@support.test\r\n"
            b"Subject: big\r\nMessage-ID: <big@bench.test>\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: multipart/mixed; boundary=\"B\"\r\n\r\n--B\r\n"
            b"Content-Type: text/plain\r\n\r\nsee attachment\r\n--B\r\n"
            b"Content-Type: application/octet-stream\r\n"
            b"Content-Disposition: attachment; filename=\"big.bin\"\r\n"
            b"Content-Transfer-Encoding: base64\r\n\r\n")
    f.write(base64.encodebytes(blob).replace(b"\n", b"\r\n"))
    f.write(b"--B--\r\n")
PY
/usr/bin/time -v "$MG" --data "$W/d" deliver <"$W/big.eml" 2>"$W/time.out" >/dev/null
echo "deliver of $(du -m "$W/big.eml" | cut -f1) MB: peak RSS $(awk -F': ' '/Maximum resident/ {printf "%.1f MB", $2/1024}' "$W/time.out"), exit $(awk -F': ' '/Exit status/ {print $2}' "$W/time.out")"
