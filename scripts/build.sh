#!/bin/sh
# Configures (once) and builds vitc in ./build (or $VITC_BUILD_DIR).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${VITC_BUILD_DIR:-$root/build}
if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release
fi
cmake --build "$build"
