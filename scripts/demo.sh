#!/bin/sh
# demo.sh - install, build, create a dev instance with demo data and run
# the help desk: the web UI on http://127.0.0.1:8080 and the mail gateway
# (sample mails delivered through it at start; its LMTP server listens on
# DIR/run/lmtp.sock, and `helpdesk-mailgw --data DIR deliver < mail.eml`
# hands more to it).  Ctrl-C stops it.
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc 2>/dev/null || echo 2)"
DIR=${HELPDESK_DEMO_DIR:-$HOME/helpdesk-demo}
HD=build/helpdesk/helpdesk
MG=build/mailgw/helpdesk-mailgw
WEB=build/web/helpdesk-web
mkdir -p "$(dirname "$DIR")"
if [ ! -f "$DIR/helpdesk.db" ]; then
    "$HD" --data "$DIR" init
    # No SMTP server in a demo: outbound mail is kept in a Maildir of the
    # instance and listed at /agent/admin/mail.
    printf 'smtp.maildir = %s/mail-caught\n' "$DIR" >> "$DIR/helpdesk.conf"
    "$HD" --data "$DIR" demo --faq faq/demo
    for m in tests/data/demo/*.eml; do
        [ -f "$m" ] || continue
        rcpt=$(sed -n 's/^X-Demo-Recipient: //p' "$m" | head -1)
        "$MG" --data "$DIR" deliver --recipient "${rcpt:-support@example.com}" < "$m"
    done
fi
echo "instance: $DIR"
echo "sign in:  http://127.0.0.1:8080/agent/login  (admin@example.com / demo-password-2026)"
pids=""
if "$HD" --help 2>/dev/null | grep -q '^  worker'; then
    "$HD" --data "$DIR" worker & pids="$pids $!"
fi
"$MG" --data "$DIR" lmtp & pids="$pids $!"
trap 'kill $pids 2>/dev/null; exit 0' INT TERM
exec_web() { "$WEB" --data "$DIR" --listen 127.0.0.1:8080; }
exec_web
kill $pids 2>/dev/null || true
