#!/bin/sh
# test.sh - install what the tests need, build twice (normal with
# -Werror, then AddressSanitizer + UndefinedBehaviorSanitizer) and run the
# whole suite in both: unit tests, data-driven corpora, and end-to-end
# tests against real Postfix, Dovecot, clamd, an SMTP server and Chromium
# on 127.0.0.1; after the normal pass, the e2e tests of tests/e2e/pg.list
# again with every instance on PostgreSQL (scripts/test-pg.sh).  Then the
# Debian package (scripts/test-package.sh: built,
# lintian, installed, the production walkthrough, removed, purged) and a
# bounded fuzzing run of the mail parser.
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
jobs=$(nproc 2>/dev/null || echo 2)

run_suite() { # build-dir cmake-options...
    dir=$1
    shift
    cmake -S . -B "$dir" -DHD_WERROR=ON "$@" >/dev/null
    cmake --build "$dir" -j"$jobs"
    ctest --test-dir "$dir" --output-on-failure --timeout 900 -j"$jobs"
}

run_suite build -DCMAKE_BUILD_TYPE=RelWithDebInfo
scripts/test-pg.sh build
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_suite build-asan -DCMAKE_BUILD_TYPE=Debug -DHD_SANITIZE=ON
scripts/test-package.sh
if [ -x tests/fuzz/run.sh ]; then
    tests/fuzz/run.sh "${HD_FUZZ_SECONDS:-120}"
fi
echo "all tests passed"
