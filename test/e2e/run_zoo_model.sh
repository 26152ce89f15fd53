#!/bin/sh
# End-to-end check of one zoo model: `vitc run` (interpreter, fp32) must match
# PyTorch's output within 1e-4 relative (max|a-e| / max|e|, see compare_npy.py),
# at batch 1 and, for dynamic-batch exports, at batch 2.
#
#   run_zoo_model.sh VITC PYTHON ZOO_DIR MODEL [STAGE]
set -eu
vitc=$1 python=$2 zoo=$3 model=$4 stage=${5:-graph}
here=$(dirname "$0")
dir=$zoo/$model
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

for batch in "" _b2; do
  [ -f "$dir/input$batch.npy" ] || continue
  "$vitc" run "$dir/model.onnx" --input "$dir/input$batch.npy" --output "$out/out$batch.npy" \
    --stop-after "$stage"
  "$python" "$here/compare_npy.py" "$out/out$batch.npy" "$dir/expected$batch.npy" --rtol 1e-4
done
