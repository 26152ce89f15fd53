#!/bin/sh
# Builds vitc and runs every test: runtime unit tests, lit/FileCheck tests,
# ONNX node conformance, the PyTorch model zoo end to end, the install test.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${VITC_BUILD_DIR:-$root/build}
"$root/scripts/build.sh"
ctest --test-dir "$build" --output-on-failure -j2 "$@"
