#!/usr/bin/python3
"""Train a small DeiT-style ViT on Fashion-MNIST and export it to ONNX.

    /usr/bin/python3 examples/models/fashion/train_fashion_vit.py --out DIR [--epochs N] [--seed S]

The model is examples/models/vitzoo/deit.py's DeiT (the same code as the zoo's
DeiT-Tiny/Small) configured for 28x28 grey images: by default a 7x7 stride-7 patch conv
(16 patches + class token = 17 tokens), dim 64, depth 6, 2 heads, MLP ratio 2; learned
position embedding, pre-norm blocks (LayerNorm eps 1e-6,
multi-head self-attention with one qkv Linear, GELU MLP), final LayerNorm, Linear head on
the class token, 10 classes. See MODEL_CARD.md for the configuration committed.

Training: AdamW (weight decay 0.05, none on biases / norms / class token / position
embedding), linear warm-up then cosine decay per step, cross-entropy with label smoothing
0.1. The position embedding starts from a 2D sin-cos table and is then learned.
Augmentation: random horizontal flip, plus (--crop-pad P > 0, default 0) a random 28x28
crop of the image padded with background by P pixels. After each epoch but the last the
model is evaluated on the first --eval-limit test images (monitoring only, no model
selection); the final accuracy is on all 10000. Seeded: given --seed, --threads and the
same torch build, two runs give the same weights and the same ONNX file.

Writes to DIR (each file under a temporary name, then renamed):
    fashion_vit.pt               checkpoint: config, state_dict, normalisation, history
    fashion_vit.onnx             opset 17, input "input" [batch,1,28,28] float32 normalised
                                 ((uint8/255 - 0.2860) / 0.3530), output "logits" [batch,10]
    fashion_vit_torch_logits.npy PyTorch fp32 logits on the 10000 test images (file order)
    fashion_vit_metrics.json     per-epoch history, final accuracy, time, parameters

The export is checked before it is renamed into place: onnx.checker, declared input /
output names and shapes, and test/e2e/onnx_ref_eval.py (an independent float64 numpy
evaluator) on 64 test images at batch 64 must match PyTorch within 1e-4 relative
(max|a-e|/max|e|) and give the same top-1 classes.

Needs Debian's python (torch 1.13, onnx 1.12, numpy): run it as /usr/bin/python3.
"""
import argparse
import json
import math
import os
import sys
import time

# Thread count before numpy / torch load OpenBLAS / OpenMP (see --threads).
_THREADS = 1
for _i, _a in enumerate(sys.argv):
    if _a == "--threads" and _i + 1 < len(sys.argv):
        _THREADS = int(sys.argv[_i + 1])
    elif _a.startswith("--threads="):
        _THREADS = int(_a.split("=", 1)[1])
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = str(_THREADS)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))                                   # vitzoo
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "test", "e2e"))     # onnx_ref_eval

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import fashion_data as fd  # noqa: E402
from vitzoo.deit import DeiT  # noqa: E402

DEFAULT_CONFIG = dict(img_size=28, patch_size=7, in_chans=1, num_classes=10,
                      embed_dim=64, depth=6, num_heads=2, mlp_ratio=2.0)


