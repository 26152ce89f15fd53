"""TinyViT (Wu et al., "TinyViT: Fast Pretraining Distillation for Small Vision
Transformers", 2022), scaled to a 112x112 input.

Structure follows TinyViT-5M: a conv stem (Conv+BN, GELU, Conv+BN, stride 4 in
total), a first stage of MBConv blocks (1x1 expand + BN + GELU, depthwise 3x3 + BN
+ GELU, 1x1 project + BN, residual, GELU), conv-based patch merging (1x1, depthwise
3x3 stride 2, 1x1, each Conv+BN), then attention stages whose blocks are: local
window attention (LayerNorm inside the attention, one qkv Linear split per head into
q/k/v, learnable per-head attention biases indexed by a relative-offset index
buffer), residual, a depthwise 3x3 Conv+BN on the feature map between attention and
MLP, then a pre-norm GELU MLP with residual. Head: mean over tokens, LayerNorm,
Linear.

Zoo config (`tinyvit_zoo`): TinyViT-5M widths (64, 128, 160, 320) and heads
(2, 4, 5, 10), depths (2, 2, 2, 2) instead of (2, 2, 6, 2), 112x112 input instead
of 224, so stage 2 runs 2x2 windows of 7x7 and stages 3-4 one 7x7 window (the
single-window path that skips partitioning). As in TinyViT, the merging into the
320-wide last stage uses stride 1.
"""
import itertools

import torch
import torch.nn as nn

from .common import Mlp


class ConvBN(nn.Sequential):
    def __init__(self, cin, cout, k=1, stride=1, pad=0, groups=1):
        super().__init__()
        self.add_module("c", nn.Conv2d(cin, cout, k, stride, pad, groups=groups, bias=False))
        self.add_module("bn", nn.BatchNorm2d(cout))


