#!/bin/bash
# test-pg.sh [--all] [BUILD-DIR] - the e2e tests listed in tests/e2e/pg.list run
# again with every instance on PostgreSQL (HD_TEST_STORE=pg): one server
# for the whole pass (Debian's PostgreSQL 15 from tests/lib/pg.sh, initdb
# in a temp directory as an unprivileged user, loopback only), a new
# database per instance, the server stopped and its directory removed
# afterwards, also on failure or interrupt.  Then it names the e2e tests
# that do not run on PostgreSQL yet (the list only grows).  --all runs
# every e2e test not marked "-name" in the list, to see which pass.
set -euo pipefail
cd "$(dirname "$0")/.."
all=
[ "${1:-}" != --all ] || { all=1 && shift; }
build=${1:-build}
jobs=$(nproc 2>/dev/null || echo 2)
list=tests/e2e/pg.list

entries=$(sed 's/#.*//; s/[[:space:]]//g; /^$/d' "$list" | sort -u)
names=$(sed -n '/^[^-]/p' <<<"$entries")
for n in $(tr -d - <<<"$entries"); do
    [ -f "tests/e2e/$n.test.sh" ] || {
        echo "$list: no tests/e2e/$n.test.sh" >&2
        exit 1
    }
done
if [ -n "$all" ]; then
    names=$(ls tests/e2e/*.test.sh | sed 's|.*/||; s|\.test\.sh$||' |
        grep -vxF -f <(sed -n 's/^-//p' <<<"$entries"))
fi
missing=()
total=0
for f in tests/e2e/*.test.sh; do
    n=$(basename "$f" .test.sh)
    total=$((total + 1))
    grep -qx -- "-\?$n" <<<"$entries" || missing+=("$n")
done

T=$(mktemp -d "${TMPDIR:-/tmp}/hd-pgpass.XXXXXX")
chmod 755 "$T"
# shellcheck source=tests/lib/pg.sh
source tests/lib/pg.sh
PG_FSYNC=off         # the pass's stores are test data; durability is
PG_MAX_CONNECTIONS=200 # tested by the tests that start their own servers
pg_init
trap 'pg_stop_all; rm -rf "$T"' EXIT
trap 'exit 130' INT TERM
pg_start_primary
export HD_TEST_STORE=pg HD_TEST_PG_URL="$PG_URL"

rc=0
start=$(date +%s)
if [ -n "$names" ]; then
    ctest --test-dir "$build" --output-on-failure --timeout 900 -j"$jobs" \
        -R "^e2e/($(paste -sd'|' <<<"$names"))\$" || rc=$?
fi
echo "PostgreSQL pass: $(wc -w <<<"$names") of $total e2e tests in $(($(date +%s) - start)) s (load: $(cut -d' ' -f1-3 /proc/loadavg))"
if [ ${#missing[@]} -gt 0 ]; then
    echo "e2e tests not yet run on PostgreSQL (add to $list once they pass):"
    printf '  %s\n' "${missing[@]}"
fi
exit "$rc"
