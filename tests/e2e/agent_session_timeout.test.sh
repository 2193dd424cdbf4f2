#!/bin/bash
# agent_session_timeout.test.sh - session idle and absolute timeouts on
# the real server and database.  helpdesk-web reads HELPDESK_NOW once at
# start, so the clock is moved between requests by restarting the server
# at a later HELPDESK_NOW; sessions live in the database and survive the
# restart, exactly as they survive a real one.  Shows: a session used
# within the idle limit stays valid (and each use moves the limit); idle
# beyond it -> signed out (redirect to /agent/login, row gone, logged);
# the absolute limit ends a session even while it is in use; sign-out
# everywhere ends every session of the user.
source "$(dirname "$0")/lib.sh"
source "$HD_SRC/tests/e2e/lib/agent.sh"
I=$T/inst
DB=$I/helpdesk.db
PW=correct-horse-battery-9
"$HD" --data "$I" --profile test init >/dev/null
"$HD" --data "$I" queue add support --address support@support.test >/dev/null
echo "$PW" | "$HD" --data "$I" user add --email ann@support.test --name Ann --role agent --queues support >/dev/null
conf "$I" auth.session_idle_minutes 60
conf "$I" auth.session_max_hours 3
T0=$(date -d '2026-12-07T10:00:00+09:00' +%s)

# at MINUTES: (re)starts helpdesk-web with the clock at T0 + MINUTES.
at() {
    if [ -n "${WPID:-}" ]; then kill "$WPID"; wait "$WPID" 2>/dev/null || true; fi
    export HELPDESK_NOW
    HELPDESK_NOW=$(date -u -d "@$((T0 + $1 * 60))" +%Y-%m-%dT%H:%M:%SZ)
    agent_web_start "$I"
}
loc() { curl -s -o /dev/null -w '%{redirect_url}' -b "$T/$1" "$URL/agent/"; }
sessions() { sql "$DB" "SELECT count(*) FROM agent_session"; }
expired() { sql "$DB" "SELECT count(*) FROM security_log WHERE kind = 'session_expired'"; }

# ---- idle timeout --------------------------------------------------------
at 0
assert_eq 303 "$(login a ann@support.test "$PW")" "signed in at 10:00"
assert_eq 200 "$(c a "$URL/agent/")" "queue at 10:00"
at 50
assert_eq 200 "$(c a "$URL/agent/")" "used again after 50 minutes idle: still signed in"
at 110
assert_eq 200 "$(c a "$URL/agent/")" "60 minutes after the last use (110 after sign-in): still signed in"
at 171
assert_eq 303 "$(c a "$URL/agent/")" "61 minutes idle: signed out"
assert_eq "$URL/agent/login" "$(loc a)" "redirected to /agent/login"
assert_eq 0 "$(grep -c 'hd_agent' "$T/a" || true)" "the expired session's cookie is cleared"
assert_eq 0 "$(sessions)" "the expired session is deleted"
assert_eq 1 "$(expired)" "the expiry is in the security log"

# an expired session refuses a POST too (403, nothing done)
assert_eq 303 "$(login b ann@support.test "$PW")" "signed in again at 12:51"
assert_eq 200 "$(c b "$URL/agent/")" "queue at 12:51"
tok=$(csrf)
at 240
assert_eq 403 "$(c b -X POST --data-urlencode "csrf=$tok" "$URL/agent/logout-all")" "69 minutes idle: a POST is refused"
assert_eq 2 "$(expired)" "the second expiry is logged"
assert_eq 303 "$(c b "$URL/agent/")" "and the next page asks to sign in"
assert_eq 0 "$(sessions)" "no session left"

# ---- absolute timeout ----------------------------------------------------
at 300
assert_eq 303 "$(login d ann@support.test "$PW")" "signed in at 15:00"
for m in 350 400 450 480; do
    at "$m"
    assert_eq 200 "$(c d "$URL/agent/")" "active at +$((m - 300)) min: still signed in"
done
at 481
assert_eq 303 "$(c d "$URL/agent/")" "3 h 1 min after sign-in, used a minute ago: signed out"
assert_eq "$URL/agent/login" "$(loc d)" "redirected to /agent/login"
assert_eq 3 "$(expired)" "three expiries logged"

# ---- sign-out everywhere -------------------------------------------------
at 600
assert_eq 303 "$(login e ann@support.test "$PW")" "signed in (browser e)"
assert_eq 303 "$(login f ann@support.test "$PW")" "signed in (browser f)"
assert_eq 2 "$(sessions)" "two sessions"
assert_eq 200 "$(c e "$URL/agent/")" "browser e signed in"
tok=$(csrf)
assert_eq 403 "$(c e -X POST "$URL/agent/logout-all")" "sign-out everywhere needs the CSRF token"
assert_eq 2 "$(sessions)" "still two sessions"
assert_eq 303 "$(c e -X POST --data-urlencode "csrf=$tok" "$URL/agent/logout-all")" "sign-out everywhere"
assert_eq 0 "$(sessions)" "no session left"
assert_eq "$URL/agent/login" "$(loc f)" "browser f is signed out"
assert_eq "$URL/agent/login" "$(loc e)" "browser e is signed out"
assert_eq 1 "$(sql "$DB" "SELECT count(*) FROM security_log WHERE kind = 'signout_all' AND detail LIKE '%sessions=2%'")" "sign-out everywhere logged with the count"
