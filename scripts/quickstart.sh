#!/bin/sh
# From a fresh Debian 12 machine to a model run: installs packages, builds,
# exports DeiT-Tiny from PyTorch, imports it, runs it on the fp32 interpreter,
# checks the result against PyTorch and prints a summary.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${VITC_BUILD_DIR:-$root/build}
"$root/scripts/setup.sh"
"$root/scripts/build.sh"

zoo=$build/zoo
model=deit_tiny_op17
if [ ! -f "$zoo/$model/model.onnx" ]; then
  /usr/bin/python3 "$root/examples/models/export_zoo.py" --out "$zoo" --models "$model" --no-verify
fi
echo
echo "== vitc run $model (fp32 interpreter)"
"$build/bin/vitc" run "$zoo/$model/model.onnx" --input "$zoo/$model/input.npy" \
  --output "$build/$model.out.npy" --print-op-stats --warmup 1 --repeat 5
echo
echo "== agreement with PyTorch"
/usr/bin/python3 "$root/test/e2e/compare_npy.py" "$build/$model.out.npy" "$zoo/$model/expected.npy"
/usr/bin/python3 -c "
import numpy as np
out = np.load('$build/$model.out.npy')[0]
ref = np.load('$zoo/$model/expected.npy')[0]
print('top-5 classes  vitc:', np.argsort(-out)[:5].tolist(), ' pytorch:', np.argsort(-ref)[:5].tolist())"
