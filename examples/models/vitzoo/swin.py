"""Swin Transformer (Liu et al., "Hierarchical Vision Transformer using Shifted
Windows", 2021), scaled down.

Same structure as Swin v1: 4x4 patch embedding (strided conv) + LayerNorm, stages
of Swin blocks with window multi-head self-attention, every second block shifted by
half a window with torch.roll and masked by a precomputed cyclic-shift attention
mask (a registered buffer), a relative position bias gathered from a learnable
table with a precomputed relative_position_index buffer, patch merging (2x2
strided slicing + cat + LayerNorm + Linear) between stages, final LayerNorm,
average pooling over tokens and a linear head.

The zoo config (`swin_zoo`) is 112x112 input, embed dim 64, depths (2, 2, 2),
heads (2, 4, 8) (head dim 32 as in Swin-T), window 7: stage 1 runs at 28x28 tokens
(16 windows), stage 2 at 14x14 (4 windows), stage 3 at 7x7 where the window covers
the whole map, so -- like Swin-T's last stage -- no shift is applied there.
SwinIR (swinir.py) reuses `SwinBlock` from this file.
"""
import torch
import torch.nn as nn

from .common import Mlp


def window_partition(x, ws):
    """(B, H, W, C) -> (B * num_windows, ws, ws, C)."""
    B, H, W, C = x.shape
    x = x.view(B, H // ws, ws, W // ws, ws, C)
    return x.permute(0, 1, 3, 2, 4, 5).contiguous().view(-1, ws, ws, C)


def window_reverse(windows, ws, H, W):
    """(B * num_windows, ws, ws, C) -> (B, H, W, C); H, W are Python ints."""
    C = windows.shape[-1]
    x = windows.view(-1, H // ws, W // ws, ws, ws, C)
    return x.permute(0, 1, 3, 2, 4, 5).contiguous().view(-1, H, W, C)


def relative_position_index(ws):
    """(ws*ws, ws*ws) int64: index into a ((2ws-1)^2, heads) table for the offset
    between every pair of positions of a window (row offset major)."""
    r = torch.arange(ws)
    rows = r.repeat_interleave(ws)          # row of each flattened position
    cols = r.repeat(ws)                     # column of each flattened position
    d_row = rows[:, None] - rows[None, :] + (ws - 1)
    d_col = cols[:, None] - cols[None, :] + (ws - 1)
    return d_row * (2 * ws - 1) + d_col


def shifted_window_mask(H, W, ws, shift):
    """(num_windows, ws*ws, ws*ws) float mask: 0 where two positions of a window came
    from the same region before the cyclic shift, -100 otherwise."""
    def region(n):
        # Slices (0, n-ws), (n-ws, n-shift), (n-shift, n) get labels 0, 1, 2.
        idx = torch.arange(n)
        return (idx >= n - ws).long() + (idx >= n - shift).long()
    label = region(H)[:, None] * 3 + region(W)[None, :]            # H, W
    win = window_partition(label[None, :, :, None], ws).view(-1, ws * ws)
    diff = win[:, None, :] != win[:, :, None]
    return diff.float() * -100.0


class WindowAttention(nn.Module):
    def __init__(self, dim, ws, num_heads):
        super().__init__()
        self.ws = ws
        self.num_heads = num_heads
        self.scale = (dim // num_heads) ** -0.5
        self.relative_position_bias_table = nn.Parameter(torch.zeros((2 * ws - 1) ** 2, num_heads))
        # Trained Swin tables are O(1); a larger-than-timm init makes the gathered
        # bias matter numerically, so a wrong Gather cannot pass the e2e tests.
        self._zoo_init_std = {"relative_position_bias_table": 0.5}
        self.register_buffer("relative_position_index", relative_position_index(ws))
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x, mask=None):
        B_, N, C = x.shape
        qkv = self.qkv(x).reshape(B_, N, 3, self.num_heads, C // self.num_heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        q = q * self.scale
        attn = q @ k.transpose(-2, -1)
        bias = self.relative_position_bias_table[self.relative_position_index.view(-1)]
        bias = bias.view(N, N, -1).permute(2, 0, 1).contiguous()
        attn = attn + bias.unsqueeze(0)
        if mask is not None:
            nW = mask.shape[0]
            attn = attn.view(B_ // nW, nW, self.num_heads, N, N) + mask.unsqueeze(1).unsqueeze(0)
            attn = attn.view(-1, self.num_heads, N, N)
        attn = attn.softmax(dim=-1)
        x = (attn @ v).transpose(1, 2).reshape(B_, N, C)
        return self.proj(x)


class SwinBlock(nn.Module):
    def __init__(self, dim, input_resolution, num_heads, window_size=7, shift_size=0, mlp_ratio=4.0):
        super().__init__()
        self.input_resolution = input_resolution
        H, W = input_resolution
        if min(H, W) <= window_size:
            # One window covers the map: nothing to shift.
            window_size, shift_size = min(H, W), 0
        assert H % window_size == 0 and W % window_size == 0, "zoo models are pad-free"
        self.window_size = window_size
        self.shift_size = shift_size
        self.norm1 = nn.LayerNorm(dim)
        self.attn = WindowAttention(dim, window_size, num_heads)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = Mlp(dim, int(dim * mlp_ratio))
        if shift_size > 0:
            self.register_buffer("attn_mask", shifted_window_mask(H, W, window_size, shift_size))
        else:
            self.attn_mask = None

    def forward(self, x):
        H, W = self.input_resolution
        B, L, C = x.shape
        shortcut = x
        x = self.norm1(x).view(B, H, W, C)
        s, ws = self.shift_size, self.window_size
        if s > 0:
            x = torch.roll(x, shifts=(-s, -s), dims=(1, 2))
        windows = window_partition(x, ws).view(-1, ws * ws, C)
        windows = self.attn(windows, mask=self.attn_mask)
        x = window_reverse(windows.view(-1, ws, ws, C), ws, H, W)
        if s > 0:
            x = torch.roll(x, shifts=(s, s), dims=(1, 2))
        x = shortcut + x.view(B, H * W, C)
        x = x + self.mlp(self.norm2(x))
        return x


class PatchMerging(nn.Module):
    """2x2 neighbourhood -> one token: (B, H*W, C) -> (B, H/2*W/2, 2C)."""

    def __init__(self, input_resolution, dim):
        super().__init__()
        self.input_resolution = input_resolution
        self.norm = nn.LayerNorm(4 * dim)
        self.reduction = nn.Linear(4 * dim, 2 * dim, bias=False)

    def forward(self, x):
        H, W = self.input_resolution
        B, L, C = x.shape
        x = x.view(B, H, W, C)
        x0 = x[:, 0::2, 0::2, :]
        x1 = x[:, 1::2, 0::2, :]
        x2 = x[:, 0::2, 1::2, :]
        x3 = x[:, 1::2, 1::2, :]
        x = torch.cat([x0, x1, x2, x3], -1).view(B, -1, 4 * C)
        return self.reduction(self.norm(x))


class SwinStage(nn.Module):
    def __init__(self, dim, input_resolution, depth, num_heads, window_size, downsample):
        super().__init__()
        self.blocks = nn.ModuleList([
            SwinBlock(dim, input_resolution, num_heads, window_size,
                      shift_size=0 if i % 2 == 0 else window_size // 2)
            for i in range(depth)])
        self.downsample = PatchMerging(input_resolution, dim) if downsample else None

    def forward(self, x):
        for blk in self.blocks:
            x = blk(x)
        if self.downsample is not None:
            x = self.downsample(x)
        return x


class Swin(nn.Module):
    def __init__(self, img_size=112, patch_size=4, in_chans=3, num_classes=1000, embed_dim=64,
                 depths=(2, 2, 2), num_heads=(2, 4, 8), window_size=7):
        super().__init__()
        self.patch_embed = nn.Conv2d(in_chans, embed_dim, kernel_size=patch_size, stride=patch_size)
        self.patch_norm = nn.LayerNorm(embed_dim)
        res = img_size // patch_size
        stages = []
        for i, (d, h) in enumerate(zip(depths, num_heads)):
            stages.append(SwinStage(embed_dim * 2 ** i, (res, res), d, h, window_size,
                                    downsample=i < len(depths) - 1))
            if i < len(depths) - 1:
                res //= 2
        self.layers = nn.Sequential(*stages)
        self.num_features = embed_dim * 2 ** (len(depths) - 1)
        self.norm = nn.LayerNorm(self.num_features)
        self.avgpool = nn.AdaptiveAvgPool1d(1)
        self.head = nn.Linear(self.num_features, num_classes)

    def forward(self, x):
        x = self.patch_embed(x).flatten(2).transpose(1, 2)   # B, H*W, C
        x = self.patch_norm(x)
        x = self.layers(x)
        x = self.norm(x)
        x = self.avgpool(x.transpose(1, 2)).flatten(1)
        return self.head(x)


def swin_zoo(**kw):
    """Small Swin: 112x112, dim 64, depths (2,2,2), heads (2,4,8), window 7."""
    return Swin(**kw)
