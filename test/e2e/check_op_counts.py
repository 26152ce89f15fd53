#!/usr/bin/python3
"""Op counts of a zoo model after the graph pipeline, against the expectations below.

    check_op_counts.py VITC ZOO_DIR MODEL

Runs `vitc ZOO_DIR/MODEL/model.onnx --emit mlir` (graph stage) and counts the ops;
`attention_with_bias` counts vit.attention ops that take a bias operand. Exits 1
listing every expectation that fails.
"""
import re
import subprocess
import sys

# Ops that must be gone after the graph passes in every model: shape arithmetic,
# decomposed LayerNorm/GELU and unfused attention pieces.
GONE = ["shape", "erf", "pow", "sqrt", "equal", "where", "cast", "unsqueeze", "squeeze",
        "constant_of_shape", "expand", "softmax", "split", "identity"]

DEIT = {"layer_norm": 25, "gelu": 12, "attention": 12, "transpose": (0, 1),
        "reduce_mean": 0, "matmul": 0}
SWIN = {"layer_norm": 16, "gelu": 6, "attention": 6, "attention_with_bias": 6,
        "transpose": (0, 9), "reduce_mean": (0, 1), "matmul": 0}
EXPECTED = {
    "deit_tiny_op13": DEIT, "deit_tiny_op17": DEIT,
    "deit_small_op13": DEIT, "deit_small_op17": DEIT,
    "swin_op13": SWIN, "swin_op17": SWIN, "swin_dyn_op17": SWIN, "swin_nofold_op17": SWIN,
    "swinir_op17": {"layer_norm": 10, "gelu": 4, "attention": 4, "attention_with_bias": 4,
                    "transpose": (0, 14), "matmul": 0},
    "tinyvit_op17": {"layer_norm": 13, "gelu": 19, "attention": 6, "attention_with_bias": 6,
                     "transpose": (0, 19), "matmul": 0},
    # ReLU linear attention stays decomposed (docs/graph-passes.md).
    "efficientvit_op17": {"attention": 0, "transpose": 0, "layer_norm": 1},
}


def count_ops(mlir):
    counts = {}
    for line in mlir.splitlines():
        match = re.search(r"= vit\.(\w+)", line)
        if not match:
            continue
        name = match.group(1)
        counts[name] = counts.get(name, 0) + 1
        if name == "attention":
            operands = line.split("vit.attention", 1)[1].split("{")[0].split(":")[0]
            if operands.count("%") == 4:
                counts["attention_with_bias"] = counts.get("attention_with_bias", 0) + 1
    return counts


def main():
    vitc, zoo, model = sys.argv[1:4]
    mlir = subprocess.run([vitc, f"{zoo}/{model}/model.onnx", "--emit", "mlir"],
                          check=True, capture_output=True, text=True).stdout
    counts = count_ops(mlir)
    expected = dict({name: 0 for name in GONE}, **EXPECTED[model])
    failures = []
    for name, want in sorted(expected.items()):
        got = counts.get(name, 0)
        low, high = want if isinstance(want, tuple) else (want, want)
        ok = low <= got <= high
        print(f"{'ok  ' if ok else 'FAIL'} vit.{name:22s} {got:4d}  expected "
              f"{want if not isinstance(want, tuple) else f'{low}..{high}'}")
        if not ok:
            failures.append(name)
    if failures:
        sys.exit(f"{model}: unexpected op counts for {', '.join(failures)}")


if __name__ == "__main__":
    main()
