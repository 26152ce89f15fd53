#!/usr/bin/python3
"""Compare a model output against its reference output.

    compare_npy.py ACTUAL.npy EXPECTED.npy [--rtol 1e-4]

Relative error, as used by every vitc end-to-end test:

    rel = max_i |actual_i - expected_i| / max_i |expected_i|

i.e. the largest absolute error normalised by the largest magnitude of the reference
(one number per tensor, insensitive to individual near-zero reference values, which
an element-wise relative error would blow up). If max|expected| is 0, rel is the max
absolute error itself.

Prints the max absolute error, max |expected| and rel; exits 0 if rel <= rtol, 1 if
rel > rtol, if any value is NaN/Inf, or if the shapes or dtypes differ (a dtype
mismatch is an error, not a conversion), and 2 for a file that cannot be read.
Needs numpy only.
"""
import argparse
import sys

import numpy as np


def rel_error(actual, expected):
    """Return (max abs error, max |expected|, rel) computed in float64."""
    a = np.asarray(actual, dtype=np.float64)
    e = np.asarray(expected, dtype=np.float64)
    max_abs = float(np.max(np.abs(a - e))) if a.size else 0.0
    max_ref = float(np.max(np.abs(e))) if e.size else 0.0
    rel = max_abs / max_ref if max_ref > 0 else max_abs
    return max_abs, max_ref, rel


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("actual")
    ap.add_argument("expected")
    ap.add_argument("--rtol", type=float, default=1e-4,
                    help="tolerance on max|actual-expected| / max|expected| (default 1e-4)")
    args = ap.parse_args(argv)

    arrays = []
    for path in (args.actual, args.expected):
        try:
            arrays.append(np.load(path, allow_pickle=False))
        except (OSError, ValueError) as exc:
            print(f"error: cannot read {path}: {exc}", file=sys.stderr)
            return 2
    a, e = arrays

    if a.shape != e.shape:
        print(f"error: shape mismatch: actual {list(a.shape)} vs expected {list(e.shape)}", file=sys.stderr)
        return 1
    if a.dtype != e.dtype:
        print(f"error: dtype mismatch: actual {a.dtype} vs expected {e.dtype}", file=sys.stderr)
        return 1
    if a.dtype.kind not in "fiub":
        print(f"error: unsupported dtype {a.dtype}", file=sys.stderr)
        return 1
    bad = []
    for label, arr in (("actual", a), ("expected", e)):
        if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
            bad.append(label)

    max_abs, max_ref, rel = rel_error(a, e)
    print(f"shape {list(a.shape)} dtype {a.dtype}")
    print(f"max abs error   {max_abs:.6e}")
    print(f"max |expected|  {max_ref:.6e}")
    print(f"rel error       {rel:.6e}  (max|a-e| / max|e|, rtol {args.rtol:g})")
    if bad:
        print(f"error: non-finite values in {' and '.join(bad)}", file=sys.stderr)
        return 1
    if rel <= args.rtol:
        print("PASS")
        return 0
    idx = np.unravel_index(int(np.argmax(np.abs(a.astype(np.float64) - e))), a.shape) if a.ndim else ()
    print(f"FAIL: worst element at index {list(map(int, idx))}: actual {a[idx]!r} expected {e[idx]!r}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
