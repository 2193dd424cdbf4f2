# pg.sh - PostgreSQL 15 servers for tests, from Debian's binaries, on
# 127.0.0.1 only, no system service.
#
# Source it (bash; set -e safe) after setting T to the test's temp dir
# (tests/e2e/lib.sh does), then:
#
#   pg_start_primary           # PG_DIR PG_PORT PG_PID PG_URL (database
#                              # "postgres"); synchronous_commit = on
#   pg_createdb NAME           # prints postgresql://... for a new database
#   pg_fresh_db VAR            # starts the primary if need be, makes a new
#                              # database and sets VAR to its URL
#   pg_start_standby           # PG_SB_DIR PG_SB_PORT PG_SB_PID: a streaming
#                              # standby (pg_basebackup) that the primary
#                              # waits for at every commit
#                              # (synchronous_standby_names = 'hd_standby')
#   pg_url_multi DB            # prints a multi-host URL over both servers
#                              # with target_session_attrs=read-write
#   pg_stop_standby / pg_start_standby_again
#   pg_kill_primary            # kill -9 of the primary's postmaster
#   pg_promote_standby         # pg_ctl promote, waits until it is writable
#   pg_sql URL SQL             # psql -Atq -c SQL, errors fail
#   pg_stop_all                # immediate stop; run on exit by pg_init
#
# The servers run as the system user hdtest (created on first use; the
# tests run as root, and postgres refuses to), in directories under $T
# that it owns; each listens on a port the kernel picked a moment before
# and keeps its socket in its own directory.  fsync stays on: the tests
# that use this check durability (PG_FSYNC=off only for the server that
# merely holds the e2e suite's stores, tests/e2e/lib/pgstore.sh;
# PG_MAX_CONNECTIONS raises the limit for one server shared by a pass).  Host connections use scram-sha-256
# with a password made per run (in the URLs).  Every wait is bounded:
# PG_WAIT_STEPS x 0.1 s.

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_WAIT_STEPS=${PG_WAIT_STEPS:-300}
PG_OSUSER=${PG_OSUSER:-hdtest}
PG_FSYNC=${PG_FSYNC:-on}
PG_MAX_CONNECTIONS=${PG_MAX_CONNECTIONS:-60}
PG_ROLE=hd
PG_PIDS=() # postmaster pids still to stop (by pid, never by name)
PG_DIRS=() # data directories started

pg_log() { echo "pg: $*" >&2; }
pg_die() {
    pg_log "$*"
    exit 1
}

# pg_init: checks the binaries, creates the user and the password, and
# chains pg_stop_all into the EXIT trap of lib.sh (on_exit) if present.
pg_init() {
    [ -x "$PG_BIN/initdb" ] ||
        pg_die "no $PG_BIN/initdb: apt-get install postgresql-15"
    : "${T:?T must be the temp dir of the test}"
    if [ "$(id -u)" -eq 0 ]; then
        if ! id "$PG_OSUSER" >/dev/null 2>&1; then
            useradd --system --no-create-home --home-dir /nonexistent \
                --shell /usr/sbin/nologin "$PG_OSUSER" 2>/dev/null ||
                id "$PG_OSUSER" >/dev/null 2>&1 ||
                pg_die "cannot create user $PG_OSUSER"
        fi
    else
        PG_OSUSER=$(id -un)
    fi
    PG_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr '+/' 'xy')
    export PGCONNECT_TIMEOUT=5
    if declare -f on_exit >/dev/null; then
        on_exit pg_stop_all
    else
        trap pg_stop_all EXIT
    fi
}

# Runs a command as the server's user.
pg_as() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u "$PG_OSUSER" -- "$@"
    else
        "$@"
    fi
}

