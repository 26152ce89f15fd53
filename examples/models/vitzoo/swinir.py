"""SwinIR (Liang et al., "SwinIR: Image Restoration Using Swin Transformer", 2021),
classical x2 super-resolution variant, scaled down.

Structure: subtract the dataset RGB mean and scale by img_range; 3x3 conv_first;
deep feature extraction = patch "embedding" (flatten to tokens + LayerNorm), residual
Swin transformer blocks (RSTB: a few Swin blocks with alternating cyclic shifts,
relative position bias and shift masks -- the same `SwinBlock` as swin.py -- then a
3x3 conv on the token map and a residual), final LayerNorm, tokens back to a map,
3x3 conv_after_body with a long residual to conv_first's output; reconstruction:
3x3 conv + LeakyReLU, 3x3 conv to 4x channels + PixelShuffle(2), 3x3 conv_last;
add the mean back.

Zoo config (`swinir_zoo`): 48x48 input (6x6 windows of 8, shift 4), embed dim 60,
2 RSTBs of depth 2, 6 heads, MLP ratio 2 (lightweight-SwinIR widths with fewer
blocks), 32 reconstruction features; output 1x3x96x96.
"""
import torch
import torch.nn as nn

from .swin import SwinBlock


class RSTB(nn.Module):
    def __init__(self, dim, input_resolution, depth, num_heads, window_size, mlp_ratio):
        super().__init__()
        self.input_resolution = input_resolution
        self.blocks = nn.ModuleList([
            SwinBlock(dim, input_resolution, num_heads, window_size,
                      shift_size=0 if i % 2 == 0 else window_size // 2, mlp_ratio=mlp_ratio)
            for i in range(depth)])
        self.conv = nn.Conv2d(dim, dim, 3, 1, 1)

    def forward(self, x):
        H, W = self.input_resolution
        y = x
        for blk in self.blocks:
            y = blk(y)
        B, L, C = y.shape
        y = y.transpose(1, 2).view(B, C, H, W)       # patch un-embed
        y = self.conv(y).flatten(2).transpose(1, 2)  # patch embed (no norm inside RSTB)
        return y + x


class SwinIR(nn.Module):
    def __init__(self, img_size=48, in_chans=3, embed_dim=60, depths=(2, 2), num_heads=(6, 6),
                 window_size=8, mlp_ratio=2.0, upscale=2, num_feat=32, img_range=1.0):
        super().__init__()
        self.img_range = img_range
        self.register_buffer("mean", torch.tensor([0.4488, 0.4371, 0.4040]).view(1, 3, 1, 1))
        self.conv_first = nn.Conv2d(in_chans, embed_dim, 3, 1, 1)
        self.patch_norm = nn.LayerNorm(embed_dim)
        res = (img_size, img_size)
        self.layers = nn.ModuleList([
            RSTB(embed_dim, res, d, h, window_size, mlp_ratio) for d, h in zip(depths, num_heads)])
        self.norm = nn.LayerNorm(embed_dim)
        self.conv_after_body = nn.Conv2d(embed_dim, embed_dim, 3, 1, 1)
        self.conv_before_upsample = nn.Sequential(nn.Conv2d(embed_dim, num_feat, 3, 1, 1),
                                                  nn.LeakyReLU(inplace=True))
        self.upsample = nn.Sequential(nn.Conv2d(num_feat, 4 * num_feat, 3, 1, 1), nn.PixelShuffle(2))
        assert upscale == 2
        self.conv_last = nn.Conv2d(num_feat, in_chans, 3, 1, 1)

    def forward_features(self, x):
        B, C, H, W = x.shape
        x = self.patch_norm(x.flatten(2).transpose(1, 2))
        for layer in self.layers:
            x = layer(x)
        x = self.norm(x)
        return x.transpose(1, 2).view(B, C, H, W)

    def forward(self, x):
        x = (x - self.mean) * self.img_range
        x = self.conv_first(x)
        x = self.conv_after_body(self.forward_features(x)) + x
        x = self.conv_before_upsample(x)
        x = self.conv_last(self.upsample(x))
        return x / self.img_range + self.mean


def swinir_zoo(**kw):
    """x2 SR: 48x48 -> 96x96, dim 60, 2 RSTB x depth 2, 6 heads, window 8."""
    return SwinIR(**kw)
