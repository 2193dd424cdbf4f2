# nodes.sh - several help desk nodes against one PostgreSQL database, as
# docs/scale-out.md describes them.  Sourced after lib.sh, lib/peers.sh
# (use_peers) and tests/lib/pg.sh; every process started is stopped on
# exit, by PID.
#
#   node_init DIR URL          # the first node: init --store URL, a queue,
#                              # an agent, outbound mail to the SMTP sink
#   node_copy FROM DIR         # a second node made from the first by the
#                              # documented procedure
#   node_web NAME DIR          # helpdesk-web: WEB_URL_<NAME>
#   node_lmtp NAME DIR         # helpdesk-mailgw lmtp on DIR/run/lmtp.sock
#   node_worker NAME DIR       # helpdesk worker --interval 1
#
# Logs go to $T/NAME-{web,lmtp,worker}.log.

NODE_PW=correct-horse-battery-9

node_init() { # DIR URL
    local d=$1
    "$HD" --data "$d" init --profile test --store "$2" >/dev/null ||
        fail "init --store"
    "$HD" --data "$d" queue add support --address support@support.test \
        >/dev/null
    echo "$NODE_PW" | "$HD" --data "$d" user add --email ann@support.test \
        --name 'Ann Agent' --role agent --queues support >/dev/null
    conf "$d" mail.from_address support@support.test
    conf "$d" smtp.host 127.0.0.1
    conf "$d" smtp.port "$SINK_PORT"
    conf "$d" smtp.tls none
    conf "$d" web.rate_limit_per_minute 100000
}

# node_copy FROM DIR: what docs/scale-out.md says a node is: every file
# of FROM (helpdesk.conf, the keys) and templates/ copied with mode and
# owner, the backup key beside it too; blobs/ is the one directory every
# node shares (here a symbolic link stands for the operator's shared
# file system); spool/ (the LMTP journal) and run/ (its socket) stay per
# node and are not copied.
node_copy() {
    local from=$1 d=$2 f
    mkdir -m 0750 "$d"
    for f in "$from"/*; do
        case ${f##*/} in
        blobs | spool | run | helpdesk.db*) ;;
        *) cp -pr "$f" "$d/" ;;
        esac
    done
    [ ! -e "$from.backup-key" ] || cp -p "$from.backup-key" "$d.backup-key"
    ln -s "$from/blobs" "$d/blobs"
}

# _node_bg NAME KIND CMD...: starts CMD in the background, records it.
_node_bg() {
    local name=$1 kind=$2
    shift 2
    "$@" >"$T/$name-$kind.out" 2>>"$T/$name-$kind.log" &
    local pid=$!
    printf -v "NODE_PID_${name}_$kind" '%s' "$pid"
    on_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
}

node_web() { # NAME DIR
    _node_bg "$1" web "$WEB" --data "$2" --listen 127.0.0.1:0
    local i url=
    for ((i = 0; i < 200; i++)); do
        url=$(sed -n 's/^listening on //p' "$T/$1-web.out")
        [ -n "$url" ] && break
        sleep 0.05
    done
    [ -n "$url" ] || fail "helpdesk-web $1 did not start: $(cat "$T/$1-web.log")"
    printf -v "WEB_URL_$1" '%s' "$url"
}

node_lmtp() { # NAME DIR
    _node_bg "$1" lmtp "$MG" --data "$2" lmtp
    local i
    for ((i = 0; i < 200; i++)); do
        [ -S "$2/run/lmtp.sock" ] && [ -s "$T/$1-lmtp.out" ] && return 0
        sleep 0.05
    done
    fail "lmtp server $1 did not start: $(cat "$T/$1-lmtp.log")"
}

node_worker() { # NAME DIR
    _node_bg "$1" worker "$HD" --data "$2" worker --interval 1
}

# The agents' pages with a cookie jar: nc JAR URL ARGS... prints the
# status; the body is in $T/body.
nc_() {
    local jar=$1
    shift
    curl -s -o "$T/body" -w '%{http_code}' -b "$T/$jar" -c "$T/$jar" "$@"
}
node_csrf() { sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/body" | head -1; }
node_login() { # JAR BASE_URL -> status of the password step
    nc_ "$1" "$2/agent/login" >/dev/null
    local tok
    tok=$(node_csrf)
    nc_ "$1" -X POST --data-urlencode "csrf=$tok" \
        --data-urlencode "email=ann@support.test" \
        --data-urlencode "password=$NODE_PW" "$2/agent/login"
}

# sink_acks: "MESSAGE-ID RECIPIENT" (the envelope's) of every mail in
# the sink, one a line.
sink_acks() {
    python3 - "$SINK_DIR" <<'EOF'
import email, glob, sys
for f in sorted(glob.glob(sys.argv[1] + "/msg-*.eml")):
    m = email.message_from_binary_file(open(f, "rb"))
    print(m.get("Message-ID", "-").strip(), m.get("X-Env-Rcpt", "-").strip())
EOF
}
