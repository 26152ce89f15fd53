#!/usr/bin/python3
"""Generates ONNX's own node conformance tests into a directory.

Usage: generate_node_tests.py DIR

Writes DIR/node/test_xxx/{model.onnx, test_data_set_N/{input,output}_i.pb}
with onnx.backend.test.cmd_tools' generate-data, restricted to node tests.
Idempotent: when DIR holds the stamp of the installed onnx version, nothing
is regenerated. Needs Debian's python3-onnx (1.12) and numpy.
"""
import argparse
import os
import shutil
import sys

import numpy as np

# onnx 1.12's generators use aliases that numpy 1.24 removed.
np.float = float
np.int = int
np.bool = bool
np.object = object

import onnx  # noqa: E402
from onnx.backend.test import cmd_tools  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", help="directory to write the tests into")
    args = parser.parse_args()

    stamp = os.path.join(args.output, "stamp-onnx-" + onnx.__version__)
    if os.path.exists(stamp):
        return 0
    # Generate next to the final place, then swap it in, so an interrupted run
    # never leaves a half-written directory that carries a stamp.
    staging = args.output.rstrip("/") + ".tmp"
    shutil.rmtree(staging, ignore_errors=True)
    os.makedirs(staging)
    cmd_tools.model_test.collect_testcases = lambda *unused: []
    cmd_tools.generate_data(argparse.Namespace(output=staging, op_type=None))
    count = len(os.listdir(os.path.join(staging, "node")))
    with open(os.path.join(staging, os.path.basename(stamp)), "w") as f:
        f.write(f"{count} node tests from onnx {onnx.__version__}\n")
    shutil.rmtree(args.output, ignore_errors=True)
    os.rename(staging, args.output)
    print(f"generated {count} ONNX node tests into {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
