#!/usr/bin/python3
"""fp32 latency of `vitc run` against ONNX Runtime (onnxruntime-node) on one model.

    /usr/bin/python3 bench/fp32/compare_ort.py --vitc build/bin/vitc \
        --model build/zoo/deit_tiny_op17/model.onnx --input build/zoo/deit_tiny_op17/input.npy

Both engines run the same ONNX file and input, at the same thread counts, in the
same process session, interleaved round by round (vitc, ORT, vitc, ORT, ...) so that
a noisy neighbour slows both alike. Each engine reports the median of --repeat timed
runs after --warmup untimed ones; the table gives, per thread count, the median over
rounds of those medians and the ratio vitc / ORT. Needs `npm install` in bench/fp32.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def run_vitc(args, threads):
    out = subprocess.run(
        [args.vitc, "run", args.model, "--input", args.input, "--threads", str(threads),
         "--repeat", str(args.repeat), "--warmup", str(args.warmup)],
        check=True, capture_output=True, text=True).stderr
    match = re.search(r"median ([0-9.]+) ms, min ([0-9.]+) ms", out)
    if not match:
        sys.exit("compare_ort: cannot read vitc's summary line:\n" + out)
    return float(match.group(1))


def run_ort(args, threads):
    out = subprocess.run(
        ["node", os.path.join(HERE, "ort_latency.js"), args.model, args.input, str(threads),
         str(args.repeat), str(args.warmup)],
        check=True, capture_output=True, text=True).stdout
    return json.loads(out)["median_ms"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vitc", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--input", required=True)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args()

    threads = [int(t) for t in args.threads.split(",")]
    times = {(engine, t): [] for engine in ("vitc", "ort") for t in threads}
    for _ in range(args.rounds):
        for t in threads:
            times[("vitc", t)].append(run_vitc(args, t))
            times[("ort", t)].append(run_ort(args, t))

    print(f"model: {args.model}  ({args.rounds} rounds x {args.repeat} runs, "
          f"{args.warmup} warm-up)")
    print("| threads | vitc median ms | ONNX Runtime median ms | vitc / ORT |")
    print("|---|---|---|---|")
    for t in threads:
        v = statistics.median(times[("vitc", t)])
        o = statistics.median(times[("ort", t)])
        print(f"| {t} | {v:.2f} | {o:.2f} | {v / o:.2f} |")


if __name__ == "__main__":
    main()
