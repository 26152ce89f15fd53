"""DeiT (Touvron et al., "Training data-efficient image transformers", 2021).

A plain ViT encoder: 16x16 patch embedding by a strided conv, a learnable class
token prepended with expand + cat, learned absolute position embedding, pre-norm
transformer blocks (multi-head self-attention + GELU MLP), final LayerNorm and a
linear classifier on the class token. Written the way the reference implementation
is, so the ONNX export has the same Shape/Reshape/Transpose plumbing as a real
DeiT export. The distillation token of the "distilled" DeiT variants is not modelled.
"""
import torch
import torch.nn as nn

from .common import Mlp


class PatchEmbed(nn.Module):
    def __init__(self, img_size, patch_size, in_chans, dim):
        super().__init__()
        self.grid = img_size // patch_size
        self.num_patches = self.grid * self.grid
        self.proj = nn.Conv2d(in_chans, dim, kernel_size=patch_size, stride=patch_size)

    def forward(self, x):
        x = self.proj(x)                      # B, C, H/16, W/16
        return x.flatten(2).transpose(1, 2)   # B, N, C


class Attention(nn.Module):
    def __init__(self, dim, num_heads):
        super().__init__()
        self.num_heads = num_heads
        self.scale = (dim // num_heads) ** -0.5
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        B, N, C = x.shape
        qkv = self.qkv(x).reshape(B, N, 3, self.num_heads, C // self.num_heads)
        qkv = qkv.permute(2, 0, 3, 1, 4)      # 3, B, heads, N, d
        q, k, v = qkv.unbind(0)
        attn = (q @ k.transpose(-2, -1)) * self.scale
        attn = attn.softmax(dim=-1)
        x = (attn @ v).transpose(1, 2).reshape(B, N, C)
        return self.proj(x)


class Block(nn.Module):
    def __init__(self, dim, num_heads, mlp_ratio=4.0):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, num_heads)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = Mlp(dim, int(dim * mlp_ratio))

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        x = x + self.mlp(self.norm2(x))
        return x


class DeiT(nn.Module):
    def __init__(self, img_size=224, patch_size=16, in_chans=3, num_classes=1000,
                 embed_dim=192, depth=12, num_heads=3, mlp_ratio=4.0):
        super().__init__()
        self.patch_embed = PatchEmbed(img_size, patch_size, in_chans, embed_dim)
        n = self.patch_embed.num_patches
        self.cls_token = nn.Parameter(torch.zeros(1, 1, embed_dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, n + 1, embed_dim))
        self._zoo_init_std = {"cls_token": 0.02, "pos_embed": 0.02}
        self.blocks = nn.Sequential(*[Block(embed_dim, num_heads, mlp_ratio) for _ in range(depth)])
        self.norm = nn.LayerNorm(embed_dim, eps=1e-6)
        self.head = nn.Linear(embed_dim, num_classes)

    def forward_features(self, x):
        x = self.patch_embed(x)
        cls = self.cls_token.expand(x.shape[0], -1, -1)
        x = torch.cat((cls, x), dim=1)
        x = x + self.pos_embed
        x = self.blocks(x)
        return self.norm(x)

    def forward(self, x):
        x = self.forward_features(x)
        return self.head(x[:, 0])


def deit_tiny(**kw):
    """DeiT-Tiny: dim 192, depth 12, 3 heads, MLP 4x, patch 16, 224x224 (5.7M params)."""
    return DeiT(embed_dim=192, depth=12, num_heads=3, **kw)


def deit_small(**kw):
    """DeiT-Small: dim 384, depth 12, 6 heads, MLP 4x, patch 16, 224x224 (22M params)."""
    return DeiT(embed_dim=384, depth=12, num_heads=6, **kw)
