#!/bin/sh
# run.sh SECONDS [TARGET] - builds the libFuzzer targets with clang in
# build-fuzz/ and runs them, seeded with the mail corpus: fuzz_parse (the
# parser alone) and fuzz_intake (parse, route and store into a temporary
# instance), SECONDS in all (half each), or TARGET alone for SECONDS.
# New crashing inputs are left as build-fuzz/crash-*; add them to
# tests/data/mail/ once fixed.  FUZZ_TIMEOUT (seconds, default 10) is how
# long one input may take: raise it on a loaded machine.
set -eu
secs=${1:-60}
only=${2:-}
src=$(cd "$(dirname "$0")/../.." && pwd)
bld="$src/build-fuzz"
CC=clang cmake -S "$src" -B "$bld" -DHD_FUZZ=ON -DBUILD_TESTING=OFF >/dev/null
cmake --build "$bld" -j2 --target fuzz_parse fuzz_intake >/dev/null
work="$bld/fuzz-corpus"
mkdir -p "$work"
cp "$src"/tests/data/mail/*.eml "$work"/
cd "$bld"
run() { # target seconds
    "./tests/fuzz/$1" -max_total_time="$2" -max_len=65536 \
        -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048 -print_final_stats=1 "$work"
}
if [ -n "$only" ]; then
    run "$only" "$secs"
else
    half=$(( (secs + 1) / 2 ))
    run fuzz_parse "$half"
    run fuzz_intake "$half"
fi
