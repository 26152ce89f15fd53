#!/bin/sh
# Builds vitc and runs every test: runtime unit tests, lit/FileCheck tests,
# ONNX node conformance, the PyTorch model zoo end to end (fp32, quantised, on
# the NPU simulator), the install test; then fuzzes the .vnb loader for 30 s
# (VITC_FUZZ_SECONDS; 0 skips it) in a separate clang build.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${VITC_BUILD_DIR:-$root/build}
"$root/scripts/build.sh"
ctest --test-dir "$build" --output-on-failure -j2 "$@"
seconds=${VITC_FUZZ_SECONDS:-30}
if [ "$seconds" -gt 0 ]; then
  "$root/test/fuzz/run_vnb_fuzz.sh" "$seconds" "$build-fuzz"
fi