pg_free_port() {
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

pg_url() { # PORT DB
    printf 'postgresql://%s:%s@127.0.0.1:%s/%s' "$PG_ROLE" "$PG_PASSWORD" \
        "$1" "$2"
}

pg_sql() { # URL SQL
    "$PG_BIN/psql" -X -v ON_ERROR_STOP=1 -Atq -d "$1" -c "$2"
}

# pg_wait_ready PORT: until the server on PORT accepts connections.
pg_wait_ready() {
    local i
    for ((i = 0; i < PG_WAIT_STEPS; i++)); do
        "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$1" -t 1 && return 0
        sleep 0.1
    done
    return 1
}

pg_postmaster_pid() { # DIR
    head -n 1 "$1/postmaster.pid" 2>/dev/null
}

# pg_ctl_start DIR PORT: starts the server in DIR, waits for it, sets
# PG_LAST_PID.
pg_ctl_start() {
    local dir=$1 port=$2
    pg_as "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
        -o "-p $port -h 127.0.0.1 -k $dir/sock" start >/dev/null ||
        pg_die "server in $dir did not start: $(tail -n 20 "$dir/log")"
    pg_wait_ready "$port" || pg_die "server on $port not ready"
    PG_LAST_PID=$(pg_postmaster_pid "$dir/data")
    PG_PIDS+=("$PG_LAST_PID")
}

pg_start_primary() {
    [ -n "${PG_PASSWORD:-}" ] || pg_init
    PG_DIR="$T/pg1"
    mkdir -p "$PG_DIR/sock"
    printf '%s\n' "$PG_PASSWORD" >"$PG_DIR/pw"
    chown -R "$PG_OSUSER" "$PG_DIR"
    chmod 700 "$PG_DIR"
    pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U "$PG_ROLE" \
        --pwfile="$PG_DIR/pw" --auth-local=trust \
        --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 \
        $([ "$PG_FSYNC" = on ] || echo --no-sync) >"$PG_DIR/initdb.log" 2>&1 ||
        pg_die "initdb failed: $(tail -n 20 "$PG_DIR/initdb.log")"
    rm -f "$PG_DIR/pw"
    cat >>"$PG_DIR/data/postgresql.conf" <<EOF
fsync = $PG_FSYNC
synchronous_commit = on
wal_level = replica
max_wal_senders = 4
wal_keep_size = 64MB
listen_addresses = '127.0.0.1'
max_connections = $PG_MAX_CONNECTIONS
shared_buffers = 32MB
EOF
    PG_PORT=$(pg_free_port)
    pg_ctl_start "$PG_DIR" "$PG_PORT"
    PG_PID=$PG_LAST_PID
    PG_DIRS+=("$PG_DIR/data")
    PG_URL=$(pg_url "$PG_PORT" postgres)
}

# pg_createdb NAME: a fresh UTF-8 database; prints its URL.
pg_createdb() {
    pg_sql "$PG_URL" "CREATE DATABASE \"$1\" TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'" >&2
    pg_url "$PG_PORT" "$1"
}

# pg_fresh_db VAR: a new empty database on the primary (started on first
# use), its URL in VAR; for tests that run the help desk on PostgreSQL.
pg_fresh_db() {
    [ -n "${PG_PID:-}" ] || pg_start_primary
    PG_DB_SEQ=$((${PG_DB_SEQ:-0} + 1))
    printf -v "$1" '%s' "$(pg_createdb "hd$PG_DB_SEQ")"
}

pg_start_standby() {
    PG_SB_DIR="$T/pg2"
    mkdir -p "$PG_SB_DIR/sock"
    chown -R "$PG_OSUSER" "$PG_SB_DIR"
    chmod 700 "$PG_SB_DIR"
    local src="$PG_URL?application_name=hd_standby"
    pg_as "$PG_BIN/pg_basebackup" -d "$src" -D "$PG_SB_DIR/data" -R \
        -X stream -c fast >"$PG_SB_DIR/basebackup.log" 2>&1 ||
        pg_die "pg_basebackup failed: $(cat "$PG_SB_DIR/basebackup.log")"
    PG_SB_PORT=$(pg_free_port)
    pg_ctl_start "$PG_SB_DIR" "$PG_SB_PORT"
    PG_SB_PID=$PG_LAST_PID
    PG_DIRS+=("$PG_SB_DIR/data")
    pg_sql "$PG_URL" "ALTER SYSTEM SET synchronous_standby_names = 'hd_standby'"
    pg_sql "$PG_URL" "SELECT pg_reload_conf()" >/dev/null
    pg_wait_sync || pg_die "standby never became synchronous"
}

# pg_wait_sync: until the primary reports its standby as synchronous.
pg_wait_sync() {
    local i
    for ((i = 0; i < PG_WAIT_STEPS; i++)); do
        [ "$(pg_sql "$PG_URL" "SELECT count(*) FROM pg_stat_replication WHERE application_name = 'hd_standby' AND sync_state = 'sync' AND state = 'streaming'")" = 1 ] &&
            return 0
        sleep 0.1
    done
    return 1
}

pg_url_multi() { # DB
    printf 'postgresql://%s:%s@127.0.0.1:%s,127.0.0.1:%s/%s?target_session_attrs=read-write' \
        "$PG_ROLE" "$PG_PASSWORD" "$PG_PORT" "$PG_SB_PORT" "$1"
}

pg_stop_standby() {
    pg_as "$PG_BIN/pg_ctl" -D "$PG_SB_DIR/data" -m fast -w -t 60 stop \
        >/dev/null || pg_die "standby did not stop"
}

pg_start_standby_again() {
    pg_ctl_start "$PG_SB_DIR" "$PG_SB_PORT"
    PG_SB_PID=$PG_LAST_PID
}

# pg_kill_primary: the primary dies as on a power cut of its host.
pg_kill_primary() {
    kill -9 "$PG_PID" 2>/dev/null || true
    local i
    for ((i = 0; i < PG_WAIT_STEPS; i++)); do
        kill -0 "$PG_PID" 2>/dev/null || break
        sleep 0.1
    done
    # Backends leave on their own once the postmaster is gone; wait for
    # the port to close so a client cannot reach a half-dead server.
    for ((i = 0; i < PG_WAIT_STEPS; i++)); do
        "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 1 || return 0
        sleep 0.1
    done
    pg_die "primary on $PG_PORT still answers after kill -9"
}

# pg_promote_standby: the standby becomes the primary; waits until it
# accepts writes.
pg_promote_standby() {
    pg_as "$PG_BIN/pg_ctl" -D "$PG_SB_DIR/data" -w -t 60 promote \
        >/dev/null || pg_die "promote failed"
    local i url
    url=$(pg_url "$PG_SB_PORT" postgres)
    for ((i = 0; i < PG_WAIT_STEPS; i++)); do
        [ "$(pg_sql "$url" "SELECT pg_is_in_recovery()")" = f ] && return 0
        sleep 0.1
    done
    pg_die "standby still in recovery after promote"
}

pg_stop_all() {
    local d pid
    for d in "${PG_DIRS[@]}"; do
        [ -f "$d/postmaster.pid" ] || continue
        pg_as "$PG_BIN/pg_ctl" -D "$d" -m immediate -w -t 20 stop \
            >/dev/null 2>&1 || true
    done
    for pid in "${PG_PIDS[@]}"; do
        kill -9 "$pid" 2>/dev/null || true
    done
    PG_PIDS=()
    PG_DIRS=()
}
