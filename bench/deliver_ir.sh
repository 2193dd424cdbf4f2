#!/bin/bash
# deliver_ir.sh BUILD-DIR [BUILD-DIR...] - instructions (valgrind
# callgrind, so the machine's load does not move them) of one in-process
# `deliver` that opens a new ticket and of one that threads into it, the
# median of three each, for every build given: two builds of different
# commits compare what a change costs per message.
set -eu
for B in "$@"; do
    T=$(mktemp -d)
    H=$B/helpdesk/helpdesk
    M=$B/mailgw/helpdesk-mailgw-core
    export HELPDESK_NOW=2026-12-08T11:00:00+09:00
    "$H" --data "$T/i" --profile test init >/dev/null
    "$H" --data "$T/i" queue add support --address support@support.test >/dev/null
    msg() {
        printf 'From: C%s <c%s@cust.test>\nTo: support@support.test\nSubject: Case %s\nMessage-ID: <m%s@cust.test>\n%s\nHello %s.\n' \
            "$1" "$1" "$1" "$1" "$2" "$1"
    }
    deliver() { "$M" --data "$T/i" deliver --recipient support@support.test; }
    for i in 1 2 3 4 5; do msg "w$i" "" | deliver 2>/dev/null; done # warm
    ir() {
        valgrind --tool=callgrind --callgrind-out-file="$T/cg.out" \
            "$M" --data "$T/i" deliver --recipient support@support.test \
            <"$1" 2>&1 | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
    }
    for i in 1 2 3; do msg "n$i" "" >"$T/n$i"; ir "$T/n$i"; done |
        sort -n | sed -n 2p | sed "s|^|$B: new ticket: |"
    for i in 1 2 3; do
        msg "r$i" "In-Reply-To: <mn$i@cust.test>" >"$T/r$i"
        ir "$T/r$i"
    done | sort -n | sed -n 2p | sed "s|^|$B: threaded reply: |"
    rm -rf "$T"
done
