#!/bin/sh
# run.sh SECONDS - builds the libFuzzer targets with clang in build-fuzz/
# and runs fuzz_parse for SECONDS, seeded with the mail corpus.  New
# crashing inputs are left as build-fuzz/crash-*; add them to
# tests/data/mail/ once fixed.
set -eu
secs=${1:-60}
src=$(cd "$(dirname "$0")/../.." && pwd)
bld="$src/build-fuzz"
CC=clang cmake -S "$src" -B "$bld" -DHD_FUZZ=ON -DBUILD_TESTING=OFF >/dev/null
cmake --build "$bld" -j2 --target fuzz_parse >/dev/null
work="$bld/fuzz-corpus"
mkdir -p "$work"
cp "$src"/tests/data/mail/*.eml "$work"/
cd "$bld"
./tests/fuzz/fuzz_parse -max_total_time="$secs" -max_len=65536 \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$work"
