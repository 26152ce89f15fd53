#!/usr/bin/python3
"""Write the Fashion-MNIST arrays used to test the trained ViT (fashion_vit.onnx).

    /usr/bin/python3 examples/models/fashion/prepare_fashion_data.py --out DIR

writes, normalised exactly as the model expects ((uint8 / 255 - 0.2860) / 0.3530 in
float32, see fashion_data.py):

    DIR/fashion_test_images.npy   float32 [10000, 1, 28, 28]  the whole test set, file order
    DIR/fashion_test_labels.npy   int64   [10000]
    DIR/fashion_calib_512.npy     float32 [512, 1, 28, 28]    fixed class-stratified
                                  selection of training images (52 of classes 0-1, 51 of
                                  the others; seed 20240512), shuffled
    DIR/fashion_calib_512_labels.npy  int64 [512]  their labels (for reference only)

Deterministic (two runs give byte-identical files) and fast (about 1-2 s). Every file is
written under a temporary name and renamed. Only numpy is needed, so any python3 with
numpy works. Reads Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist,
or FASHION_MNIST_DIR); exits 2 with "install dataset-fashion-mnist (apt)" if it is missing.
The committed examples/models/fashion/fashion_calib_512.npy is this script's output.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import fashion_data as fd  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="output directory (created if needed)")
    ap.add_argument("--calib-only", action="store_true", help="write only the calibration files")
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)

    train_x, train_y = fd.load_split_or_exit("train")
    sel = fd.calibration_indices(train_y)
    calib = fd.normalize(train_x[sel])
    fd.save_npy_atomic(os.path.join(args.out, "fashion_calib_512.npy"), calib)
    fd.save_npy_atomic(os.path.join(args.out, "fashion_calib_512_labels.npy"), train_y[sel].astype(np.int64))
    written = ["fashion_calib_512.npy", "fashion_calib_512_labels.npy"]

    if not args.calib_only:
        test_x, test_y = fd.load_split_or_exit("test")
        fd.save_npy_atomic(os.path.join(args.out, "fashion_test_images.npy"), fd.normalize(test_x))
        fd.save_npy_atomic(os.path.join(args.out, "fashion_test_labels.npy"), test_y.astype(np.int64))
        written += ["fashion_test_images.npy", "fashion_test_labels.npy"]

    for name in written:
        a = np.load(os.path.join(args.out, name), mmap_mode="r")
        print(f"{os.path.join(args.out, name)}: {a.dtype} {list(a.shape)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
