#!/bin/bash
# atrest_bench.sh BUILD_DIR [RUNS] - what sealing blobs at rest costs:
# in-process `deliver` of mails with one attachment (20 KB: inline tier;
# 700 KB: file tier) and API downloads of those attachments, on two
# instances that differ only in blob.encrypt (true: sealed, false:
# plaintext as before).  Runs alternate between the two so load drift hits
# both; prints each run and the medians.
set -euo pipefail
B=$(cd "${1:?usage: atrest_bench.sh BUILD_DIR [RUNS]}" && pwd)
RUNS=${2:-3}
HD=$B/helpdesk/helpdesk MG=$B/mailgw/helpdesk-mailgw WEB=$B/web/helpdesk-web
T=$(mktemp -d /tmp/hd-atrest-bench.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$T"' EXIT
N_SMALL=40 N_BIG=10 GETS=300

python3 - "$T" <<'PY'
import os, sys
from email.message import EmailMessage
t = sys.argv[1]
for name, size in (("small", 20000), ("big", 700000)):
    data = os.urandom(size // 2) + b"text " * (size // 10)
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = "ann@cust.test", "support@support.test", "bench " + name
    m.set_content("see attached\n")
    m.add_attachment(data[:size], maintype="application", subtype="octet-stream", filename=name + ".bin")
    open(os.path.join(t, name + ".eml"), "w").write(m.as_string())
PY

setup() { # DIR ENCRYPT
    "$HD" --data "$1" init >/dev/null
    "$HD" --data "$1" queue add support --address support@support.test >/dev/null
    printf 'blob.encrypt = %s\n' "$2" >>"$1/helpdesk.conf"
    echo 'correct horse battery staple' | "$HD" --data "$1" user add \
        --email a@support.test --name A --role agent >/dev/null
}
now() { date +%s.%N; }
# deliver_rate DIR KIND N: messages per second.
deliver_rate() {
    local t0 t1 i
    t0=$(now)
    for ((i = 0; i < $3; i++)); do
        sed "s/^Subject: bench $2/Subject: bench $2 $RANDOM$i/" "$T/$2.eml" |
            "$MG" --data "$1" deliver --recipient support@support.test 2>/dev/null
    done
    t1=$(now)
    python3 -c "print(round($3 / ($t1 - $t0), 1))"
}
# get_rate DIR KIND: attachment downloads per second over one connection.
get_rate() {
    local tok url port t0 t1 id
    sqlite3 "$1/helpdesk.db" "UPDATE attachment SET scan_state = 'clean'"
    tok=$("$HD" --data "$1" token add --user a@support.test --scope read --json |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
    id=$(sqlite3 "$1/helpdesk.db" "SELECT min(id) FROM attachment WHERE filename = '$2.bin'")
    "$WEB" --data "$1" --listen 127.0.0.1:0 >"$T/web.out" 2>/dev/null &
    local pid=$!
    for ((i = 0; i < 100; i++)); do grep -q '^listening' "$T/web.out" 2>/dev/null && break; sleep 0.05; done
    url="$(sed -n 's/^listening on //p' "$T/web.out")/api/v1/attachments/$id"
    : >"$T/curl.cfg"
    for ((i = 0; i < GETS; i++)); do printf 'url = "%s"\noutput = "/dev/null"\n' "$url" >>"$T/curl.cfg"; done
    curl -s -H "Authorization: Bearer $tok" "$url" | cmp -s - <(sqlite3 "$1/helpdesk.db" "SELECT 1" >/dev/null; "$HD" --data "$1" blobs cat "$(sqlite3 "$1/helpdesk.db" "SELECT sha256 FROM attachment WHERE id = $id")") || { echo "download differs" >&2; exit 1; }
    t0=$(now)
    curl -s -H "Authorization: Bearer $tok" -K "$T/curl.cfg"
    t1=$(now)
    kill "$pid"; wait "$pid" 2>/dev/null || true
    python3 -c "print(round($GETS / ($t1 - $t0), 1))"
}
median() { python3 -c 'import statistics,sys; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }

declare -A res
for ((r = 1; r <= RUNS; r++)); do
    for enc in false true; do
        D="$T/$enc-$r"
        setup "$D" "$enc"
        s=$(deliver_rate "$D" small $N_SMALL)
        b=$(deliver_rate "$D" big $N_BIG)
        gs=$(get_rate "$D" small)
        gb=$(get_rate "$D" big)
        echo "run $r encrypt=$enc: deliver 20KB $s msg/s, 700KB $b msg/s; download 20KB $gs/s, 700KB $gb/s"
        res[$enc-ds]+=" $s" res[$enc-db]+=" $b" res[$enc-gs]+=" $gs" res[$enc-gb]+=" $gb"
    done
done
for k in ds db gs gb; do
    p=$(median ${res[false-$k]}) e=$(median ${res[true-$k]})
    echo "median $k: plaintext $p, sealed $e, ratio $(python3 -c "print(round($e / $p, 2))")"
done
uptime
