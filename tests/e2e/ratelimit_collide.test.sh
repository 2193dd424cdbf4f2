#!/bin/bash
# ratelimit_collide.test.sh - the rate-limit bypass by two addresses that
# share a bucket slot: alternating requests between them used to reset
# the bucket each time and were never limited.  Now the two share one
# bucket, so together they get one burst, while a third address still
# gets its own.
source "$(dirname "$0")/lib.sh"
I=$T/inst
"$HD" --data "$I" --profile test init >/dev/null
conf "$I" web.rate_limit_per_minute 20
read -r A B < <("$HD_BIN/tests/tools/hdt_rate_slot") || fail "no colliding pair found"
pass "colliding addresses $A and $B"
start_web "$I"
get() { curl -s -o /dev/null -w '%{http_code}' --interface "$1" "$URL/faq/"; }
ok=0 limited=0
for ((i = 0; i < 30; i++)); do
    for ip in "$A" "$B"; do
        case $(get "$ip") in 429) limited=$((limited + 1)) ;; *) ok=$((ok + 1)) ;; esac
    done
done
echo "alternating $A and $B: $ok answered, $limited limited (rate 20 a minute)"
[ "$ok" -le 24 ] || fail "alternating two colliding addresses got $ok answers, more than one burst"
[ "$limited" -ge 36 ] || fail "only $limited of 60 alternating requests were limited"
pass "alternating two colliding addresses gets one burst in all"
C=127.0.200.9
[ "$(get "$C")" != 429 ] || fail "a third address is limited too"
pass "a third address keeps its own bucket"
