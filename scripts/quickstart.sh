#!/bin/sh
# From a fresh Debian 12 machine to a model run: installs packages, builds,
# exports DeiT-Tiny from PyTorch, imports it, runs it on the fp32 interpreter,
# checks the result against PyTorch and prints a summary; compiles it W8A8 for the
# mid NPU preset and prints the cycle report; then quantises the Fashion-MNIST ViT
# (W8A8), prints its top-1 against fp32 on the 10k test images, compiles it for the
# NPU and checks the simulator's output against the interpreter's, bit for bit.
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

echo
echo "== vitc --target npu: $model W8A8 on the mid NPU preset (synthetic calibration)"
"$build/bin/vitc" "$zoo/$model/model.onnx" --wbits 8 --target npu --npu-config mid \
  -o "$build/$model.vnb" --report "$build/$model.npu.json"
echo "(per-layer cycles, DRAM bytes and bounds: $build/$model.npu.json)"

fashion=$root/examples/models/fashion
echo
echo "== vitc eval: the Fashion-MNIST ViT quantised W8A8 (512 calibration images, entropy)"
/usr/bin/python3 "$fashion/prepare_fashion_data.py" --out "$build/fashion" >/dev/null
"$build/bin/vitc" eval "$fashion/fashion_vit.onnx" --data "$build/fashion/fashion_test_images.npy" \
  --labels "$build/fashion/fashion_test_labels.npy" --calib "$fashion/fashion_calib_512.npy" \
  --report "$build/fashion/report.json"
echo "(per-tensor bits, scales, SQNR and KL: $build/fashion/report.json)"
echo
echo "== the Fashion-MNIST ViT on the NPU simulator vs the interpreter"
"$build/bin/vitc" "$fashion/fashion_vit.onnx" --wbits 8 --calib "$fashion/fashion_calib_512.npy" \
  --target npu -o "$build/fashion/fashion_vit.vnb" 2>/dev/null
/usr/bin/python3 -c "import numpy as n; n.save('$build/fashion/first8.npy', n.load('$build/fashion/fashion_test_images.npy')[:8])"
"$build/bin/vitc" run "$build/fashion/fashion_vit.vnb" --input "$build/fashion/first8.npy" \
  --output "$build/fashion/npu.npy" 2>/dev/null
"$build/bin/vitc" run "$fashion/fashion_vit.onnx" --wbits 8 --calib "$fashion/fashion_calib_512.npy" \
  --input "$build/fashion/first8.npy" --output "$build/fashion/interp.npy" 2>/dev/null
/usr/bin/python3 -c "
import numpy as np
a = np.load('$build/fashion/npu.npy'); b = np.load('$build/fashion/interp.npy')
print('simulator == interpreter on', a.shape[0], 'images:', bool(np.array_equal(a, b)), ' classes:', a.argmax(1).tolist())
assert np.array_equal(a, b)"
