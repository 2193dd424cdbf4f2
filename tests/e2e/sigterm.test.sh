#!/usr/bin/env bash
# sigterm.test.sh - stopping under load loses nothing.
#  (a) helpdesk-web gets SIGTERM while slow downloads and a stream of
#      requests are running: every request the server accepted completes
#      with its whole body (no reset, no empty reply); later ones are
#      refused; the process exits 0.
#  (b) the worker gets SIGTERM while sending a batch of outbox mail to a
#      TLS SMTP sink: it exits 0, and after a restart every mail was
#      delivered exactly once (Message-IDs in the sink).
#  (c) fetch under SIGKILL is fetch.test.sh's business.
#  (d) 8 parallel `deliver` processes and concurrent backups: every
#      message stored once, every process exits 0, backups verify.
. "$HD_SRC/tests/e2e/lib.sh"
use_peers
I=$T/inst
db() { sql "$I" "$@"; }
"$HD" --data "$I" --profile test init >/dev/null
"$HD" --data "$I" queue add support --address support@support.test >/dev/null
"$HD" --data "$I" faq import "$HD_SRC/faq/demo" >/dev/null

# ---- (a) web ------------------------------------------------------------
"$WEB" --data "$I" --listen 127.0.0.1:0 >"$T/web.out" 2>"$T/web.log" &
WPID=$!
on_exit "kill $WPID 2>/dev/null || true"
for _ in $(seq 1 100); do grep -q '^listening on' "$T/web.out" && break; sleep 0.05; done
URL=$(sed -n 's/^listening on //p' "$T/web.out")
[ -n "$URL" ] || fail "web did not start: $(cat "$T/web.log")"
# Slow uploads (4 KiB at 1 KiB/s): requests certainly in flight at SIGTERM.
head -c 4096 /dev/zero | tr '\0' 'x' >"$T/body"
for i in 1 2 3 4 5 6; do
    ( rc=0; code=$(curl -s --limit-rate 1k --data-binary @"$T/body" -o /dev/null \
          -w '%{http_code}' "$URL/agent/login") || rc=$?
      echo "$rc $code" >"$T/slow.$i" ) &
    echo $! >>"$T/pids.slow"
done
# A stream of short requests from 4 loops, bounded.
for l in 1 2 3 4; do
    ( for r in $(seq 1 400); do
          rc=0; code=$(curl -s -o /dev/null -w '%{http_code}' "$URL/healthz") || rc=$?
          echo "$rc $code"
          [ "$rc" -eq 7 ] && break   # refused: the server has stopped listening
      done >"$T/loop.$l" ) &
    echo $! >>"$T/pids.loop"
done
for _ in $(seq 1 100); do [ "$(cat "$T"/loop.* | wc -l)" -ge 20 ] && break; sleep 0.05; done
kill -TERM $WPID
set +e; wait $WPID; wrc=$?; set -e
assert_eq 0 "$wrc" "helpdesk-web exits 0 on SIGTERM"
for p in $(cat "$T/pids.slow" "$T/pids.loop"); do wait "$p" || true; done
for i in 1 2 3 4 5 6; do
    read -r rc code <"$T/slow.$i"
    [ "$rc" = 0 ] && [ "$code" != 000 ] || fail "slow upload $i: curl exit $rc, HTTP $code"
done
pass "every slow upload running at SIGTERM got its answer"
bad=$(cat "$T"/loop.* | awk '!($1 == 0 && $2 != "000") && $1 != 7' | sort | uniq -c)
ok=$(cat "$T"/loop.* | awk '$1 == 0 && $2 != "000"' | wc -l)
assert_eq "" "$bad" "no request reset or cut short ($ok answered, rest refused)"
grep -q 'ev=stopping' "$T/web.log" || fail "web logged its stop"

# ---- (b) worker ---------------------------------------------------------
start_smtp_sink
printf 'secret\n' >"$T/smtp.pw"
conf "$I" mail.from_address support@support.test
conf "$I" smtp.host 127.0.0.1
conf "$I" smtp.port "$SINK_PORT"
conf "$I" smtp.ca_file "$SINK_CA"
conf "$I" smtp.user agent
conf "$I" smtp.password_file "$T/smtp.pw"
N=80
for i in $(seq 1 $N); do
    printf 'From: c%d@customer.test\nTo: support@support.test\nSubject: Question %d\nMessage-ID: <q%d@customer.test>\n\nHello %d\n' \
        "$i" "$i" "$i" "$i" | "$MG" --data "$I" deliver --recipient support@support.test >/dev/null
done
queued=$(db "SELECT count(*) FROM outbox WHERE state = 'queued'")
assert_eq $N "$queued" "one acknowledgement queued per mail"
"$HD" --data "$I" worker --interval 1 >"$T/worker.out" 2>"$T/worker.log" &
KPID=$!
for _ in $(seq 1 200); do [ "$(sink_count)" -ge 5 ] && break; sleep 0.05; done
kill -TERM $KPID
set +e; wait $KPID; krc=$?; set -e
assert_eq 0 "$krc" "worker exits 0 on SIGTERM"
at_stop=$(sink_count)
echo "# delivered before SIGTERM took effect: $at_stop of $N"
"$HD" --data "$I" worker --once >/dev/null 2>&1
"$HD" --data "$I" worker --once >/dev/null 2>&1
assert_eq $N "$(sink_count)" "after a restart every mail is in the sink"
assert_eq $N "$(grep -hi '^Message-ID:' "$SINK_DIR"/msg-*.eml | sort -u | wc -l)" "each Message-ID exactly once"
assert_eq "sent|$N" "$(db "SELECT state, count(*) FROM outbox GROUP BY state")" "outbox: all sent"

# ---- (d) parallel deliver with concurrent backups -------------------------
M=48
mkdir "$T/mails"
for i in $(seq 1 $M); do
    printf 'From: p%d@customer.test\nTo: support@support.test\nSubject: Parallel %d\nMessage-ID: <par%d@customer.test>\n\nBody %d\n' \
        "$i" "$i" "$i" "$i" >"$T/mails/$i.eml"
done
( for _ in 1 2 3; do "$HD" --data "$I" backup run >/dev/null || exit 1; done ) &
BPID=$!
ls "$T/mails"/*.eml | xargs -P 8 -I{} sh -c '"$1" --data "$2" deliver --recipient support@support.test <"$3" >/dev/null 2>&1' _ "$MG" "$I" {} \
    || fail "a deliver process failed"
pass "all $M deliver processes exited 0"
wait $BPID || fail "a backup run failed"
pass "three backups ran alongside"
assert_eq $M "$(db "SELECT count(*) FROM message WHERE message_id LIKE 'par%@customer.test'")" "every message stored"
assert_eq $M "$(db "SELECT count(DISTINCT message_id) FROM message WHERE message_id LIKE 'par%@customer.test'")" "... exactly once"
for G in $("$HD" --data "$I" backup list --json | json '" ".join(g["name"] for g in d)'); do
    assert_status 0 "backup $G taken during the deliveries verifies" "$HD" --data "$I" backup verify "$G"
done
assert_status 0 "instance verifies" "$HD" --data "$I" verify