class Stem(nn.Module):
    def __init__(self, in_chans, dim):
        super().__init__()
        self.seq = nn.Sequential(
            ConvBN(in_chans, dim // 2, 3, 2, 1), nn.GELU(),
            ConvBN(dim // 2, dim, 3, 2, 1))

    def forward(self, x):
        return self.seq(x)


class MBConv(nn.Module):
    def __init__(self, dim, expand=4):
        super().__init__()
        hidden = dim * expand
        self.conv1 = ConvBN(dim, hidden, 1)
        self.act1 = nn.GELU()
        self.conv2 = ConvBN(hidden, hidden, 3, 1, 1, groups=hidden)
        self.act2 = nn.GELU()
        self.conv3 = ConvBN(hidden, dim, 1)
        self.act3 = nn.GELU()

    def forward(self, x):
        shortcut = x
        x = self.act1(self.conv1(x))
        x = self.act2(self.conv2(x))
        x = self.conv3(x)
        return self.act3(x + shortcut)


class ConvMerging(nn.Module):
    """Token map (B,C,H,W) or tokens (B,H*W,C) -> tokens (B,H'*W',C')."""

    def __init__(self, input_resolution, dim, out_dim, stride=2):
        super().__init__()
        self.input_resolution = input_resolution
        self.conv1 = ConvBN(dim, out_dim, 1)
        self.act = nn.GELU()
        self.conv2 = ConvBN(out_dim, out_dim, 3, stride, 1, groups=out_dim)
        self.conv3 = ConvBN(out_dim, out_dim, 1)

    def forward(self, x):
        if x.ndim == 3:
            H, W = self.input_resolution
            B = x.shape[0]
            x = x.view(B, H, W, -1).permute(0, 3, 1, 2)
        x = self.act(self.conv1(x))
        x = self.act(self.conv2(x))
        x = self.conv3(x)
        return x.flatten(2).transpose(1, 2)


class Attention(nn.Module):
    def __init__(self, dim, key_dim, num_heads, resolution, attn_ratio=1):
        super().__init__()
        self.num_heads = num_heads
        self.key_dim = key_dim
        self.d = int(attn_ratio * key_dim)
        self.dh = self.d * num_heads
        self.scale = key_dim ** -0.5
        self.norm = nn.LayerNorm(dim)
        self.qkv = nn.Linear(dim, self.dh + 2 * key_dim * num_heads)
        self.proj = nn.Linear(self.dh, dim)
        # One bias per head and per |row offset|, |col offset| pair.
        pts = list(itertools.product(range(resolution), range(resolution)))
        offset_id = {}
        idx = []
        for p in pts:
            for q in pts:
                off = (abs(p[0] - q[0]), abs(p[1] - q[1]))
                idx.append(offset_id.setdefault(off, len(offset_id)))
        n = len(pts)
        self.attention_biases = nn.Parameter(torch.zeros(num_heads, len(offset_id)))
        self._zoo_init_std = {"attention_biases": 0.5}
        self.register_buffer("attention_bias_idxs", torch.tensor(idx, dtype=torch.long).view(n, n))

    def forward(self, x):
        B, N, _ = x.shape
        x = self.norm(x)
        qkv = self.qkv(x)
        q, k, v = qkv.view(B, N, self.num_heads, -1).split([self.key_dim, self.key_dim, self.d], dim=3)
        q = q.permute(0, 2, 1, 3)
        k = k.permute(0, 2, 1, 3)
        v = v.permute(0, 2, 1, 3)
        attn = (q @ k.transpose(-2, -1)) * self.scale + self.attention_biases[:, self.attention_bias_idxs]
        attn = attn.softmax(dim=-1)
        x = (attn @ v).transpose(1, 2).reshape(B, N, self.dh)
        return self.proj(x)


class TinyViTBlock(nn.Module):
    def __init__(self, dim, input_resolution, num_heads, window_size=7, mlp_ratio=4.0):
        super().__init__()
        self.input_resolution = input_resolution
        self.window_size = window_size
        H, W = input_resolution
        assert H % window_size == 0 and W % window_size == 0, "zoo models are pad-free"
        self.attn = Attention(dim, dim // num_heads, num_heads, window_size)
        self.local_conv = ConvBN(dim, dim, 3, 1, 1, groups=dim)
        self.mlp = Mlp(dim, int(dim * mlp_ratio), norm=nn.LayerNorm)

    def forward(self, x):
        H, W = self.input_resolution
        B, L, C = x.shape
        ws = self.window_size
        res_x = x
        if H == ws and W == ws:
            x = self.attn(x)
        else:
            nH, nW = H // ws, W // ws
            x = x.view(B, nH, ws, nW, ws, C).transpose(2, 3).reshape(B * nH * nW, ws * ws, C)
            x = self.attn(x)
            x = x.view(B, nH, nW, ws, ws, C).transpose(2, 3).reshape(B, L, C)
        x = res_x + x
        x = x.transpose(1, 2).reshape(B, C, H, W)
        x = self.local_conv(x)
        x = x.view(B, C, L).transpose(1, 2)
        return x + self.mlp(x)


class TinyViT(nn.Module):
    def __init__(self, img_size=112, in_chans=3, num_classes=1000, embed_dims=(64, 128, 160, 320),
                 depths=(2, 2, 2, 2), num_heads=(2, 4, 5, 10), window_sizes=(7, 7, 7, 7)):
        super().__init__()
        self.patch_embed = Stem(in_chans, embed_dims[0])
        res = img_size // 4
        self.stage0 = nn.Sequential(*[MBConv(embed_dims[0]) for _ in range(depths[0])])
        stages = []
        for i in range(1, len(embed_dims)):
            stride = 1 if embed_dims[i] in (320, 448, 576) else 2
            merge = ConvMerging((res, res), embed_dims[i - 1], embed_dims[i], stride)
            res = res // stride if stride == 1 else (res + 1) // 2
            blocks = [TinyViTBlock(embed_dims[i], (res, res), num_heads[i], window_sizes[i])
                      for _ in range(depths[i])]
            stages.append(nn.Sequential(merge, *blocks))
        self.stages = nn.Sequential(*stages)
        self.norm_head = nn.LayerNorm(embed_dims[-1])
        self.head = nn.Linear(embed_dims[-1], num_classes)

    def forward(self, x):
        x = self.patch_embed(x)
        x = self.stage0(x)
        x = self.stages(x)          # B, L, C
        x = x.mean(1)
        return self.head(self.norm_head(x))


def tinyvit_zoo(**kw):
    """TinyViT-5M widths, depths (2,2,2,2), 112x112, windows 7."""
    return TinyViT(**kw)
