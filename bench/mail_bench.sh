#!/bin/bash
# mail_bench.sh - how fast mail gets in.
#
#   bench/mail_bench.sh [BUILD_DIR] [DELIVER_COUNT] [CORPUS_COUNT]
#
# 1. deliver: DELIVER_COUNT messages of the corpus, one
#    `helpdesk-mailgw deliver` process each (durable: fsync before exit 0),
#    three ways in the same run, three runs, medians:
#    - lmtp: the launcher hands each message to a running
#      `helpdesk-mailgw lmtp` (the fast path);
#    - in-process: no server, the launcher execs the full program
#      (the fallback, and the only path before the LMTP server);
#    - floor: bench/floor.c (read stdin, append, fsync) started the same
#      way, in blocks of BLOCK (20) messages alternating with the lmtp
#      blocks of the same run.
#    Ratio = the median of the runs' lmtp/floor ratios (the ratio of the
#    median rates is printed too); in-process against the median floor.
#    The LMTP server's peak RSS after each run's loop.  Then syncs per
#    message (strace -c -f) of the server and of the launcher, over
#    SYNC_COUNT messages, and the launcher's peak RSS for one message.
# 2. import: the whole corpus as one mbox into a fresh instance, three
#    runs, median messages per second and median peak RSS.
# 3. peak RSS of `deliver` for one 20 MB message (/usr/bin/time -v).
#
# The corpus (tests/e2e/lib/mailgen.py): plain, Japanese (UTF-8 and
# ISO-2022-JP), every 20th with an attachment, every 10th a reply.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
B=$(cd "${1:-$SRC/build}" && pwd)
N=${2:-300}
C=${3:-10000}
SYNC_COUNT=${SYNC_COUNT:-50}
MG=$B/mailgw/helpdesk-mailgw
HD=$B/helpdesk/helpdesk
W=$(mktemp -d "${TMPDIR:-/tmp}/hdbench.XXXXXX")
LMTP_PID=
stop_lmtp() {
    [ -n "$LMTP_PID" ] || return 0
    # Under strace the server is strace's child: stop the server itself.
    kill -TERM $(pgrep -P "$LMTP_PID" || echo "$LMTP_PID") 2>/dev/null || true
    wait "$LMTP_PID" 2>/dev/null || true
    LMTP_PID=
}
trap 'stop_lmtp; rm -rf "$W"' EXIT
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

median() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
pct() { python3 -c "print('%.0f%%' % (100 * $1 / $2))"; }
# start_lmtp DIR [WRAPPER...]: the server on DIR, ready when it says so.
start_lmtp() {
    local d=$1 i
    shift
    "$@" "$MG" --data "$d" lmtp >"$W/lmtp.out" 2>"$W/lmtp.log" &
    LMTP_PID=$!
    for ((i = 0; i < 100; i++)); do
        grep -q '^listening' "$W/lmtp.out" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "lmtp server did not start: $(cat "$W/lmtp.log")" >&2
    exit 1
}
# loop DIR: the deliver loop; prints its rate.
loop() {
    local t0 t1 f
    t0=$(now)
    for f in "${files[@]}"; do
        "$MG" --data "$1" deliver --recipient support@support.test <"$f" 2>/dev/null ||
            { echo "deliver failed: $f" >&2; exit 1; }
    done
    t1=$(now)
    rate "${#files[@]}" "$t0" "$t1"
}
# lmtp and floor alternate in blocks of BLOCK messages within a run, so
# both see the same machine (its load and disk latency drift over a run);
# each run's ratio is its lmtp rate over its floor rate.
BLOCK=${BLOCK:-20}
# block DIR|"" FROM: one block of deliveries (DIR "": the floor); prints
# its seconds.
block() {
    local t0 t1 f
    t0=$EPOCHREALTIME
    for f in "${files[@]:$2:$BLOCK}"; do
        if [ -n "$1" ]; then
            "$MG" --data "$1" deliver --recipient support@support.test <"$f" 2>/dev/null ||
                { echo "deliver failed: $f" >&2; exit 1; }
        else
            "$W/floor" "$W/floor.out" <"$f"
        fi
    done
    t1=$EPOCHREALTIME
    python3 -c "print($t1 - $t0)"
}
lmtp_r=() inproc_r=() floor_r=() ratio_r=() hwm=()
for k in 1 2 3; do
    "$HD" --data "$W/l$k" init >/dev/null
    "$HD" --data "$W/p$k" init >/dev/null
    start_lmtp "$W/l$k"
    lt=0 ft=0
    for ((i = 0; i < ${#files[@]}; i += BLOCK)); do
        lt=$(python3 -c "print($lt + $(block "$W/l$k" "$i"))")
        ft=$(python3 -c "print($ft + $(block "" "$i"))")
    done
    hwm+=("$(awk '/^VmHWM/ {print $2}' "/proc/$LMTP_PID/status")")
    stop_lmtp
    rm -f "$W/floor.out"
    lmtp_r+=("$(rate "${#files[@]}" 0 "$lt")")
    floor_r+=("$(rate "${#files[@]}" 0 "$ft")")
    ratio_r+=("$(python3 -c "print('%.3f' % ($ft / $lt))")")
    inproc_r+=("$(loop "$W/p$k")")
    echo "run $k: lmtp ${lmtp_r[-1]}  floor ${floor_r[-1]} msg/s" \
        "(interleaved, ratio ${ratio_r[-1]})  in-process ${inproc_r[-1]} msg/s"
done
lm=$(median "${lmtp_r[@]}") ip=$(median "${inproc_r[@]}") fl=$(median "${floor_r[@]}")
rt=$(median "${ratio_r[@]}")
echo "deliver (median of 3): lmtp $lm msg/s, floor $fl msg/s:" \
    "$(python3 -c "print('%.0f%%' % (100 * $rt))") of the floor (median of the runs' ratios;" \
    "ratio of the medians $(pct "$lm" "$fl")), in-process $ip msg/s ($(pct "$ip" "$fl"))"
echo "lmtp server peak RSS after ${#files[@]} messages: $(median "${hwm[@]}" | awk '{printf "%.1f MB", $1/1024}') (median of 3)"

# Syncs per message: the server under strace, then the launcher alone.
"$HD" --data "$W/s" init >/dev/null
start_lmtp "$W/s" strace -f -c -o "$W/strace.lmtp" -e trace=fsync,fdatasync,sync_file_range,syncfs
files=("${files[@]:0:$SYNC_COUNT}")
loop "$W/s" >/dev/null
stop_lmtp
start_lmtp "$W/s"
strace -f -c -o "$W/strace.launcher" -e trace=fsync,fdatasync,syncfs,execve \
    "$MG" --data "$W/s" deliver --recipient support@support.test <"${files[0]}"
/usr/bin/time -v "$MG" --data "$W/s" deliver --recipient support@support.test \
    <"${files[1]}" 2>"$W/time.launcher"
stop_lmtp
syncs=$(awk '$NF ~ /^(fsync|fdatasync|sync_file_range|syncfs)$/ {n += $4} END {print n + 0}' "$W/strace.lmtp")
echo "lmtp server syncs: $syncs for ${#files[@]} messages ($(python3 -c "print('%.2f' % ($syncs / ${#files[@]}))") per message):"
grep -E 'fsync|fdatasync|sync_file_range|syncfs' "$W/strace.lmtp" || true
echo "launcher (one deliver handed over): $(awk '$NF ~ /sync/ {n += $4} END {print n + 0}' "$W/strace.launcher") syncs, $(awk '$NF == "execve" {print $4}' "$W/strace.launcher") execve"
echo "launcher libraries: $(ldd "$MG" | grep -c '=>') (full program: $(ldd "$B/mailgw/helpdesk-mailgw-core" | grep -c '=>'))," \
    "peak RSS of one handed-over deliver: $(awk -F': ' '/Maximum resident/ {printf "%.1f MB", $2/1024}' "$W/time.launcher")"
mapfile -t files < <(ls "$W/corpus"/*.eml | head -n "$N")

runs=() rss=()
for k in 1 2 3; do
    "$HD" --data "$W/i$k" init >/dev/null
    t0=$(now)
    /usr/bin/time -v "$MG" --data "$W/i$k" import "$W/corpus.mbox" 2>"$W/time.import"
    t1=$(now)
    runs+=("$(rate "$C" "$t0" "$t1")")
    rss+=("$(awk -F': ' '/Maximum resident/ {print $2}' "$W/time.import")")
done
echo "import: ${runs[*]} msg/s   median: $(median "${runs[@]}") msg/s;" \
    "peak RSS $(median "${rss[@]}" | awk '{printf "%.1f MB", $1/1024}') (median of 3)"

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
/usr/bin/time -v "$MG" --data "$W/s" deliver <"$W/big.eml" 2>"$W/time.out" >/dev/null
echo "deliver of $(du -m "$W/big.eml" | cut -f1) MB: peak RSS $(awk -F': ' '/Maximum resident/ {printf "%.1f MB", $2/1024}' "$W/time.out"), exit $(awk -F': ' '/Exit status/ {print $2}' "$W/time.out")"
