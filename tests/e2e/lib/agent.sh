# agent.sh - sourced after lib.sh by tests that use the agents' pages:
# start helpdesk-web on 127.0.0.1, curl with cookie jars, sign in with
# password and (for a TOTP secret) the second factor.

# agent_web_start DIR: starts helpdesk-web on a free port; sets $URL.
agent_web_start() {
    "$WEB" --data "$1" --listen 127.0.0.1:0 >"$T/web.out" 2>"$T/web.log" &
    WPID=$!
    on_exit "kill $WPID 2>/dev/null; wait $WPID 2>/dev/null"
    for _ in $(seq 1 100); do grep -q '^listening on' "$T/web.out" && break; sleep 0.05; done
    URL=$(sed -n 's/^listening on //p' "$T/web.out")
    [ -n "$URL" ] || fail "server did not start: $(cat "$T/web.log")"
}

# c JAR ARGS...: curl with a cookie jar; body in $T/body; prints the status.
c() { local jar=$1; shift; curl -s -o "$T/body" -w '%{http_code}' -b "$T/$jar" -c "$T/$jar" "$@"; }
# The first CSRF token in $T/body.
csrf() { sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/body" | head -1; }

# login JAR EMAIL PASSWORD -> status of the password step
login() {
    c "$1" "$URL/agent/login" >/dev/null
    local tok; tok=$(csrf)
    c "$1" -X POST --data-urlencode "csrf=$tok" --data-urlencode "email=$2" \
        --data-urlencode "password=$3" "$URL/agent/login"
}

# totp_now BASE32SECRET: the current 6-digit code (RFC 6238, SHA-1, 30 s).
totp_now() {
    python3 - "$1" <<'PY'
import base64, hmac, struct, sys, time
key = base64.b32decode(sys.argv[1])
mac = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), "sha1").digest()
o = mac[-1] & 15
print("%06d" % ((struct.unpack(">I", mac[o:o + 4])[0] & 0x7fffffff) % 1000000))
PY
}

# totp_enable DB EMAIL SECRET: gives the user an enabled TOTP secret.
totp_enable() {
    sqlite3 "$1" "INSERT INTO user_totp(user_id, secret, enabled, last_step, created_at) SELECT id, '$3', 1, -1, 0 FROM user WHERE email = '$2'"
}

# login_2fa JAR EMAIL PASSWORD SECRET -> status of the code step
login_2fa() {
    local st; st=$(login "$1" "$2" "$3")
    [ "$st" = 303 ] || { echo "$st"; return; }
    c "$1" "$URL/agent/2fa" >/dev/null
    local tok; tok=$(csrf)
    c "$1" -X POST --data-urlencode "csrf=$tok" --data-urlencode "code=$(totp_now "$4")" \
        "$URL/agent/2fa"
}
