#!/bin/bash
# `helpdesk-mailgw parse`: one JSON object on stdout for any mail, exit 0;
# non-zero only when the input cannot be read.
set -u
bin="$HD_BIN/mailgw/helpdesk-mailgw"
data="$HD_SRC/tests/data/mail"
fail() { echo "FAIL: $*"; exit 1; }
for f in "$data"/0004-*.eml "$data"/0064-*.eml "$data"/0068-*.eml; do
    out=$("$bin" parse "$f") || fail "exit $? for $f"
    [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] || fail "more than one line for $f"
    printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert "message_id" in d and "attachments" in d' \
        || fail "not the JSON contract for $f"
done
out=$(printf 'Subject: =?UTF-8?B?44GC?=\n\nx\n' | "$bin" parse -) || fail "stdin"
case "$out" in *'"subject":"あ"'*) ;; *) fail "stdin subject: $out" ;; esac
"$bin" parse /nonexistent/mail.eml >/dev/null 2>&1 && fail "missing file gave exit 0"
"$bin" --data /tmp --profile test version | grep -q '^helpdesk-mailgw ' || fail "version"
"$bin" deliver >/dev/null 2>&1; [ $? -ne 0 ] || fail "deliver stub returned 0"
echo ok
