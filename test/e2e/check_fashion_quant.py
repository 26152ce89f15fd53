#!/usr/bin/python3
"""Post-training quantisation of the trained Fashion-MNIST ViT, on real data.

    check_fashion_quant.py VITC WORK_DIR

With the committed examples/models/fashion/{fashion_vit.onnx, fashion_calib_512.npy}
and the 10k test images prepared from Debian's dataset-fashion-mnist:

  1. `vitc eval` W8A8, entropy calibration on the 512 images: quantised top-1 within
     0.3 pt of fp32 (issue 5's bar);
  2. the same with `--abits auto`: within 0.2 pt;
  3. the QDQ export (`--emit onnx`) run in ONNX Runtime (onnxruntime-node from
     bench/fp32/node_modules, scripts/setup.sh installs it): its top-1 within 0.2 pt of
     `vitc eval`'s quantised top-1 for the same options.

Prints every number; exits 1 when a bar is missed.
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FASHION = os.path.join(ROOT, "examples", "models", "fashion")
MODEL = os.path.join(FASHION, "fashion_vit.onnx")
CALIB = os.path.join(FASHION, "fashion_calib_512.npy")
NODE_MODULES = os.path.join(ROOT, "bench", "fp32", "node_modules")


def vitc_eval(vitc, data, labels, *options):
    out = subprocess.run([vitc, "eval", MODEL, "--data", data, "--labels", labels, "--calib",
                          CALIB, "--calib-method", "entropy", "--json", *options],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main():
    vitc, work = sys.argv[1:3]
    os.makedirs(work, exist_ok=True)
    subprocess.run([sys.executable, os.path.join(FASHION, "prepare_fashion_data.py"), "--out",
                    work], check=True)
    data = os.path.join(work, "fashion_test_images.npy")
    labels = os.path.join(work, "fashion_test_labels.npy")
    failed = False

    def check(name, value, reference, tolerance, symmetric):
        """value may trail reference by tolerance (or differ either way if symmetric)."""
        nonlocal failed
        gap = abs(value - reference) if symmetric else reference - value
        ok = gap <= tolerance
        failed |= not ok
        print(f"{name}: {value:.2f} vs {reference:.2f} (bar {tolerance:.1f} pt) "
              f"{'ok' if ok else 'FAILED'}")

    w8a8 = vitc_eval(vitc, data, labels)
    print("vitc eval W8A8:", json.dumps(w8a8))
    check("W8A8 quant_top1 vs fp32_top1", w8a8["quant_top1"], w8a8["fp32_top1"], 0.3, False)
    auto = vitc_eval(vitc, data, labels, "--abits", "auto")
    print("vitc eval auto:", json.dumps(auto))
    check("auto quant_top1 vs fp32_top1", auto["quant_top1"], auto["fp32_top1"], 0.2, False)

    if not os.path.isdir(os.path.join(NODE_MODULES, "onnxruntime-node")):
        print(f"check_fashion_quant: ONNX Runtime is missing ({NODE_MODULES}/onnxruntime-node); "
              "run ./scripts/setup.sh", file=sys.stderr)
        return 1
    qdq = os.path.join(work, "fashion_vit_w8a8_qdq.onnx")
    subprocess.run([vitc, MODEL, "--wbits", "8", "--calib", CALIB, "--calib-method", "entropy",
                    "--emit", "onnx", "-o", qdq], check=True)
    ort = subprocess.run(["node", os.path.join(HERE, "ort_top1.js"), qdq, data, labels],
                         check=True, capture_output=True, text=True,
                         env={**os.environ, "VITC_NODE_MODULES": NODE_MODULES}).stdout
    ort = json.loads(ort)
    print("onnxruntime QDQ:", json.dumps(ort))
    check("ORT QDQ top1 vs vitc quant_top1", ort["top1"], w8a8["quant_top1"], 0.2, True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
