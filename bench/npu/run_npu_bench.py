#!/usr/bin/python3
"""NPU back end: simulated cycles of the zoo models against their roofline bound.

    run_npu_bench.py --vitc build/bin/vitc --zoo build/zoo [--models a,b] [--configs small,mid,large]

For every model and NPU preset: compiles W8A8 (`vitc MODEL --wbits 8 --target npu
--npu-config C -o M.vnb --report R.json`, the default synthetic calibration) and reads the
cost report. The peer of the simulated program is the physical limit of the same NPU:
roofline = max(MACs / peak MACs per cycle at each layer's precision, unavoidable DRAM bytes
(weights as stored + model input + output) / DRAM bytes per cycle); the table gives the
cycles, the achieved fraction of that bound, MAC utilisation, latency at the preset clock,
DRAM traffic, peak SRAM, and the compile time (wall clock, calibration included).
Prints a markdown table.
"""
import argparse
import json
import os
import subprocess
import tempfile
import time

DEFAULT_MODELS = ["deit_tiny_op17", "deit_small_op17", "swin_op17", "tinyvit_op17",
                  "efficientvit_op17", "swinir_op17"]


def compile_model(vitc, onnx, config, tmp):
    vnb, report = os.path.join(tmp, "m.vnb"), os.path.join(tmp, "r.json")
    start = time.perf_counter()
    subprocess.run([vitc, onnx, "--wbits", "8", "--target", "npu", "--npu-config", config,
                    "-o", vnb, "--report", report], check=True, capture_output=True)
    seconds = time.perf_counter() - start
    return json.load(open(report))["totals"], seconds, os.path.getsize(vnb)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--vitc", required=True)
    parser.add_argument("--zoo", required=True)
    parser.add_argument("--models", default=",".join(DEFAULT_MODELS))
    parser.add_argument("--configs", default="small,mid,large")
    args = parser.parse_args()
    print("| model | NPU | cycles | roofline cycles | of roofline | MAC util | latency ms "
          "| DRAM read MB | SRAM peak KiB | .vnb MB | compile s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for model in args.models.split(","):
            onnx = os.path.join(args.zoo, model, "model.onnx")
            for config in args.configs.split(","):
                t, seconds, size = compile_model(args.vitc, onnx, config, tmp)
                print(f"| {model} | {config} | {t['cycles']} | {t['roofline_cycles']:.0f} "
                      f"| {100 * t['roofline_fraction']:.1f}% | "
                      f"{100 * t['mac_utilization']:.1f}% | {t['latency_ms']:.3f} "
                      f"| {t['dram_read_bytes'] / 1e6:.2f} | {t['sram_peak_bytes'] / 1024:.0f} "
                      f"| {size / 1e6:.2f} | {seconds:.1f} |", flush=True)


if __name__ == "__main__":
    main()