def sincos_pos_embed(dim, grid):
    """[1, 1 + grid*grid, dim] fixed 2D sin-cos table (MAE's): the first dim/2 channels
    encode the patch row, the rest the column, each as sin | cos of pos / 10000^(2i/(dim/2));
    zeros for the class token."""
    def axis(d, pos):
        omega = 1.0 / 10000 ** (torch.arange(d // 2, dtype=torch.float64) / (d / 2))
        angle = pos.double()[:, None] * omega[None, :]
        return torch.cat([angle.sin(), angle.cos()], 1)
    rows, cols = torch.meshgrid(torch.arange(grid), torch.arange(grid), indexing="ij")
    table = torch.cat([axis(dim // 2, rows.flatten()), axis(dim // 2, cols.flatten())], 1)
    return torch.cat([torch.zeros(1, dim, dtype=torch.float64), table], 0).float()[None]


def build_model(config, seed, pos_init="sincos"):
    """DeiT from vitzoo with the training initialisation (timm's ViT recipe):
    Linear weights truncated normal std 0.02 and zero bias, class token truncated normal
    std 0.02, LayerNorm 1 / 0, patch conv PyTorch's default. The position embedding is
    a learned parameter like DeiT's; pos_init "sincos" starts it from the 2D sin-cos
    table (sincos_pos_embed; learns much faster from scratch on a small data set than a
    near-zero start), "trunc_normal" from truncated normal std 0.02 as in DeiT."""
    torch.manual_seed(seed)
    model = DeiT(**config)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.Linear):
                nn.init.trunc_normal_(m.weight, std=0.02, a=-0.04, b=0.04)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.LayerNorm):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
        nn.init.trunc_normal_(model.cls_token, std=0.02, a=-0.04, b=0.04)
        if pos_init == "sincos":
            model.pos_embed.copy_(sincos_pos_embed(model.pos_embed.shape[-1], model.patch_embed.grid))
        elif pos_init == "trunc_normal":
            nn.init.trunc_normal_(model.pos_embed, std=0.02, a=-0.04, b=0.04)
        else:
            raise ValueError(f"unknown pos_init {pos_init!r}")
    return model


def to_input(images_u8):
    """uint8 tensor [B, 28, 28] -> float32 [B, 1, 28, 28], same arithmetic as fd.normalize."""
    x = images_u8.to(torch.float32) / 255.0
    return ((x - fd.MEAN) / fd.STD).unsqueeze(1)


def augment(x, gen, pad):
    """Random crop of the background-padded image (pad 0: none) + random horizontal flip."""
    b, c, h, w = x.shape
    if pad == 0:
        flip = torch.rand(b, generator=gen) < 0.5
        return torch.where(flip[:, None, None, None], x.flip(-1), x)
    bg = (0.0 - fd.MEAN) / fd.STD
    xp = F.pad(x, (pad, pad, pad, pad), value=bg)
    dy = torch.randint(0, 2 * pad + 1, (b,), generator=gen)
    dx = torch.randint(0, 2 * pad + 1, (b,), generator=gen)
    rows = (dy[:, None] + torch.arange(h)[None, :])[:, None, :, None].expand(b, c, h, w)
    cols = (dx[:, None] + torch.arange(w)[None, :])[:, None, None, :].expand(b, c, h, w)
    out = xp[torch.arange(b)[:, None, None, None], torch.arange(c)[None, :, None, None], rows, cols]
    flip = torch.rand(b, generator=gen) < 0.5
    return torch.where(flip[:, None, None, None], out.flip(-1), out)


def param_groups(model, weight_decay):
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        if p.ndim <= 1 or name in ("cls_token", "pos_embed"):
            no_decay.append(p)
        else:
            decay.append(p)
    return [{"params": decay, "weight_decay": weight_decay},
            {"params": no_decay, "weight_decay": 0.0}]


def lr_at(step, total, warmup, peak, final_frac=0.01):
    if step < warmup:
        return peak * (step + 1) / warmup
    t = (step - warmup) / max(1, total - warmup)
    return peak * (final_frac + (1 - final_frac) * 0.5 * (1 + math.cos(math.pi * t)))


@torch.no_grad()
def predict(model, images_u8, batch=1000):
    model.eval()
    outs = [model(to_input(images_u8[i:i + batch])) for i in range(0, images_u8.shape[0], batch)]
    return torch.cat(outs)


def _atomic(path, write):
    tmp = f"{path}.tmp{os.getpid()}"
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def export_onnx(model, path, test_x_u8, log):
    """Export, check and verify against PyTorch; then rename into place."""
    import onnx
    import onnx_ref_eval

    model.eval()
    sample = to_input(test_x_u8[:64])
    with torch.no_grad():
        expected = model(sample).numpy()

    def write(tmp):
        torch.onnx.export(model, sample[:2], tmp, opset_version=17, do_constant_folding=True,
                          input_names=["input"], output_names=["logits"],
                          dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
        m = onnx.load(tmp)
        onnx.checker.check_model(m)

        def dims(v):
            return [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]
        ins = [(i.name, dims(i)) for i in m.graph.input]
        outs = [(o.name, dims(o)) for o in m.graph.output]
        if ins != [("input", ["batch", 1, 28, 28])] or outs != [("logits", ["batch", 10])]:
            raise RuntimeError(f"unexpected ONNX signature: inputs {ins}, outputs {outs}")
        if m.opset_import[0].version != 17:
            raise RuntimeError(f"opset {m.opset_import[0].version}, expected 17")
        got = onnx_ref_eval.run_model(m, {"input": sample.numpy()})[0][0]
        rel = float(np.max(np.abs(got.astype(np.float64) - expected))) / float(np.max(np.abs(expected)))
        same = int((got.argmax(1) == expected.argmax(1)).sum())
        log(f"onnx check: onnx.checker ok; numpy reference evaluator vs PyTorch on 64 test images: "
            f"rel error {rel:.2e}, top-1 agrees on {same}/64")
        if rel > 1e-4 or same != 64:
            raise RuntimeError("exported ONNX does not match PyTorch")

    _atomic(path, write)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="output directory (created if needed)")
    ap.add_argument("--epochs", type=int, default=11)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1,
                    help="torch / OpenBLAS threads (default 1: on the shared 2-core machine two "
                         "threads were slower; results are reproducible for a given count)")
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--lr", type=float, default=3e-3, help="peak learning rate")
    ap.add_argument("--weight-decay", type=float, default=0.05)
    ap.add_argument("--warmup-steps", type=int, default=300)
    ap.add_argument("--crop-pad", type=int, default=0, help="random-crop padding in pixels (0: no crop)")
    ap.add_argument("--pos-init", choices=("sincos", "trunc_normal"), default="sincos")
    ap.add_argument("--eval-limit", type=int, default=2000,
                    help="test images evaluated after each epoch except the last (0: all)")
    ap.add_argument("--label-smoothing", type=float, default=0.1)
    ap.add_argument("--no-augment", action="store_true")
    ap.add_argument("--dim", type=int, default=DEFAULT_CONFIG["embed_dim"])
    ap.add_argument("--depth", type=int, default=DEFAULT_CONFIG["depth"])
    ap.add_argument("--heads", type=int, default=DEFAULT_CONFIG["num_heads"])
    ap.add_argument("--mlp-ratio", type=float, default=DEFAULT_CONFIG["mlp_ratio"])
    ap.add_argument("--patch", type=int, default=DEFAULT_CONFIG["patch_size"])
    ap.add_argument("--train-limit", type=int, default=0, help="use only the first N training images (smoke tests)")
    ap.add_argument("--no-export", action="store_true")
    args = ap.parse_args(argv)

    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)
    os.makedirs(args.out, exist_ok=True)
    t_start = time.time()

    def log(msg):
        print(f"[{time.time() - t_start:7.1f}s] {msg}", flush=True)

    train_x, train_y = fd.load_split_or_exit("train")
    test_x, test_y = fd.load_split_or_exit("test")
    if args.train_limit:
        train_x, train_y = train_x[:args.train_limit], train_y[:args.train_limit]
    train_x, train_y = torch.from_numpy(train_x.copy()), torch.from_numpy(train_y.copy())
    test_x_t, test_y_t = torch.from_numpy(test_x.copy()), torch.from_numpy(test_y.copy())

    config = dict(DEFAULT_CONFIG, embed_dim=args.dim, depth=args.depth, num_heads=args.heads,
                  mlp_ratio=args.mlp_ratio, patch_size=args.patch)
    model = build_model(config, args.seed, args.pos_init)
    n_params = sum(p.numel() for p in model.parameters())
    log(f"model: DeiT {config}, {n_params} parameters; threads {args.threads}, seed {args.seed}")

    opt = torch.optim.AdamW(param_groups(model, args.weight_decay), lr=args.lr, betas=(0.9, 0.999))
    steps_per_epoch = math.ceil(train_x.shape[0] / args.batch_size)
    total = steps_per_epoch * args.epochs
    shuffle_gen = torch.Generator().manual_seed(args.seed * 1000003 + 1)
    aug_gen = torch.Generator().manual_seed(args.seed * 1000003 + 2)

    history = []
    step = 0
    logits = None
    for epoch in range(1, args.epochs + 1):
        model.train()
        t_epoch = time.time()
        perm = torch.randperm(train_x.shape[0], generator=shuffle_gen)
        loss_sum, correct, seen = 0.0, 0, 0
        for i in range(steps_per_epoch):
            idx = perm[i * args.batch_size:(i + 1) * args.batch_size]
            x, y = to_input(train_x[idx]), train_y[idx]
            if not args.no_augment:
                x = augment(x, aug_gen, args.crop_pad)
            for g in opt.param_groups:
                g["lr"] = lr_at(step, total, args.warmup_steps, args.lr)
            logits = model(x)
            loss = F.cross_entropy(logits, y, label_smoothing=args.label_smoothing)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            step += 1
            loss_sum += float(loss) * y.shape[0]
            correct += int((logits.argmax(1) == y).sum())
            seen += y.shape[0]
            if (i + 1) % 100 == 0:
                log(f"  epoch {epoch} step {i + 1}/{steps_per_epoch} loss {loss_sum / seen:.4f} "
                    f"lr {opt.param_groups[0]['lr']:.2e}")
        train_time = time.time() - t_epoch
        n_eval = test_x_t.shape[0] if (epoch == args.epochs or not args.eval_limit) else args.eval_limit
        logits = predict(model, test_x_t[:n_eval])
        test_loss = float(F.cross_entropy(logits, test_y_t[:n_eval]))
        test_acc = float((logits.argmax(1) == test_y_t[:n_eval]).float().mean()) * 100
        rec = dict(epoch=epoch, train_loss=loss_sum / seen, train_acc=100.0 * correct / seen,
                   test_images=n_eval, test_loss=test_loss, test_acc=test_acc, epoch_seconds=round(time.time() - t_epoch, 1),
                   train_seconds=round(train_time, 1))
        history.append(rec)
        log(f"epoch {epoch}/{args.epochs}: train loss {rec['train_loss']:.4f} (augmented-batch acc "
            f"{rec['train_acc']:.2f}%), test loss {test_loss:.4f}, test top-1 {test_acc:.2f}% on {n_eval} "
            f"({rec['epoch_seconds']:.0f}s)")

    total_train = time.time() - t_start
    model.eval()
    logits = logits.numpy()  # the last epoch's evaluation (eval mode, no_grad)
    acc = float((logits.argmax(1) == test_y).mean()) * 100
    log(f"final PyTorch fp32 test top-1: {acc:.2f}% ({int((logits.argmax(1) == test_y).sum())}/10000)")

    ckpt = os.path.join(args.out, "fashion_vit.pt")
    _atomic(ckpt, lambda tmp: torch.save(
        {"config": config, "state_dict": model.state_dict(), "mean": fd.MEAN, "std": fd.STD,
         "seed": args.seed, "epochs": args.epochs, "args": vars(args), "history": history}, tmp))
    fd.save_npy_atomic(os.path.join(args.out, "fashion_vit_torch_logits.npy"), logits.astype(np.float32))
    log(f"wrote {ckpt}")

    metrics = dict(config=config, params=n_params, seed=args.seed, epochs=args.epochs,
                   threads=args.threads, args=vars(args), history=history,
                   torch_test_top1=acc, train_wall_seconds=round(total_train, 1),
                   torch_version=torch.__version__, normalisation=dict(mean=fd.MEAN, std=fd.STD))
    if not args.no_export:
        onnx_path = os.path.join(args.out, "fashion_vit.onnx")
        export_onnx(model, onnx_path, test_x_t, log)
        metrics["onnx_bytes"] = os.path.getsize(onnx_path)
        log(f"wrote {onnx_path} ({metrics['onnx_bytes']} bytes)")
    metrics["total_wall_seconds"] = round(time.time() - t_start, 1)

    def write_metrics(tmp):
        with open(tmp, "w") as f:
            f.write(json.dumps(metrics, indent=1) + "\n")
    _atomic(os.path.join(args.out, "fashion_vit_metrics.json"), write_metrics)
    log("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
