#!/bin/bash
# test-package.sh - the Debian package as an administrator meets it: builds
# helpdesk_*.deb (scripts/build-deb.sh, lintian errors fail), installs it
# with apt-get, runs the walkthrough blocks of docs/install.md verbatim
# against the installed files (only the admin's password and the example
# domain are filled in), checks what the package put where, then removes
# it (the data stays) and purges it (the data goes).
#
# It installs onto this machine and uses /var/lib/helpdesk: it refuses to
# run when a helpdesk package or that directory is already there.
# HD_DEB=path/helpdesk_*.deb tests that package instead of building one.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok - $*"; }
[ "$(id -u)" -eq 0 ] || fail "run as root (it installs the package)"
if dpkg-query -W -f='${db:Status-Abbrev}' helpdesk 2>/dev/null | grep -q '^i' ||
    [ -e /var/lib/helpdesk ] || [ -e /var/lib/helpdesk.backup-key ]; then
    fail "a helpdesk installation is already here; not touching it"
fi
OUT=$(mktemp -d "${TMPDIR:-/tmp}/helpdesk-pkg.XXXXXX")
# On any exit the machine is left as found: none of it was here before.
cleanup() {
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -q helpdesk >/dev/null 2>&1 || true
    rm -rf /var/lib/helpdesk /var/lib/helpdesk.backups /var/lib/helpdesk.backup-key "$OUT"
}
trap cleanup EXIT
if [ -n "${HD_DEB:-}" ]; then # a package already built from this tree
    cp "$HD_DEB" "$OUT/"
    lintian --fail-on error "$OUT"/helpdesk_*.deb >"$OUT/build.out" ||
        fail "lintian: $(cat "$OUT/build.out")"
else
    "$ROOT/scripts/build-deb.sh" "$OUT" >"$OUT/build.out" ||
        fail "build-deb.sh: $(tail -20 "$OUT/build.out")"
fi
pass "package built, lintian without errors: $(basename "$OUT"/helpdesk_*.deb)"

steps=$(python3 - "$ROOT/docs/install.md" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
for block in re.findall(r"<!-- walkthrough -->\n```sh\n(.*?)```", text, re.S):
    print(block)
PY
)
grep -q '^apt-get install ./helpdesk_' <<<"$steps" || fail "docs/install.md installs the package"
script=$(sed -e "s|^apt-get install |DEBIAN_FRONTEND=noninteractive apt-get install -y -q |" \
    -e "s|^read -rs -p 'admin password: ' PW; echo|PW=correct-horse-battery-9|" <<<"$steps")
(cd "$OUT" && bash -euo pipefail -c "$script") >"$OUT/walk.out" 2>"$OUT/walk.err" ||
    fail "walkthrough against the package: $(tail -5 "$OUT/walk.err")"
pass "docs/install.md walkthrough ran against the installed package"
grep -q 'intact: ' "$OUT/walk.out" || fail "verify said intact: $(tail -5 "$OUT/walk.out")"
pass "the instance verifies"

# What the package installed, where an administrator looks for it.
for f in /usr/bin/helpdesk /usr/bin/helpdesk-mailgw /usr/bin/helpdesk-web; do
    [ -x "$f" ] || fail "$f installed"
done
[ "$(/usr/bin/helpdesk-mailgw version)" = "$(/usr/bin/helpdesk version | sed 's/^helpdesk \([^ ]*\).*/helpdesk-mailgw \1/')" ] ||
    fail "helpdesk-mailgw finds its full program"
for u in helpdesk-web helpdesk-worker helpdesk-lmtp helpdesk-fetch; do
    grep -q '^ExecStart=/usr/bin/' "/lib/systemd/system/$u.service" || fail "$u.service runs /usr/bin"
done
for page in helpdesk.8 helpdesk-mailgw.8 helpdesk-web.8 helpdesk.conf.5; do
    man -w "${page%.*}" >/dev/null 2>&1 || [ -e "/usr/share/man/man${page##*.}/$page.gz" ] ||
        fail "man page $page"
done
[ -s /usr/share/bash-completion/completions/helpdesk ] || fail "bash completion"
grep -q '^#web.listen = ' /etc/helpdesk/helpdesk.conf.sample || fail "commented sample configuration"
getent passwd helpdesk >/dev/null || fail "the helpdesk user"
pass "programs, units, man pages, completion, sample configuration, user"
deps=$(dpkg-query -W -f='${Depends}' helpdesk)
for lib in libsqlite3 libmicrohttpd libetpan libxml2 libssl; do
    grep -q "$lib" <<<"$deps" || fail "Depends names $lib (shlibs): $deps"
done
pass "library dependencies declared: $deps"

DEBIAN_FRONTEND=noninteractive apt-get remove -y -q helpdesk >"$OUT/remove.out" 2>&1 || fail "remove"
[ -f /var/lib/helpdesk/helpdesk.db ] && [ -f /var/lib/helpdesk.backup-key ] || fail "remove kept the data"
[ ! -e /usr/bin/helpdesk ] || fail "remove removed the programs"
pass "remove keeps the data"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -q helpdesk >"$OUT/purge.out" 2>&1 || fail "purge"
for f in /var/lib/helpdesk /var/lib/helpdesk.backup-key /var/lib/helpdesk.backups /etc/helpdesk; do
    [ ! -e "$f" ] || fail "purge removed $f"
done
pass "purge removes the data"
