#!/usr/bin/python3
"""Post-training quantisation benchmark on the trained Fashion-MNIST ViT.

    /usr/bin/python3 bench/quant/run_quant_bench.py --vitc build/bin/vitc --work build/fashion

For each calibration method (minmax, percentile 99.99, entropy, mse) at W8A8, and for
entropy with --abits 16 and --abits auto: `vitc eval` on the 10k test images with the
512 committed calibration images -- fp32 top-1, quantised top-1, agreement, and the
wall time of the whole command. Then the calibration alone (`vitc MODEL --wbits 8
--calib C`, import + graph passes + calibration + quantisation, entropy) timed over
--rounds runs (median). Last, the peer: ONNX Runtime (onnxruntime-node, 1 thread) on
the fp32 model and on vitc's QDQ export, top-1 and time over the same 10k images.
Prints a Markdown table for bench/quant/RESULTS.md.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FASHION = os.path.join(ROOT, "examples", "models", "fashion")
MODEL = os.path.join(FASHION, "fashion_vit.onnx")
CALIB = os.path.join(FASHION, "fashion_calib_512.npy")


def timed(command):
    start = time.perf_counter()
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return out, time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vitc", required=True)
    ap.add_argument("--work", required=True, help="directory for the prepared test set")
    ap.add_argument("--threads", type=int, default=0, help="vitc --threads (0: all cores)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--model", default=MODEL, help="default: the committed fashion_vit.onnx")
    ap.add_argument("--calib", default=CALIB, help="default: the committed 512 images")
    args = ap.parse_args()
    subprocess.run([sys.executable, os.path.join(FASHION, "prepare_fashion_data.py"), "--out",
                    args.work], check=True, capture_output=True)
    data = os.path.join(args.work, "fashion_test_images.npy")
    labels = os.path.join(args.work, "fashion_test_labels.npy")
    threads = ["--threads", str(args.threads)]

    configs = [("minmax", "8", []), ("percentile", "8", ["--percentile", "99.99"]),
               ("entropy", "8", []), ("mse", "8", []), ("entropy", "16", []),
               ("entropy", "auto", [])]
    print("| calibration | activations | fp32 top-1 | quant top-1 | Δ pt | agreement | eval s |")
    print("|---|---|---|---|---|---|---|")
    for method, abits, extra in configs:
        out, seconds = timed([args.vitc, "eval", args.model, "--data", data, "--labels", labels,
                              "--calib", args.calib, "--calib-method", method, "--wbits", "8",
                              "--abits", abits, "--json", *extra, *threads])
        r = json.loads(out)
        print(f"| {method} | {abits} | {r['fp32_top1']:.2f} | {r['quant_top1']:.2f} | "
              f"{r['quant_top1'] - r['fp32_top1']:+.2f} | {r['agreement']:.2f} | {seconds:.1f} |")

    times = []
    for _ in range(args.rounds):
        _, seconds = timed([args.vitc, args.model, "--wbits", "8", "--calib", args.calib,
                            "--calib-method", "entropy", *threads])
        times.append(seconds)
    print(f"\ncalibration + quantisation (512 images, entropy, W8A8), median of "
          f"{args.rounds}: {statistics.median(times):.2f} s")

    # The peer: ONNX Runtime on the fp32 model and on vitc's QDQ export (1 thread).
    qdq = os.path.join(args.work, "fashion_vit_w8a8_qdq.onnx")
    subprocess.run([args.vitc, args.model, "--wbits", "8", "--calib", args.calib, "--emit", "onnx", "-o",
                    qdq], check=True, capture_output=True)
    env = {**os.environ, "VITC_NODE_MODULES": os.path.join(ROOT, "bench", "fp32", "node_modules")}
    for name, model in (("fp32", args.model), ("QDQ W8A8", qdq)):
        out = subprocess.run(["node", os.path.join(ROOT, "test", "e2e", "ort_top1.js"), model, data,
                              labels], check=True, capture_output=True, text=True, env=env).stdout
        r = json.loads(out)
        print(f"onnxruntime-node {r['version']} {name}: top-1 {r['top1']:.2f}, "
              f"{r['seconds']:.1f} s for {r['samples']} images (1 thread)")


if __name__ == "__main__":
    main()
