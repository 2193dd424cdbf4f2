#!/bin/bash
# web_slow.test.sh - slow clients cannot take the web server offline.  A
# slowloris attack from five loopback addresses (60 connections each,
# trickling a header line every 2 s and never ending the head; closed
# connections are reopened) runs for 24 s while a client on 127.0.0.7
# fetches /healthz and a FAQ article every 2 s.  Every probe must answer
# 200 in under a second, and the server must close each slow connection
# once web.head_timeout_seconds (10) has passed: none may stay open for
# 16 s, however busy it keeps its trickle; nor may a request body sent
# at 10 bytes a second (web.min_body_bytes_per_second, 1024).  Defaults
# throughout: the per-address cap must leave room for everyone else.
source "$(dirname "$0")/lib.sh"
I=$T/inst
"$HD" --data "$I" --profile test init >/dev/null
mkdir "$T/docs"
cp "$HD_SRC/tests/e2e/data/"*.md "$T/docs/"
"$HD" --data "$I" faq import "$T/docs" >/dev/null
start_web "$I"
port=${URL##*:}
assert_eq 200 "$(curl -s -o /dev/null -w '%{http_code}' --interface 127.0.0.7 "$URL/faq/invoice-reissue")" "the FAQ article answers before the attack"

python3 "$HD_SRC/tests/e2e/lib/slowloris.py" 127.0.0.1 "$port" 24 \
    /healthz /faq/invoice-reissue >"$T/report.json" 2>"$T/slowloris.err" ||
    fail "attack script: $(cat "$T/slowloris.err")"
# One line: probes, refused or failed probes, slow probes, connections held
# 5 s, the longest life, the slow body's life and whether it was closed.
read -r n bad slow held life body body_closed < <(json '"%d %s %s %d %s %s %s" % (
    len(d["probes"]),
    "".join(str([p for p in d["probes"] if p[1] != 200]).split()),
    "".join(str([p for p in d["probes"] if p[2] >= 1.0]).split()),
    d["held_5s"], d["max_life"], d["body_life"], d["body_closed"])' \
    <"$T/report.json")
echo "attack: $(sed 's/, "probes".*//' "$T/report.json")}"

assert_eq "[]" "$bad" "every probe answered 200"
assert_eq "[]" "$slow" "every probe answered in under a second"
[ "$n" -ge 10 ] || fail "only $n probes ran"
pass "$n probes during the attack"
[ "$held" -ge 100 ] || fail "the attack held only $held connections for 5 s (was it refused outright?)"
pass "the attack held $held connections for 5 s or more"
[ "${life%.*}" -lt 16 ] || fail "a slow connection stayed open $life s"
pass "no slow connection stayed open 16 s (longest: $life s)"
assert_eq True "$body_closed" "the server closed the connection of a body sent at 10 bytes/s"
[ "${body%.*}" -lt 16 ] || fail "the slow body was read for $body s"
pass "the slow body was cut after $body s"
grep -q 'head_timeout' "$T/web.log" || fail "no head_timeout line in the log"
pass "head timeouts are logged"
grep -q 'slow_body' "$T/web.log" || fail "no slow_body line in the log"
pass "the slow body is logged"
