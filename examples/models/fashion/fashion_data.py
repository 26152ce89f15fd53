"""Fashion-MNIST for the vitc examples: IDX reading, normalisation, calibration subset.

The data comes from Debian's `dataset-fashion-mnist` package
(/usr/share/datasets/fashion-mnist/*.gz, IDX format); nothing is downloaded.
Set FASHION_MNIST_DIR to read the four .gz files from another directory.

Normalisation (what the exported model expects, per pixel, single channel):

    x = (uint8_pixel / 255 - MEAN) / STD        computed in float32, in that order

MEAN and STD are the training-set pixel mean and standard deviation (0.286041 and
0.353024 measured over all 60000 x 784 training pixels), rounded to 4 decimals so that
anyone can reproduce the input without this file.
"""
import gzip
import os
import sys

import numpy as np

MEAN = 0.2860
STD = 0.3530
NUM_CLASSES = 10
CLASS_NAMES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")

DEFAULT_DIR = "/usr/share/datasets/fashion-mnist"
FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", 60000),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", 10000),
}
CALIB_SEED = 20240512
CALIB_COUNT = 512


class DatasetMissing(Exception):
    pass


def data_dir():
    return os.environ.get("FASHION_MNIST_DIR", DEFAULT_DIR)


def _read_idx(path, ndim):
    """Read a gzip'd IDX file of unsigned bytes with `ndim` dimensions."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 + 4 * ndim:
        raise ValueError(f"{path}: truncated IDX header")
    magic = int.from_bytes(raw[0:4], "big")
    if magic != 0x0800 + ndim:  # 0x08 = unsigned byte, then the number of dimensions
        raise ValueError(f"{path}: bad IDX magic 0x{magic:08x} (expected 0x{0x800 + ndim:08x})")
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    off = 4 + 4 * ndim
    n = int(np.prod(dims))
    if len(raw) != off + n:
        raise ValueError(f"{path}: expected {off + n} bytes for dims {dims}, found {len(raw)}")
    return np.frombuffer(raw, dtype=np.uint8, count=n, offset=off).reshape(dims)


def load_split(split):
    """Return (images uint8 [N, 28, 28], labels int64 [N]) of 'train' or 'test'."""
    img_name, lbl_name, count = FILES[split]
    d = data_dir()
    img_path, lbl_path = os.path.join(d, img_name), os.path.join(d, lbl_name)
    missing = [p for p in (img_path, lbl_path) if not os.path.isfile(p)]
    if missing:
        raise DatasetMissing(
            f"Fashion-MNIST not found ({', '.join(missing)}): "
            f"install dataset-fashion-mnist (apt), or set FASHION_MNIST_DIR")
    images = _read_idx(img_path, 3)
    labels = _read_idx(lbl_path, 1).astype(np.int64)
    if images.shape != (count, 28, 28) or labels.shape != (count,):
        raise ValueError(f"Fashion-MNIST {split}: unexpected shapes {images.shape} / {labels.shape}")
    if labels.max() >= NUM_CLASSES:
        raise ValueError(f"Fashion-MNIST {split}: label {labels.max()} out of range")
    return images, labels


def load_split_or_exit(split):
    try:
        return load_split(split)
    except DatasetMissing as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)


def normalize(images_u8):
    """uint8 [N, 28, 28] -> float32 [N, 1, 28, 28], (x / 255 - MEAN) / STD in float32."""
    x = images_u8.astype(np.float32) / np.float32(255.0)
    x = (x - np.float32(MEAN)) / np.float32(STD)
    return np.ascontiguousarray(x[:, None, :, :], dtype=np.float32)


def calibration_indices(train_labels, count=CALIB_COUNT, seed=CALIB_SEED):
    """A fixed, class-stratified selection of `count` training images.

    Each class gets count // 10 images, the first count % 10 classes one more
    (512 -> 52, 52, 51, ... 51); within a class the images are drawn without
    replacement by numpy's PCG64 generator seeded with `seed`, and the final list is
    shuffled by the same generator so that any prefix of it mixes the classes.
    """
    rng = np.random.default_rng(seed)
    base, extra = divmod(count, NUM_CLASSES)
    picks = []
    for c in range(NUM_CLASSES):
        idx = np.flatnonzero(train_labels == c)
        k = base + (1 if c < extra else 0)
        picks.append(np.sort(rng.choice(idx, size=k, replace=False)))
    sel = np.concatenate(picks)
    return sel[rng.permutation(sel.size)]


def save_npy_atomic(path, array):
    """np.save to a temporary name in the same directory, then rename."""
    tmp = f"{path}.tmp{os.getpid()}"
    try:
        with open(tmp, "wb") as f:
            np.save(f, array)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
