#!/bin/sh
# build-deb.sh [OUTDIR] - builds helpdesk_VERSION_ARCH.deb from this
# checkout into OUTDIR (default: the current directory) and checks it with
# lintian (errors fail the build).  The tree is copied first (tracked and
# new files, no build directories), so dpkg-buildpackage's clean and its
# output next to the source touch nothing here.  One Release build, -j2 or
# DEB_BUILD_OPTIONS's parallel=N; debian/rules says why no tests run here.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$(cd "${1:-.}" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/helpdesk-deb.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir "$WORK/helpdesk"
(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard |
    tar --null --ignore-failed-read -T - -cf - 2>/dev/null) |
    tar -C "$WORK/helpdesk" -xf -
(cd "$WORK/helpdesk" &&
    DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:-parallel=2} nocheck" \
    dpkg-buildpackage -b -us -uc >"$WORK/build.log" 2>&1) || {
    tail -40 "$WORK/build.log" >&2
    exit 1
}
cp "$WORK"/helpdesk_*.deb "$OUT/"
deb=$(ls "$OUT"/helpdesk_*.deb | tail -1)
if command -v lintian >/dev/null; then
    lintian --fail-on error "$deb"
fi
echo "$deb"
