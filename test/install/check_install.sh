#!/bin/sh
# Installs vitc into a scratch prefix, builds examples/embed against it with
# find_package(vitc), and runs it on a small model: y = x + [1, 2, 3].
#
#   check_install.sh SOURCE_DIR BUILD_DIR ONNX_TXT2PB
set -eu
src=$1 build=$2 txt2pb=$3
work=$build/test-install
rm -rf "$work"
cmake --install "$build" --prefix "$work/prefix" > /dev/null
cmake -S "$src/examples/embed" -B "$work/embed" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" > /dev/null
cmake --build "$work/embed" > /dev/null
"$txt2pb" "$src/test/lit/cli/Inputs/add.onnxtxt" -o "$work/add.onnx"
out=$("$work/embed/embed" "$work/add.onnx" 0.5)
echo "$out"
[ "$out" = "y 1x3 1.5 2.5 3.5" ] || { echo "unexpected output from the embedded model"; exit 1; }
# The installed tool runs too.
"$work/prefix/bin/vitc" --version
