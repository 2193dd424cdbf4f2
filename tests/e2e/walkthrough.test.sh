#!/usr/bin/env bash
# walkthrough.test.sh - follows docs/install.md (the first production
# install) on this machine.  The shell blocks marked <!-- walkthrough -->
# are taken from that page itself and run with these substitutions only: the
# prefix (for /usr) and /var/lib are temporary directories, the system user
# is the test user hdtest (the package would create helpdesk), the domain
# is support.test (what the test Postfix accepts), and the build under test
# is installed with cmake instead of the package (scripts/test-package.sh
# runs the same blocks with the package itself).
# systemctl and the Postfix edits are not run (no systemd in CI): the
# ExecStart lines of dist/systemd/*.service are started directly and
# start_postfix stands in for master.cf + transport_maps.
. "$HD_SRC/tests/e2e/lib.sh"
use_peers
peers_user
P=$T/prefix V=$T/state
mkdir -p "$V"
DOC=$HD_SRC/docs/install.md
steps=$(python3 - "$DOC" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
for block in re.findall(r"<!-- walkthrough -->\n```sh\n(.*?)```", text, re.S):
    print(block)
PY
)
[ "$(grep -c . <<<"$steps")" -ge 15 ] || fail "walkthrough blocks found in $DOC"
script=$(sed -e "s|^apt-get install .*|cmake --install \"$HD_BIN\" --prefix \"$P\" >/dev/null|" \
    -e "s|^read -rs -p 'admin password: ' PW; echo|PW=correct-horse-battery-9|" \
    -e 's|-u helpdesk --|-u hdtest --|g; s|-o helpdesk -g helpdesk|-o hdtest -g hdtest|g' \
    -e 's|helpdesk:helpdesk|hdtest:hdtest|g' \
    -e "s|/usr/bin/|$P/bin/|g; s|/var/lib/|$V/|g" \
    -e 's|support\.example\.com|support.test|g' <<<"$steps")
echo "$script" >"$T/walkthrough.sh"
(cd "$HD_SRC" && bash -euo pipefail "$T/walkthrough.sh") >"$T/walk.out" 2>"$T/walk.err" \
    || fail "walkthrough failed: $(tail -5 "$T/walk.err")"
pass "docs/install.md walkthrough ran ($(grep -c . "$T/walkthrough.sh") commands)"
D=$V/helpdesk
[ -x "$P/bin/helpdesk-web" ] && [ -f "$P/lib/systemd/system/helpdesk-web.service" ] || fail "installed to the prefix"
assert_contains "$(cat "$T/walk.out")" 'intact: ' "first verify: intact"
assert_contains "$(cat "$T/walk.out")" 'Terms' "checklist printed"

# Outbound mail to a local sink instead of the example relay; a free port.
start_smtp_sink --plain
WPORT=$(free_port)
cat >>"$D/helpdesk.conf" <<CONF
smtp.host = 127.0.0.1
smtp.port = $SINK_PORT
smtp.tls = none
web.listen = 127.0.0.1:$WPORT
CONF
# The units' ExecStart lines, as the unit's user with its environment.
unit_cmd() { sed -n 's/^ExecStart=//p' "$P/lib/systemd/system/$1" | sed "s|/usr/local|$P|g"; }
unit_env() { sed -n 's/^Environment=HELPDESK_DATA=//p' "$P/lib/systemd/system/$1" | sed "s|/var/lib/|$V/|g"; }
for u in helpdesk-web.service helpdesk-worker.service; do
    runuser -u hdtest -- env HELPDESK_DATA="$(unit_env $u)" $(unit_cmd $u) >"$T/$u.out" 2>"$T/$u.log" &
    peers_register "$u" $!
done
wait_port "$WPORT" || fail "web did not listen: $(cat "$T/helpdesk-web.service.log")"
URL=http://127.0.0.1:$WPORT
assert_eq 200 "$(curl -s -o /dev/null -w '%{http_code}' "$URL/healthz")" "/healthz answers"
assert_eq 200 "$(curl -s -o /dev/null -w '%{http_code}' "$URL/readyz")" "/readyz answers"

# Postfix with the pipe command line of docs/install.md.
cmd=$(sed -n 's/^  flags=Rq user=helpdesk argv=//p' "$DOC" | grep -- '--profile prod' | head -1)
[ -n "$cmd" ] || fail "master.cf line in $DOC"
start_postfix "$(sed -e "s|/usr/bin/|$P/bin/|g; s|/var/lib/|$V/|g; s|\${original_recipient}|\${recipient}|" <<<"$cmd")"
printf 'From: ann@example.org\nTo: support@support.test\nSubject: First ticket\nMessage-ID: <walk1@example.org>\n\nHello.\n' >"$T/m.eml"
swaks --silent 2 --server "127.0.0.1:$POSTFIX_PORT" --from ann@example.org --to support@support.test \
    --data "$T/m.eml" >/dev/null 2>"$T/swaks.err" || fail "swaks: $(cat "$T/swaks.err")"
for _ in $(seq 1 300); do
    [ "$(sql "$D" "SELECT count(*) FROM message WHERE message_id = 'walk1@example.org'")" = 1 ] && break
    sleep 0.1
done
assert_eq "First ticket" "$(sql "$D" "SELECT t.subject FROM ticket t JOIN message m ON m.ticket_id = t.id WHERE m.message_id = 'walk1@example.org'")" "a mail through Postfix became a ticket"

# The admin signs in (CSRF token from the form, then POST).
J=$T/jar
form=$(curl -s -c "$J" "$URL/agent/login")
csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' <<<"$form" | head -1)
[ -n "$csrf" ] || fail "login form has a CSRF token"
code=$(curl -s -b "$J" -c "$J" -o "$T/login.html" -w '%{http_code} %{redirect_url}' \
    --data-urlencode "csrf=$csrf" --data-urlencode email=admin@example.com \
    --data-urlencode password=correct-horse-battery-9 "$URL/agent/login")
assert_contains "$code" "303 $URL/agent" "admin signs in ($code)"
case "$code" in *login*) fail "sign-in sent back to the login page: $code" ;; esac
assert_status 0 "the first backup verifies" runuser -u hdtest -- "$P/bin/helpdesk" --data "$D" --profile prod backup verify \
    "$(runuser -u hdtest -- "$P/bin/helpdesk" --data "$D" --profile prod backup list --json | json 'd[0]["name"]')"
