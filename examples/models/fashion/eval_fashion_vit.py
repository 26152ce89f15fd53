#!/usr/bin/python3
"""Top-1 accuracy of the Fashion-MNIST ViT from several independent sources.

    /usr/bin/python3 examples/models/fashion/eval_fashion_vit.py --data DIR \\
        [--onnx fashion_vit.onnx [--save-onnx-logits OUT.npy]] \\
        [--checkpoint fashion_vit.pt] [--logits LOGITS.npy ...] [--limit N]

DIR holds fashion_test_images.npy / fashion_test_labels.npy from prepare_fashion_data.py.
Sources, each giving [N, 10] logits on the test images (file order):
  --onnx        the ONNX file executed by test/e2e/onnx_ref_eval.py, the project's
                independent float64 numpy evaluator (no PyTorch, no onnxruntime), in
                batches of 500 (a dynamic-batch export is required); ~1 min for 10k images
  --checkpoint  PyTorch fp32 on the weights in train_fashion_vit.py's checkpoint
  --logits      a logits .npy made elsewhere, e.g. by `vitc run fashion_vit.onnx
                --input fashion_test_images.npy --output logits.npy`
For each source it prints top-1 accuracy; against the first source it also prints the
relative logit difference max|a-b|/max|b| and on how many images the top-1 class agrees.
Exits 1 if a logits file has the wrong shape or contains NaN/Inf.
"""
import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "test", "e2e"))

import numpy as np  # noqa: E402


def onnx_logits(path, images, batch=500):
    import onnx
    import onnx_ref_eval
    model = onnx.load(path)
    name = model.graph.input[0].name
    outs = []
    for i in range(0, images.shape[0], batch):
        outs.append(onnx_ref_eval.run_model(model, {name: images[i:i + batch]})[0][0])
    return np.concatenate(outs).astype(np.float32)


def torch_logits(path, images, batch=1000):
    import torch
    from train_fashion_vit import build_model
    ckpt = torch.load(path, map_location="cpu")
    model = build_model(ckpt["config"], 0)
    model.load_state_dict(ckpt["state_dict"])
    model.eval()
    with torch.no_grad():
        outs = [model(torch.from_numpy(images[i:i + batch])).numpy() for i in range(0, images.shape[0], batch)]
    return np.concatenate(outs)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, help="directory written by prepare_fashion_data.py")
    ap.add_argument("--onnx")
    ap.add_argument("--save-onnx-logits")
    ap.add_argument("--checkpoint")
    ap.add_argument("--logits", nargs="*", default=[])
    ap.add_argument("--limit", type=int, default=0, help="only the first N test images")
    args = ap.parse_args(argv)

    images = np.load(os.path.join(args.data, "fashion_test_images.npy"))
    labels = np.load(os.path.join(args.data, "fashion_test_labels.npy"))
    if args.limit:
        images, labels = images[:args.limit], labels[:args.limit]
    n = labels.shape[0]

    sources = []
    if args.onnx:
        t = time.time()
        lg = onnx_logits(args.onnx, images)
        sources.append((f"ONNX via numpy reference evaluator ({time.time() - t:.0f}s)", lg))
        if args.save_onnx_logits:
            np.save(args.save_onnx_logits, lg)
    if args.checkpoint:
        sources.append(("PyTorch fp32 checkpoint", torch_logits(args.checkpoint, images)))
    for path in args.logits:
        lg = np.load(path)
        if lg.shape[0] > n and args.limit:
            lg = lg[:n]
        sources.append((path, lg))
    if not sources:
        ap.error("give at least one of --onnx, --checkpoint, --logits")

    status = 0
    ref = None
    for name, lg in sources:
        if lg.shape != (n, 10) or not np.all(np.isfinite(lg)):
            print(f"{name}: bad logits (shape {list(lg.shape)}, expected [{n}, 10], or NaN/Inf)")
            status = 1
            continue
        pred = lg.argmax(1)
        line = f"{name}: top-1 {100.0 * (pred == labels).mean():.2f}% ({int((pred == labels).sum())}/{n})"
        if ref is None:
            ref = lg
        else:
            rel = float(np.max(np.abs(lg.astype(np.float64) - ref))) / float(np.max(np.abs(ref)))
            line += f"; vs first: rel logit diff {rel:.2e}, same top-1 on {int((pred == ref.argmax(1)).sum())}/{n}"
        print(line)
    return status


if __name__ == "__main__":
    sys.exit(main())
