# peers.sh - real mail peers for end-to-end tests, on 127.0.0.1 only.
#
# Source it from a test (bash; set -e safe), then:
#
#   peers_init                 # T = fresh temp dir (or the one you set),
#                              # EXIT trap stops every peer and removes T
#   start_smtp_sink [--plain]  # SINK_PORT SINK_DIR SINK_LOG SINK_CA
#   start_dovecot              # IMAP_PORT IMAPS_PORT POP3_PORT
#                              # DOVECOT_MAILDIR DOVECOT_CA
#   start_clamd                # CLAMD_SOCKET CLAMD_DIR
#   start_spamd                # SPAMD_ADDR (127.0.0.1:PORT) SPAMD_DIR
#   start_nginx UPSTREAM       # NGINX_URL NGINX_PORT NGINX_DIR
#   start_postfix CMD [--maildir DOMAIN]
#                              # POSTFIX_PORT POSTFIX_DIR POSTFIX_LOG
#                              # POSTFIX_USER CUSTMAIL_MAILDIR
#   peers_stop_all             # also run by the EXIT trap
#
# Every peer gets its own directory under $T and a port picked at run time,
# so a test can run twice in a row or in parallel with itself.  Every
# process started is recorded and stopped by PID (never by name).  Waits
# are bounded: PEERS_WAIT_STEPS x 0.1 s.
#
# Users: Dovecot, clamd, nginx's master and Postfix's master run as root (the tests run as
# root); mail files in the Dovecot Maildir belong to nobody; the Postfix
# pipe and maildir deliveries run as the system user hdtest (created on
# first use), because pipe(8) refuses to run commands as root.
#
# Keep $T short: clamd's UNIX socket path must fit in 108 bytes.

PEERS_WAIT_STEPS=${PEERS_WAIT_STEPS:-100}
PEERS_PY=/usr/bin/python3 # Debian's, which sees python3-aiosmtpd
PEERS_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PEERS_PIDS=()   # "name:pid" of every process still to stop
PEERS_PIDS_ALL=() # "name:pid" of every process ever started
PEERS_POSTFIX=() # config dirs of running Postfix instances
PEERS_DOVECOT=() # pid files of running Dovecot masters
PEERS_OWN_T=0

peers_log() { echo "peers: $*" >&2; }
peers_fail() {
    echo "peers: FAIL: $*" >&2
    exit 1
}

# Initialises $T (mktemp unless set), makes it traversable by the
# unprivileged users the peers deliver as, and installs the EXIT trap.
peers_init() {
    if [ -z "${T:-}" ]; then
        T=$(mktemp -d /tmp/hdp.XXXXXX)
        PEERS_OWN_T=1
    fi
    mkdir -p "$T"
    chmod 755 "$T"
    export T
    trap peers_cleanup EXIT
}

peers_cleanup() {
    local rc=$?
    peers_stop_all
    if [ "$PEERS_OWN_T" = 1 ] && [ "${HD_KEEP_TMP:-0}" != 1 ]; then
        rm -rf "$T"
    elif [ "$PEERS_OWN_T" = 1 ]; then
        peers_log "kept $T"
    fi
    exit $rc
}

