#!/usr/bin/python3
"""Quantised zoo model against fp32: output SQNR above a floor.

    check_quant_sqnr.py VITC ZOO_DIR MODEL

Runs `vitc run MODEL --wbits 8 --abits A` (A = 8, 16, then auto) on the zoo input with the
default calibration (32 synthetic standard-normal inputs: the zoo's inputs are drawn
the same way) and compares the output with PyTorch's fp32 output:

    SQNR = 10 log10(sum e^2 / sum (q - e)^2)   (dB)

The floors are the values measured when the quantiser landed (bench/quant/RESULTS.md)
less 1.5 dB. The zoo's weights are random (seeded): in DeiT the class token and the
position embedding are ~0.02 while the patch tokens reach +-6, so with one INT8 scale
per tensor the class token -- the only token the head reads -- is lost; INT16 keeps it,
and --abits auto (whose sensitivity includes the end-to-end output error) finds it.
Exits 1 when a floor is missed.
"""
import os
import subprocess
import sys
import tempfile

import numpy as np

# model: (W8A8, W8A16, W8 with --abits auto) floors, dB
FLOORS = {
    "deit_tiny": (-0.1, 37.0, 15.9),
    "deit_small": (2.8, 35.1, 21.1),
    "swin": (28.2, 39.4, 29.1),
    "tinyvit": (13.4, 23.6, 16.9),
    "efficientvit": (0.4, 17.2, 14.8),
    "swinir": (26.4, 34.3, 28.1),
}


def floors_for(model):
    for prefix, floors in FLOORS.items():
        if model.startswith(prefix + "_"):
            return floors
    raise SystemExit(f"check_quant_sqnr: no floor for {model}")


def sqnr(q, e):
    e = e.astype(np.float64)
    noise = ((q.astype(np.float64) - e) ** 2).sum()
    return float("inf") if noise == 0 else 10 * np.log10((e ** 2).sum() / noise)


def main():
    vitc, zoo, model = sys.argv[1:4]
    directory = os.path.join(zoo, model)
    expected = np.load(os.path.join(directory, "expected.npy"))
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        for abits, floor in zip(("8", "16", "auto"), floors_for(model)):
            out = os.path.join(tmp, f"a{abits}.npy")
            subprocess.run([vitc, "run", os.path.join(directory, "model.onnx"), "--wbits", "8",
                            "--abits", abits, "--input", os.path.join(directory, "input.npy"),
                            "--output", out], check=True)
            value = sqnr(np.load(out), expected)
            ok = value >= floor
            failed |= not ok
            print(f"{model} W8A{abits}: SQNR {value:.2f} dB (floor {floor:.1f}) "
                  f"{'ok' if ok else 'BELOW FLOOR'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
