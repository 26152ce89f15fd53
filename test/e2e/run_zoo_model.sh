#!/bin/sh
# End-to-end check of one zoo model with `vitc run` (interpreter, fp32):
#  - after the graph passes it matches PyTorch within 1e-4 relative, and
#  - it matches the unoptimised import within 1e-5 relative (the graph passes
#    preserve numerics),
# where relative means max|a-e| / max|e| (compare_npy.py); at batch 1 and, for
# dynamic-batch exports, at batch 2.
#
#   run_zoo_model.sh VITC PYTHON ZOO_DIR MODEL
set -eu
vitc=$1 python=$2 zoo=$3 model=$4
here=$(dirname "$0")
dir=$zoo/$model
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

for batch in "" _b2; do
  [ -f "$dir/input$batch.npy" ] || continue
  for stage in import graph; do
    "$vitc" run "$dir/model.onnx" --input "$dir/input$batch.npy" \
      --output "$out/$stage$batch.npy" --stop-after "$stage"
  done
  "$python" "$here/compare_npy.py" "$out/graph$batch.npy" "$dir/expected$batch.npy" --rtol 1e-4
  "$python" "$here/compare_npy.py" "$out/graph$batch.npy" "$out/import$batch.npy" --rtol 1e-5
done
