#!/bin/sh
# Builds the .vnb loader fuzzer with clang and runs it for N seconds (default
# 60) on seeds written by vitc-vnb-seeds. Crashes land in BUILD/vnb-fuzz/
# (progress in BUILD/vnb-fuzz/fuzz.log). scripts/test.sh runs it for 30 s.
#   test/fuzz/run_vnb_fuzz.sh [seconds] [build dir, default /tmp/vitc-build-fuzz]
set -eu
seconds=${1:-60}
build=${2:-/tmp/vitc-build-fuzz}
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
CC=clang-16 CXX=clang++-16 cmake -S "$source_dir" -B "$build" -G Ninja \
  -DVITC_BUILD_COMPILER=OFF -DVITC_BUILD_FUZZERS=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C "$build" vitc-vnb-fuzz vitc-vnb-seeds
work="$build/vnb-fuzz"
mkdir -p "$work/corpus" "$work/seeds"
"$build/bin/vitc-vnb-seeds" "$work/seeds"
cd "$work"
# The progress lines go to fuzz.log; a crash prints its end and fails.
if ! "$build/bin/vitc-vnb-fuzz" -max_total_time="$seconds" -rss_limit_mb=2048 \
    -print_final_stats=1 corpus seeds >fuzz.log 2>&1; then
  tail -n 60 fuzz.log
  echo "run_vnb_fuzz: the fuzzer failed; the input is in $work" >&2
  exit 1
fi
grep -E "^Done|executed_units|new_units_added" fuzz.log
