#!/bin/bash
# upload_bench.sh - a 19 MiB file through the API (multipart/form-data,
# POST /api/v1/tickets/N/notes): wall time per upload (median of RUNS,
# each file different so none is deduplicated) against writing the same
# bytes with dd conv=fsync to the same disk in the same run, and the web
# server's peak RSS (VmHWM) before and after, which shows the file is
# streamed to the blob store, never held whole.
# usage: bench/upload_bench.sh [BUILD_DIR] [RUNS]
set -euo pipefail
BUILD=${1:-build-rel}
RUNS=${2:-5}
HD=$BUILD/helpdesk/helpdesk
MG=$BUILD/mailgw/helpdesk-mailgw
WEB=$BUILD/web/helpdesk-web
T=$(mktemp -d)
trap 'kill $WPID 2>/dev/null; wait $WPID 2>/dev/null; rm -rf "$T"' EXIT
I=$T/inst
MB=19
"$HD" --data "$I" init >/dev/null
"$HD" --data "$I" queue add support --address support@support.test >/dev/null
echo 'correct horse battery staple' | "$HD" --data "$I" user add \
    --email a@support.test --name A --role agent --queues support >/dev/null
printf 'From: c@cust.test\nTo: support@support.test\nSubject: s\nMessage-ID: <b@c>\n\nhi\n' |
    "$MG" --data "$I" deliver --recipient support@support.test 2>/dev/null
TOK=$("$HD" --data "$I" token add --user a@support.test --scope write | sed -n 's/^token [0-9]*: //p')
"$WEB" --data "$I" --listen 127.0.0.1:0 >"$T/web.out" 2>"$T/web.log" &
WPID=$!
for _ in $(seq 1 100); do grep -q '^listening on' "$T/web.out" && break; sleep 0.05; done
URL=$(sed -n 's/^listening on //p' "$T/web.out")
hwm() { awk '/VmHWM/ {print $2}' "/proc/$WPID/status"; }
for i in $(seq 1 "$RUNS"); do
    head -c $((MB << 20)) /dev/zero |
        openssl enc -aes-128-ctr -nosalt -K "$(printf '%032x' "$i")" -iv "$(printf '%032d' 0)" >"$T/f$i.bin"
done
curl -s -o /dev/null -H "Authorization: Bearer $TOK" -F 'body=warm' "$URL/api/v1/tickets/10001/notes"
before=$(hwm)
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
up=$(for i in $(seq 1 "$RUNS"); do
    curl -s -o "$T/r$i" -w '%{time_total}\n' -H "Authorization: Bearer $TOK" \
        -F 'body=file' -F "files=@$T/f$i.bin" "$URL/api/v1/tickets/10001/notes"
    grep -q '"files":1' "$T/r$i" || { echo "upload $i failed: $(cat "$T/r$i")" >&2; exit 1; }
done | median)
after=$(hwm)
dd_t=$(for i in $(seq 1 "$RUNS"); do
    s=$(date +%s.%N)
    dd if="$T/f$i.bin" of="$I/dd$i.bin" bs=1M conv=fsync status=none
    e=$(date +%s.%N)
    echo "$e - $s" | bc -l
    rm -f "$I/dd$i.bin"
done | median)
printf 'upload %d MiB: median %.3f s (%.1f MiB/s); dd conv=fsync: %.3f s; ratio %.2f\n' \
    "$MB" "$up" "$(echo "$MB / $up" | bc -l)" "$dd_t" "$(echo "$up / $dd_t" | bc -l)"
printf 'helpdesk-web peak RSS: %d KiB before, %d KiB after %d uploads\n' "$before" "$after" "$RUNS"
uptime
