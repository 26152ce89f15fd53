#!/bin/sh
# Builds the .vnb loader fuzzer with clang and runs it for N seconds (default
# 60) on seeds written by vitc-vnb-seeds. Crashes land in BUILD/vnb-fuzz/.
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
"$build/bin/vitc-vnb-fuzz" -max_total_time="$seconds" -rss_limit_mb=2048 -print_final_stats=1 \
  corpus seeds