# Prints a TCP port on 127.0.0.1 that was free a moment ago.  The kernel
# picks it (bind to port 0), so parallel tests do not collide on a guess.
free_port() {
    "$PEERS_PY" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# wait_port PORT: until something accepts on 127.0.0.1:PORT.
wait_port() {
    local i
    for ((i = 0; i < PEERS_WAIT_STEPS; i++)); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    return 1
}

# wait_file FILE: until FILE exists and is not empty.
wait_file() {
    local i
    for ((i = 0; i < PEERS_WAIT_STEPS; i++)); do
        [ -s "$1" ] && return 0
        sleep 0.1
    done
    return 1
}

peers_register() {
    PEERS_PIDS+=("$1:$2")
    PEERS_PIDS_ALL+=("$1:$2")
}

# stop_pid PID: TERM, wait (bounded), then KILL.  Returns 0 once gone.
stop_pid() {
    local pid=$1 i
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < PEERS_WAIT_STEPS; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.1
    ! kill -0 "$pid" 2>/dev/null
}

peers_stop_all() {
    local i entry cfg
    for cfg in "${PEERS_POSTFIX[@]}"; do
        postfix_stop "$cfg"
    done
    PEERS_POSTFIX=()
    for ((i = ${#PEERS_PIDS[@]} - 1; i >= 0; i--)); do
        entry=${PEERS_PIDS[i]}
        stop_pid "${entry#*:}" || peers_log "could not stop ${entry%%:*}"
        wait "${entry#*:}" 2>/dev/null || true
    done
    PEERS_PIDS=()
}

# All PIDs still alive among those started (for "nothing left" checks).
peers_alive() {
    local entry
    for entry in "${PEERS_PIDS_ALL[@]}"; do
        kill -0 "${entry#*:}" 2>/dev/null && echo "$entry"
    done
    return 0
}

# make_cert DIR: DIR/cert.pem + DIR/key.pem, self-signed, for localhost and
# 127.0.0.1, valid two days.  The cert is its own CA for the client side.
make_cert() {
    mkdir -p "$1"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$1/key.pem" \
        -out "$1/cert.pem" -days 2 -subj "/CN=localhost" \
        -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
        >/dev/null 2>&1 || peers_fail "openssl req failed"
}

# ---------------------------------------------------------------- SMTP sink

# start_smtp_sink [--plain]: aiosmtpd sink storing messages in $SINK_DIR.
# Default: STARTTLS required, AUTH agent/secret required after TLS.
start_smtp_sink() {
    local d="$T/sink-$((${#PEERS_PIDS[@]}))" pid
    mkdir -p "$d/msgs"
    SINK_PORT=$(free_port)
    SINK_DIR=$d/msgs
    SINK_LOG=$d/session.log
    : >"$SINK_LOG"
    if [ "${1:-}" = --plain ]; then
        SINK_CA=
        "$PEERS_PY" "$PEERS_LIB/smtp_sink.py" "$SINK_PORT" "$SINK_DIR" \
            "$SINK_LOG" >"$d/stderr" 2>&1 &
    else
        make_cert "$d"
        SINK_CA=$d/cert.pem
        "$PEERS_PY" "$PEERS_LIB/smtp_sink.py" "$SINK_PORT" "$SINK_DIR" \
            "$SINK_LOG" "$d/cert.pem" "$d/key.pem" >"$d/stderr" 2>&1 &
    fi
    pid=$!
    peers_register sink $pid
    local i
    for ((i = 0; i < PEERS_WAIT_STEPS; i++)); do
        grep -q '^READY' "$SINK_LOG" && break
        kill -0 $pid 2>/dev/null || break
        sleep 0.1
    done
    grep -q '^READY' "$SINK_LOG" || {
        cat "$d/stderr" >&2
        peers_fail "smtp sink did not start"
    }
    export SINK_PORT SINK_DIR SINK_LOG SINK_CA
}

# sink_count: number of messages stored so far.
sink_count() { find "$SINK_DIR" -name 'msg-*.eml' | wc -l; }

# -------------------------------------------------------------------- nginx

# start_nginx UPSTREAM: nginx as the HTTPS reverse proxy of the
# documented setup (docs/install.md) in front of UPSTREAM (http://ADDR:PORT),
# on 127.0.0.1 with a throw-away certificate.  It passes the address it
# sees and the scheme in X-Forwarded-For and X-Forwarded-Proto.  A private
# instance: its configuration, pid, logs and temp files are in
# $NGINX_DIR, the master stays in the foreground (daemon off) so it is
# stopped by PID, the workers run as nobody.
start_nginx() {
    local d="$T/nginx" pid
    mkdir -p "$d/tmp"
    chown nobody:nogroup "$d/tmp"
    make_cert "$d"
    NGINX_PORT=$(free_port)
    NGINX_DIR=$d
    NGINX_URL=https://127.0.0.1:$NGINX_PORT
    cat >"$d/nginx.conf" <<CONF
daemon off;
worker_processes 1;
user nobody nogroup;
pid $d/nginx.pid;
error_log $d/error.log warn;
events { worker_connections 128; }
http {
    access_log $d/access.log;
    client_body_temp_path $d/tmp/body;
    proxy_temp_path $d/tmp/proxy;
    fastcgi_temp_path $d/tmp/fastcgi;
    uwsgi_temp_path $d/tmp/uwsgi;
    scgi_temp_path $d/tmp/scgi;
    server {
        listen 127.0.0.1:$NGINX_PORT ssl;
        server_name localhost;
        ssl_certificate $d/cert.pem;
        ssl_certificate_key $d/key.pem;
        location / {
            proxy_pass $1;
            proxy_set_header Host \$host;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto \$scheme;
        }
    }
}
CONF
    /usr/sbin/nginx -c "$d/nginx.conf" -p "$d" -e "$d/error.log" \
        >"$d/stderr" 2>&1 &
    pid=$!
    peers_register nginx $pid
    wait_port "$NGINX_PORT" || {
        cat "$d/stderr" "$d/error.log" >&2
        peers_fail "nginx did not start"
    }
    export NGINX_URL NGINX_PORT NGINX_DIR
}

# ------------------------------------------------------------------ Dovecot

# start_dovecot: IMAP (STARTTLS available), IMAPS and POP3 (STLS) for the
# user agent/secret; mail in $DOVECOT_MAILDIR (owned by nobody).
start_dovecot() {
    local d="$T/dovecot"
    mkdir -p "$d/run" "$d/mail/agent/Maildir/"{new,cur,tmp}
    make_cert "$d"
    DOVECOT_CA=$d/cert.pem
    IMAP_PORT=$(free_port)
    IMAPS_PORT=$(free_port)
    POP3_PORT=$(free_port)
    DOVECOT_MAILDIR=$d/mail/agent/Maildir
    echo 'agent:{PLAIN}secret' >"$d/users"
    chmod 755 "$d" "$d/mail" "$d/mail/agent"
    chown -R nobody:nogroup "$d/mail/agent"
    # One setting per line: "inet_listener imap { port = 1 }" on a single
    # line is a config error.  Services are not chrooted ($T has no /dev).
    cat >"$d/dovecot.conf" <<CONF
protocols = imap pop3
listen = 127.0.0.1
base_dir = $d/run
instance_name = hdtest-$$-$RANDOM
log_path = $d/dovecot.log
ssl = yes
ssl_cert = <$d/cert.pem
ssl_key = <$d/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:$d/mail/%u/Maildir
first_valid_uid = 1
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $d/users
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=$d/mail/%u
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = $IMAP_PORT
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $IMAPS_PORT
    ssl = yes
  }
}
service pop3-login {
  chroot =
  inet_listener pop3 {
    address = 127.0.0.1
    port = $POP3_PORT
  }
  inet_listener pop3s {
    port = 0
  }
}
service anvil {
  chroot =
}
CONF
    doveconf -n -c "$d/dovecot.conf" >/dev/null 2>"$d/doveconf.err" || {
        cat "$d/doveconf.err" >&2
        peers_fail "dovecot config rejected"
    }
    dovecot -c "$d/dovecot.conf" || peers_fail "dovecot did not start"
    # dovecot forks into the background; its master writes the PID file.
    wait_file "$d/run/master.pid" || peers_fail "dovecot: no master.pid"
    peers_register dovecot "$(cat "$d/run/master.pid")"
    wait_port "$IMAP_PORT" && wait_port "$IMAPS_PORT" &&
        wait_port "$POP3_PORT" || peers_fail "dovecot ports not answering"
    export IMAP_PORT IMAPS_PORT POP3_PORT DOVECOT_MAILDIR DOVECOT_CA
}

# dovecot_deliver FILE: drops FILE into the agent's INBOX (Maildir/new),
# via tmp/ and rename as a delivery agent would.
dovecot_deliver() {
    local name
    name="$(date +%s).$$_$RANDOM.hdtest"
    cp "$1" "$DOVECOT_MAILDIR/tmp/$name"
    chown nobody:nogroup "$DOVECOT_MAILDIR/tmp/$name"
    mv "$DOVECOT_MAILDIR/tmp/$name" "$DOVECOT_MAILDIR/new/$name"
}

# -------------------------------------------------------------------- clamd

# start_clamd: clamd on a UNIX socket with an offline database holding only
# two EICAR signatures (MD5 and a body pattern); ready when zPING answers.
start_clamd() {
    local d="$T/clamav" pid i
    mkdir -p "$d/db"
    printf '%s' 'X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*' >"$d/eicar.com"
    sigtool --md5 "$d/eicar.com" |
        sed 's/eicar.com$/Test.EICAR.Custom/' >"$d/db/custom.hdb"
    printf 'Test.EICAR.Ndb:0:*:%s\n' \
        "$(printf 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE' | od -An -tx1 | tr -d ' \n')" \
        >"$d/db/custom.ndb"
    CLAMD_SOCKET=$d/clamd.sock
    CLAMD_DIR=$d
    cat >"$d/clamd.conf" <<CONF
LocalSocket $CLAMD_SOCKET
LocalSocketMode 660
FixStaleSocket yes
DatabaseDirectory $d/db
PidFile $d/clamd.pid
LogFile $d/clamd.log
LogTime yes
Foreground yes
StreamMaxLength 25M
MaxThreads 2
ReadTimeout 30
CommandReadTimeout 5
SelfCheck 0
CONF
    /usr/sbin/clamd -c "$d/clamd.conf" >"$d/stderr" 2>&1 &
    pid=$!
    peers_register clamd $pid
    for ((i = 0; i < PEERS_WAIT_STEPS; i++)); do
        [ "$(clamd_cmd zPING)" = PONG ] && break
        kill -0 $pid 2>/dev/null || break
        sleep 0.1
    done
    [ "$(clamd_cmd zPING)" = PONG ] || {
        cat "$d/stderr" >&2
        peers_fail "clamd did not answer zPING"
    }
    export CLAMD_SOCKET CLAMD_DIR
}

# clamd_cmd CMD [FILE]: sends a z-command (zINSTREAM streams FILE) and
# prints the reply without its NUL.
clamd_cmd() {
    "$PEERS_PY" - "$CLAMD_SOCKET" "$@" <<'PY' 2>/dev/null
import socket, struct, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(10)
s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode() + b"\0")
if sys.argv[2] == "zINSTREAM":
    data = open(sys.argv[3], "rb").read()
    s.sendall(struct.pack(">I", len(data)) + data + struct.pack(">I", 0))
out = b""
while not out.endswith(b"\0"):
    b = s.recv(4096)
    if not b:
        break
    out += b
print(out.rstrip(b"\0").decode())
PY
}

# ------------------------------------------------------------------ spamd

# start_spamd: Debian's SpamAssassin daemon on 127.0.0.1, running as the
# unprivileged user hdtest, with the rules Debian ships (no sa-update, no
# network tests: --local), one child, no user configuration.  Waits until
# it answers a first CHECK (the first one loads the child's rules), so
# tests time their mail, not spamd's start.
start_spamd() {
    local d="$T/spamd" pid i port
    mkdir -p "$d/home"
    peers_user
    chown hdtest "$d/home"
    port=$(free_port)
    SPAMD_ADDR=127.0.0.1:$port
    SPAMD_DIR=$d
    /usr/sbin/spamd --listen="$SPAMD_ADDR" --allowed-ips=127.0.0.1 \
        --username=hdtest --nouser-config --local --max-children=1 \
        --min-children=1 --min-spare=1 --max-spare=1 \
        --helper-home-dir="$d/home" --syslog="$d/spamd.log" \
        --pidfile="$d/spamd.pid" >"$d/stderr" 2>&1 &
    pid=$!
    peers_register spamd $pid
    for ((i = 0; i < PEERS_WAIT_STEPS * 3; i++)); do
        wait_port_once "$port" && break
        kill -0 $pid 2>/dev/null || break
        sleep 0.1
    done
    local score
    score=$(printf 'From: <warm@up.test>\r\nSubject: up\r\n\r\nup\r\n' |
        timeout 60 spamc -d 127.0.0.1 -p "$port" -c 2>/dev/null || true)
    case $score in
    */*) ;;
    *) cat "$d/stderr" "$d/spamd.log" >&2; peers_fail "spamd did not answer" ;;
    esac
    export SPAMD_ADDR SPAMD_DIR
}

# wait_port_once PORT: does something accept on 127.0.0.1:PORT now?
wait_port_once() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ------------------------------------------------------------------ Postfix

# peers_user: the unprivileged user deliveries run as (created if absent;
# tolerant of a parallel test creating it first).
peers_user() {
    POSTFIX_USER=hdtest
    getent passwd hdtest >/dev/null && return 0
    useradd --system --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin hdtest 2>/dev/null
    getent passwd hdtest >/dev/null || peers_fail "cannot create user hdtest"
}

# start_postfix CMD [--maildir DOMAIN]
#
# A private Postfix on 127.0.0.1:$POSTFIX_PORT.  Mail for support.test and
# incident.test goes through pipe(8) to CMD as user hdtest, one recipient
# per run, with "${recipient}" available in CMD (pass it literally).
# With --maildir DOMAIN, mail for DOMAIN (any local part) is stored by
# virtual(8) in $CUSTMAIL_MAILDIR, owned by hdtest.
start_postfix() {
    local cmd=$1 maildom=
    shift
    if [ "${1:-}" = --maildir ]; then
        maildom=$2
        shift 2
    fi
    [ -n "$cmd" ] || peers_fail "start_postfix: no command"
    peers_user
    local d="$T/postfix" uid gid
    uid=$(id -u hdtest)
    gid=$(id -g hdtest)
    POSTFIX_DIR=$d
    POSTFIX_LOG=$d/maillog
    POSTFIX_PORT=$(free_port)
    CUSTMAIL_MAILDIR=
    # config_directory holds only main.cf and master.cf; postfix-script,
    # postfix-files and dynamicmaps.cf stay in the system meta_directory.
    # queue_directory and data_directory are created by "postfix start"
    # (post-install create-missing) with the right owners: root for the
    # queue directory itself and pid/, postfix for the rest, postdrop for
    # maildrop/ and public/.  The parents must not be group/other
    # writable, hence chmod 755 (mktemp makes 700, /tmp is 1777).
    mkdir -p "$d/etc" "$d/spool" "$d/data"
    chmod 755 "$d" "$d/etc" "$d/spool"
    chown postfix:postfix "$d/data"
    : >"$POSTFIX_LOG"
    if [ -n "$maildom" ]; then
        mkdir -p "$T/custmail"
        chown "$uid:$gid" "$T/custmail"
        CUSTMAIL_MAILDIR=$T/custmail/Maildir
    fi
    postfix_main_cf "$d" "$maildom" "$uid" "$gid" >"$d/etc/main.cf"
    postfix_master_cf "$cmd" >"$d/etc/master.cf"
    postfix -c "$d/etc" check 2>"$d/check.err" || {
        cat "$d/check.err" >&2
        peers_fail "postfix check failed"
    }
    postfix -c "$d/etc" start 2>"$d/start.err" || {
        cat "$d/start.err" "$POSTFIX_LOG" >&2
        peers_fail "postfix did not start"
    }
    PEERS_POSTFIX+=("$d/etc")
    wait_file "$d/spool/pid/master.pid" || peers_fail "postfix: no master.pid"
    # The pid file holds the number padded with spaces.
    PEERS_PIDS_ALL+=("postfix:$(tr -d ' \n' <"$d/spool/pid/master.pid")")
    wait_port "$POSTFIX_PORT" || {
        cat "$POSTFIX_LOG" >&2
        peers_fail "postfix smtpd not answering on $POSTFIX_PORT"
    }
    export POSTFIX_PORT POSTFIX_DIR POSTFIX_LOG POSTFIX_USER CUSTMAIL_MAILDIR
}

# main.cf for start_postfix.  Gotchas (each cost a failed start):
# - maillog_file needs a postlog service in master.cf AND its directory in
#   maillog_file_prefixes (default /var, /dev/stdout only).
# - local_recipient_maps must be empty, or every support.test local part
#   is looked up in /etc/passwd and rejected as "User unknown".
# - hdgw_destination_recipient_limit = 1 makes pipe run CMD once per
#   recipient, so ${recipient} is a single address.
# - virtual_minimum_uid defaults to 100; system users may be lower.
# - virtual(8) exits fatally ("bad command startup -- throttling") when
#   virtual_mailbox_limit (50 MB) < message_size_limit: 0 = no limit.
# - Nothing leaves: other domains get "Relay access denied" even from
#   mynetworks, and default_transport = error bounces anything else, so
#   no message sits in the queue waiting for DNS.
# - smtpd_peername_lookup = no and no DNS: the tests have no resolver.
# - /etc/postfix/main.cf does not exist ("No configuration"); as root,
#   "-c DIR" needs no alternate_config_directories entry there.
postfix_main_cf() {
    local d=$1 maildom=$2 uid=$3 gid=$4
    cat <<CONF
compatibility_level = 3.6
config_directory = $d/etc
queue_directory = $d/spool
data_directory = $d/data
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
maillog_file = $d/maillog
maillog_file_prefixes = $d
syslog_name = postfix-hdtest
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mx.support.test
mydomain = support.test
myorigin = \$myhostname
mynetworks = 127.0.0.0/8
mydestination = support.test, incident.test
local_transport = hdgw
local_recipient_maps =
alias_maps =
alias_database =
hdgw_destination_recipient_limit = 1
relay_domains =
smtpd_peername_lookup = no
smtp_dns_support_level = disabled
smtputf8_enable = no
biff = no
append_dot_mydomain = no
smtpd_banner = \$myhostname ESMTP
smtpd_relay_restrictions = reject_unauth_destination
default_transport = error:outside delivery disabled in tests
message_size_limit = 52428800
queue_run_delay = 10s
minimal_backoff_time = 10s
maximal_backoff_time = 60s
CONF
    if [ -n "$maildom" ]; then
        cat <<CONF
virtual_mailbox_domains = $maildom
virtual_mailbox_base = $T/custmail
virtual_mailbox_maps = static:Maildir/
virtual_uid_maps = static:$uid
virtual_gid_maps = static:$gid
virtual_minimum_uid = 1
virtual_mailbox_limit = 0
CONF
    fi
}

# master.cf for start_postfix: only the services used, none chrooted ($T
# has no copies of /etc files a chroot would need).
postfix_master_cf() {
    cat <<CONF
127.0.0.1:$POSTFIX_PORT inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
hdgw      unix  -       n       n       -       -       pipe
  flags=Rq user=hdtest argv=$1
CONF
}

# postfix_flush [CONFIG_DIR]: asks the queue manager to retry deferred mail.
postfix_flush() { postqueue -c "${1:-$POSTFIX_DIR/etc}" -f; }

# postfix_queue_count [CONFIG_DIR]: messages in the queue (any state).
# postqueue -j prints one JSON object per queued message.
postfix_queue_count() {
    postqueue -c "${1:-$POSTFIX_DIR/etc}" -j 2>/dev/null | grep -c '^{'
}

# postfix_wait_empty [CONFIG_DIR]: until the queue is empty (bounded).
postfix_wait_empty() {
    local i
    for ((i = 0; i < PEERS_WAIT_STEPS; i++)); do
        [ "$(postfix_queue_count "$@")" = 0 ] && return 0
        sleep 0.1
    done
    return 1
}

# postfix_stop [CONFIG_DIR]: "postfix stop", then waits for the master
# (and so all its children) to exit; kills it if it will not.
postfix_stop() {
    local cfg=${1:-$POSTFIX_DIR/etc} pidf pid
    pidf="$(dirname "$cfg")/spool/pid/master.pid"
    [ -s "$pidf" ] || return 0
    pid=$(tr -d ' \n' <"$pidf")
    postfix -c "$cfg" stop 2>/dev/null || true
    stop_pid "$pid" || peers_log "postfix master $pid did not stop"
    local keep=() c
    for c in "${PEERS_POSTFIX[@]}"; do
        [ "$c" = "$cfg" ] || keep+=("$c")
    done
    PEERS_POSTFIX=("${keep[@]}")
}
