"""EfficientViT (Cai et al., "EfficientViT: Multi-Scale Linear Attention for
High-Resolution Dense Prediction", 2023 -- the MIT Han lab B-series), classification
variant with B0 widths.

Structure: stem Conv+BN+HardSwish (stride 2) with a residual depthwise-separable
block; two stages of MBConv (1x1 expand + BN + HardSwish, depthwise 3x3 + BN +
HardSwish, 1x1 project + BN); two stages that start with a strided MBConv and then
stack EfficientViT blocks = LiteMLA (multi-scale ReLU linear attention) residual +
MBConv residual; head: 1x1 Conv+BN+HardSwish, global average pool, Linear +
LayerNorm + HardSwish, Linear.

LiteMLA: q, k, v from one 1x1 conv; a multi-scale branch aggregates them with a 5x5
depthwise conv followed by a grouped 1x1 conv (groups = 3 * heads) and is
concatenated to the plain qkv as extra heads; per head, ReLU(q), ReLU(k), v padded
with a row of ones so that one matmul yields both numerator and normaliser:
    kv  = pad(v, ones row) @ k^T          (d+1, d)
    out = kv @ q                          (d+1, HW)
    out = out[:-1] / (out[-1:] + eps)
then a 1x1 conv + BN projection.

Zoo config (`efficientvit_zoo`): B0 widths (8, 16, 32, 64, 128), depths
(1, 2, 2, 2, 2), head dim 16, 224x224 input; the head is narrower than B0's
(512/640 instead of 1024/1280).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class ConvBNAct(nn.Module):
    def __init__(self, cin, cout, k=1, stride=1, groups=1, bias=False, norm=True, act=True):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=bias)
        self.norm = nn.BatchNorm2d(cout) if norm else nn.Identity()
        self.act = nn.Hardswish() if act else nn.Identity()

    def forward(self, x):
        return self.act(self.norm(self.conv(x)))


class Residual(nn.Module):
    def __init__(self, main):
        super().__init__()
        self.main = main

    def forward(self, x):
        return self.main(x) + x


class DSConv(nn.Module):
    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.depth_conv = ConvBNAct(cin, cin, 3, stride, groups=cin)
        self.point_conv = ConvBNAct(cin, cout, 1, act=False)

    def forward(self, x):
        return self.point_conv(self.depth_conv(x))


class MBConv(nn.Module):
    def __init__(self, cin, cout, stride=1, expand=4, fewer_norm=False):
        super().__init__()
        mid = cin * expand
        # "fewer norm" blocks (attention stages): conv bias instead of BN on the first two convs.
        self.inverted_conv = ConvBNAct(cin, mid, 1, bias=fewer_norm, norm=not fewer_norm)
        self.depth_conv = ConvBNAct(mid, mid, 3, stride, groups=mid, bias=fewer_norm, norm=not fewer_norm)
        self.point_conv = ConvBNAct(mid, cout, 1, act=False)

    def forward(self, x):
        return self.point_conv(self.depth_conv(self.inverted_conv(x)))


class LiteMLA(nn.Module):
    def __init__(self, cin, cout, head_dim=16, scales=(5,), eps=1e-15):
        super().__init__()
        self.dim = head_dim
        heads = cin // head_dim
        total = heads * head_dim
        self.eps = eps
        self.qkv = nn.Conv2d(cin, 3 * total, 1, bias=False)
        self.aggreg = nn.ModuleList([
            nn.Sequential(
                nn.Conv2d(3 * total, 3 * total, s, padding=s // 2, groups=3 * total, bias=False),
                nn.Conv2d(3 * total, 3 * total, 1, groups=3 * heads, bias=False))
            for s in scales])
        self.proj = ConvBNAct(total * (1 + len(scales)), cout, 1, act=False)

    def linear_attention(self, qkv):
        B, _, H, W = qkv.shape
        qkv = qkv.reshape(B, -1, 3 * self.dim, H * W)      # B, heads', 3d, HW
        q = F.relu(qkv[:, :, 0:self.dim])
        k = F.relu(qkv[:, :, self.dim:2 * self.dim])
        v = qkv[:, :, 2 * self.dim:]
        v = F.pad(v, (0, 0, 0, 1), mode="constant", value=1.0)   # append a row of ones
        kv = v @ k.transpose(-1, -2)                        # B, heads', d+1, d
        out = kv @ q                                        # B, heads', d+1, HW
        out = out[:, :, :-1] / (out[:, :, -1:] + self.eps)
        return out.reshape(B, -1, H, W)

    def forward(self, x):
        qkv = self.qkv(x)
        qkv = torch.cat([qkv] + [op(qkv) for op in self.aggreg], dim=1)
        return self.proj(self.linear_attention(qkv))


class EfficientViTBlock(nn.Module):
    def __init__(self, dim, head_dim=16, expand=4):
        super().__init__()
        self.context = Residual(LiteMLA(dim, dim, head_dim))
        self.local = Residual(MBConv(dim, dim, 1, expand, fewer_norm=True))

    def forward(self, x):
        return self.local(self.context(x))


class EfficientViT(nn.Module):
    def __init__(self, in_chans=3, num_classes=1000, widths=(8, 16, 32, 64, 128),
                 depths=(1, 2, 2, 2, 2), head_dim=16, expand=4, head_widths=(512, 640)):
        super().__init__()
        stem = [ConvBNAct(in_chans, widths[0], 3, 2)]
        stem += [Residual(DSConv(widths[0], widths[0])) for _ in range(depths[0])]
        self.input_stem = nn.Sequential(*stem)
        c = widths[0]
        stages = []
        for w, d in zip(widths[1:3], depths[1:3]):          # MBConv-only stages
            blocks = [MBConv(c, w, 2, expand)]
            blocks += [Residual(MBConv(w, w, 1, expand)) for _ in range(d - 1)]
            stages.append(nn.Sequential(*blocks))
            c = w
        for w, d in zip(widths[3:], depths[3:]):             # attention stages
            blocks = [MBConv(c, w, 2, expand, fewer_norm=True)]
            blocks += [EfficientViTBlock(w, head_dim, expand) for _ in range(d)]
            stages.append(nn.Sequential(*blocks))
            c = w
        self.stages = nn.Sequential(*stages)
        self.head_conv = ConvBNAct(c, head_widths[0], 1)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.head_fc = nn.Linear(head_widths[0], head_widths[1], bias=False)
        self.head_norm = nn.LayerNorm(head_widths[1])
        self.head_act = nn.Hardswish()
        self.classifier = nn.Linear(head_widths[1], num_classes)

    def forward(self, x):
        x = self.stages(self.input_stem(x))
        x = self.pool(self.head_conv(x)).flatten(1)
        x = self.head_act(self.head_norm(self.head_fc(x)))
        return self.classifier(x)


def efficientvit_zoo(**kw):
    """EfficientViT-B0 widths/depths, 224x224, narrower classification head."""
    return EfficientViT(**kw)
