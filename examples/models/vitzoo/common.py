"""Shared pieces of the vitc model zoo: deterministic weight initialisation and
small building blocks used by several families.

Nothing here downloads anything: every model in the zoo is built from torch.nn
primitives and initialised from a seed, so an export is reproducible bit for bit
on a given torch version.
"""
import math

import torch
import torch.nn as nn


class Mlp(nn.Module):
    """Transformer feed-forward: Linear -> activation -> Linear (token layout B,N,C)."""

    def __init__(self, dim, hidden, act=nn.GELU, norm=None):
        super().__init__()
        # TinyViT puts a LayerNorm inside its MLP; ViT/Swin keep it in the block.
        self.norm = norm(dim) if norm is not None else nn.Identity()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = act()
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(self.norm(x))))


@torch.no_grad()
def init_zoo_weights(model: nn.Module, seed: int) -> nn.Module:
    """Give `model` realistic, seeded random weights.

    * Linear: truncated normal std 0.02 (timm's ViT/Swin init), bias normal std 0.02
      (a trained model's biases are not zero; zeros would hide a dropped bias).
    * Conv: Kaiming normal, fan_in, ReLU gain (keeps activation scale through depth);
      bias normal std 0.02.
    * LayerNorm: weight 1 + N(0, 0.1), bias N(0, 0.05).
    * BatchNorm: weight U(0.7, 1.3), bias N(0, 0.1), running_mean N(0, 0.2),
      running_var U(0.5, 1.5) -- placeholders: `calibrate_batchnorm` then replaces the
      running statistics with those of the actual activations, as training would.
    * Parameters a module flags with `_zoo_init_std` (cls tokens, position embeddings,
      relative-position bias tables, ...) get a truncated normal with that std.
    """
    g = torch.Generator().manual_seed(seed)

    def normal_(t, std, mean=0.0):
        t.copy_(torch.randn(t.shape, generator=g) * std + mean)

    def trunc_normal_(t, std):
        # Resample values beyond 2 std, like nn.init.trunc_normal_(a=-2std, b=2std),
        # but driven by our own generator so the result does not depend on global state.
        v = torch.randn(t.shape, generator=g)
        for _ in range(10):
            bad = v.abs() > 2.0
            if not bad.any():
                break
            v[bad] = torch.randn(int(bad.sum()), generator=g)
        v.clamp_(-2.0, 2.0)
        t.copy_(v * std)

    def uniform_(t, lo, hi):
        t.copy_(torch.rand(t.shape, generator=g) * (hi - lo) + lo)

    for m in model.modules():
        if isinstance(m, nn.Linear):
            trunc_normal_(m.weight, 0.02)
            if m.bias is not None:
                normal_(m.bias, 0.02)
        elif isinstance(m, nn.Conv2d):
            fan_in = m.weight.shape[1] * m.weight.shape[2] * m.weight.shape[3]
            normal_(m.weight, math.sqrt(2.0 / fan_in))
            if m.bias is not None:
                normal_(m.bias, 0.02)
        elif isinstance(m, nn.LayerNorm):
            normal_(m.weight, 0.1, 1.0)
            normal_(m.bias, 0.05)
        elif isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            uniform_(m.weight, 0.7, 1.3)
            normal_(m.bias, 0.1)
            normal_(m.running_mean, 0.2)
            uniform_(m.running_var, 0.5, 1.5)
        for name, p in m.named_parameters(recurse=False):
            std = getattr(m, "_zoo_init_std", {}).get(name)
            if std is not None:
                trunc_normal_(p, std)
    return model


@torch.no_grad()
def calibrate_batchnorm(model: nn.Module, input_shape, seed: int, batch: int = 8) -> nn.Module:
    """Set every BatchNorm's running mean/var to the statistics of its real input.

    With random weights, running stats that do not match the activations make the
    eval-mode network blow up layer after layer (1e4-1e5 activations after a few
    MBConv blocks); a trained network's statistics do match. One train-mode forward
    pass on seeded normal(0, 1) images with momentum=None (cumulative average) gives
    each BN exactly the mean/var of its input over that batch. The statistics are
    non-trivial (not 0/1), so folding BN into the preceding conv still changes it.
    Models without BatchNorm are returned unchanged.
    """
    bns = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    if not bns:
        return model
    g = torch.Generator().manual_seed(seed + 7919)
    x = torch.randn((batch,) + tuple(input_shape), generator=g)
    saved = [(m, m.momentum) for m in bns]
    was_training = model.training
    for m in bns:
        m.reset_running_stats()
        m.momentum = None
    model.train()
    model(x)
    for m, mom in saved:
        m.momentum = mom
    model.train(was_training)
    return model
