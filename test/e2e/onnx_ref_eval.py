#!/usr/bin/python3
"""A small, slow, independent numpy evaluator for the ONNX graphs of the vitc model zoo.

    onnx_ref_eval.py MODEL.onnx INPUT.npy [EXPECTED.npy] [--rtol 1e-4] [--out OUT.npy]

It exists to check the zoo exports themselves (that the ONNX file computes what
PyTorch computed), independently of the compiler and of onnxruntime, which is not
available here. It implements only the operators the zoo uses (opsets 13-17, see
OPS below) and computes floating-point tensors in float64, so its result is a
reference for both PyTorch's and vitc's float32 results. It also counts
multiply-accumulates of Conv / MatMul / Gemm with the concrete shapes it sees.

With EXPECTED.npy it prints the relative error max|out - expected| / max|expected|
(the definition of compare_npy.py) and exits 1 if it exceeds --rtol.
Needs numpy and onnx (for parsing) only.
"""
import argparse
import math
import sys

import numpy as np
import onnx
from onnx import numpy_helper

FLOAT = np.float64
_erf = np.frompyfunc(math.erf, 1, 1)

# ONNX TensorProto data type -> numpy dtype (float types are computed in FLOAT).
_ONNX_DTYPE = {1: FLOAT, 2: np.uint8, 3: np.int8, 5: np.int16, 6: np.int32, 7: np.int64, 9: np.bool_,
               10: FLOAT, 11: FLOAT}


class UnsupportedOp(Exception):
    pass


def _attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _as_compute(arr):
    arr = np.asarray(arr)
    if arr.dtype.kind == "f":
        return arr.astype(FLOAT)
    return arr


def _broadcast_axes_int(v):
    return [int(a) for a in np.asarray(v).reshape(-1)]


def conv2d(x, w, b, strides, pads, dilations, group):
    n, c, h, wd = x.shape
    m, cg, kh, kw = w.shape
    sh, sw = strides
    dh, dw = dilations
    pt, pl, pb, pr = pads
    xp = np.pad(x, ((0, 0), (0, 0), (pt, pb), (pl, pr)))
    oh = (h + pt + pb - dh * (kh - 1) - 1) // sh + 1
    ow = (wd + pl + pr - dw * (kw - 1) - 1) // sw + 1
    mg = m // group
    out = np.zeros((n, m, oh, ow), dtype=FLOAT)
    depthwise = cg == 1 and mg == 1
    for i in range(kh):
        for j in range(kw):
            patch = xp[:, :, i * dh: i * dh + sh * (oh - 1) + 1: sh, j * dw: j * dw + sw * (ow - 1) + 1: sw]
            if depthwise:
                out += patch * w[:, 0, i, j][None, :, None, None]
            elif group == 1:
                out += np.einsum("mc,nchw->nmhw", w[:, :, i, j], patch, optimize=True)
            else:
                for g in range(group):
                    out[:, g * mg:(g + 1) * mg] += np.einsum(
                        "mc,nchw->nmhw", w[g * mg:(g + 1) * mg, :, i, j], patch[:, g * cg:(g + 1) * cg],
                        optimize=True)
    if b is not None:
        out += b[None, :, None, None]
    macs = n * m * oh * ow * cg * kh * kw
    return out, macs


def _softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _slice(x, starts, ends, axes, steps):
    rank = x.ndim
    if axes is None:
        axes = list(range(len(starts)))
    if steps is None:
        steps = [1] * len(starts)
    sl = [slice(None)] * rank
    for s, e, a, st in zip(starts, ends, axes, steps):
        a = a + rank if a < 0 else a
        dim = x.shape[a]
        # Clamp as the ONNX spec says; Python slicing handles negative indices and
        # out-of-range values the same way for our purposes once clamped.
        big = np.iinfo(np.int64)
        if st > 0:
            s = max(0, min(dim, s + dim if s < 0 else s))
            e = max(0, min(dim, e + dim if e < 0 else e)) if e < big.max else dim
            sl[a] = slice(s, e, st)
        else:
            s = max(-1, min(dim - 1, s + dim if s < 0 else s))
            e = e + dim if (e < 0 and e > big.min) else e
            e = max(-1, min(dim - 1, e)) if e > big.min else -1
            sl[a] = slice(s, None if e < 0 else e, st)
    return x[tuple(sl)]


def run_model(model, feeds):
    """Evaluate `model` (onnx.ModelProto) on `feeds` {input name: ndarray}.
    Returns (list of output arrays as float32 / native ints, {"macs": int})."""
    opset = max(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))
    env = {}
    for init in model.graph.initializer:
        env[init.name] = _as_compute(numpy_helper.to_array(init))
    for name, val in feeds.items():
        env[name] = _as_compute(val)
    stats = {"macs": 0}
    unsupported = sorted({f"{n.op_type} ({n.name})" for n in model.graph.node if n.op_type not in OPS})
    if unsupported:
        raise UnsupportedOp("unsupported ops: " + ", ".join(unsupported))
    for node in model.graph.node:
        ins = [env[i] if i else None for i in node.input]
        try:
            outs = OPS[node.op_type](node, ins, _attrs(node), opset, stats)
        except Exception as e:  # add the node to any failure
            raise RuntimeError(f"{node.op_type} node {node.name!r}: {e}") from e
        for name, val in zip(node.output, outs):
            if name:
                env[name] = val
    results = []
    for o in model.graph.output:
        v = np.asarray(env[o.name])
        results.append(v.astype(np.float32) if v.dtype.kind == "f" else v)
    return results, stats


# ---------------------------------------------------------------- operators
def _unary(fn):
    return lambda node, ins, at, opset, st: [fn(ins[0])]


def _binary(fn):
    return lambda node, ins, at, opset, st: [fn(ins[0], ins[1])]


def _div(a, b):
    if a.dtype.kind in "iu" and b.dtype.kind in "iu":
        return (np.trunc(a / b)).astype(np.result_type(a, b))
    return a / b


def op_constant(node, ins, at, opset, st):
    if "value" in at:
        return [_as_compute(numpy_helper.to_array(at["value"]))]
    if "value_float" in at:
        return [np.array(at["value_float"], dtype=FLOAT)]
    if "value_floats" in at:
        return [np.array(at["value_floats"], dtype=FLOAT)]
    if "value_int" in at:
        return [np.array(at["value_int"], dtype=np.int64)]
    if "value_ints" in at:
        return [np.array(at["value_ints"], dtype=np.int64)]
    raise UnsupportedOp("Constant without a supported value attribute")


def op_constant_of_shape(node, ins, at, opset, st):
    value = _as_compute(numpy_helper.to_array(at["value"])) if "value" in at else np.zeros(1, FLOAT)
    return [np.full(_broadcast_axes_int(ins[0]), value.reshape(-1)[0], dtype=value.dtype)]


def op_shape(node, ins, at, opset, st):
    shp = np.array(ins[0].shape, dtype=np.int64)
    start, end = at.get("start", 0), at.get("end", None)
    return [shp[start:end]]


def op_reshape(node, ins, at, opset, st):
    x, shape = ins
    shape = _broadcast_axes_int(shape)
    if not at.get("allowzero", 0):
        shape = [x.shape[i] if s == 0 else s for i, s in enumerate(shape)]
    return [x.reshape(shape)]


def op_unsqueeze(node, ins, at, opset, st):
    axes = _broadcast_axes_int(ins[1]) if opset >= 13 else at["axes"]
    rank = ins[0].ndim + len(axes)
    axes = sorted(a + rank if a < 0 else a for a in axes)
    x = ins[0]
    for a in axes:
        x = np.expand_dims(x, a)
    return [x]


def op_squeeze(node, ins, at, opset, st):
    if opset >= 13:
        axes = _broadcast_axes_int(ins[1]) if len(ins) > 1 and ins[1] is not None else None
    else:
        axes = at.get("axes")
    x = ins[0]
    if axes is None:
        return [np.squeeze(x)]
    return [np.squeeze(x, axis=tuple(a + x.ndim if a < 0 else a for a in axes))]


def op_gather(node, ins, at, opset, st):
    x, idx = ins
    axis = at.get("axis", 0)
    idx = np.asarray(idx).astype(np.int64)
    idx = np.where(idx < 0, idx + x.shape[axis], idx)
    return [np.take(x, idx, axis=axis)]


def op_concat(node, ins, at, opset, st):
    return [np.concatenate([i for i in ins if i is not None], axis=at["axis"])]


def op_transpose(node, ins, at, opset, st):
    perm = at.get("perm")
    return [np.transpose(ins[0], perm)]


def op_slice(node, ins, at, opset, st):
    x = ins[0]
    starts = _broadcast_axes_int(ins[1])
    ends = _broadcast_axes_int(ins[2])
    axes = _broadcast_axes_int(ins[3]) if len(ins) > 3 and ins[3] is not None else None
    steps = _broadcast_axes_int(ins[4]) if len(ins) > 4 and ins[4] is not None else None
    return [_slice(x, starts, ends, axes, steps)]


def op_split(node, ins, at, opset, st):
    x = ins[0]
    axis = at.get("axis", 0)
    if len(ins) > 1 and ins[1] is not None:
        sizes = _broadcast_axes_int(ins[1])
    elif "split" in at:
        sizes = list(at["split"])
    else:
        k = len(node.output)
        sizes = [x.shape[axis] // k] * k
    cuts = np.cumsum(sizes)[:-1]
    return list(np.split(x, cuts, axis=axis))


def op_expand(node, ins, at, opset, st):
    x, shape = ins
    shape = _broadcast_axes_int(shape)
    out_shape = np.broadcast_shapes(x.shape, tuple(shape))
    return [np.broadcast_to(x, out_shape).copy()]


def op_cast(node, ins, at, opset, st):
    to = at["to"]
    if to not in _ONNX_DTYPE:
        raise UnsupportedOp(f"Cast to type {to}")
    return [np.asarray(ins[0]).astype(_ONNX_DTYPE[to])]


def op_where(node, ins, at, opset, st):
    return [np.where(ins[0], ins[1], ins[2])]


def op_flatten(node, ins, at, opset, st):
    x = ins[0]
    axis = at.get("axis", 1)
    axis = axis + x.ndim if axis < 0 else axis
    return [x.reshape(int(np.prod(x.shape[:axis])), -1)]


def op_pad(node, ins, at, opset, st):
    x = ins[0]
    mode = at.get("mode", b"constant")
    mode = mode.decode() if isinstance(mode, bytes) else mode
    pads = _broadcast_axes_int(ins[1])
    value = ins[2].reshape(-1)[0] if len(ins) > 2 and ins[2] is not None and ins[2].size else 0
    if len(ins) > 3 and ins[3] is not None:
        raise UnsupportedOp("Pad with axes input")
    r = x.ndim
    if any(p < 0 for p in pads):
        raise UnsupportedOp("Pad with negative pads")
    width = [(pads[i], pads[i + r]) for i in range(r)]
    if mode != "constant":
        raise UnsupportedOp(f"Pad mode {mode}")
    return [np.pad(x, width, mode="constant", constant_values=value)]


def op_matmul(node, ins, at, opset, st):
    a, b = ins
    out = np.matmul(a, b)
    st["macs"] += int(np.prod(out.shape)) * a.shape[-1]
    return [out]


def op_gemm(node, ins, at, opset, st):
    a, b = ins[0], ins[1]
    if at.get("transA", 0):
        a = a.T
    if at.get("transB", 0):
        b = b.T
    out = at.get("alpha", 1.0) * (a @ b)
    if len(ins) > 2 and ins[2] is not None:
        out = out + at.get("beta", 1.0) * ins[2]
    st["macs"] += a.shape[0] * a.shape[1] * b.shape[1]
    return [out]


def op_conv(node, ins, at, opset, st):
    x, w = ins[0], ins[1]
    b = ins[2] if len(ins) > 2 else None
    if x.ndim != 4:
        raise UnsupportedOp("only 2-D Conv")
    if at.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
        raise UnsupportedOp("Conv auto_pad")
    pads = at.get("pads", [0, 0, 0, 0])
    pads = [pads[0], pads[1], pads[2], pads[3]]
    out, macs = conv2d(x, w, b, at.get("strides", [1, 1]), pads, at.get("dilations", [1, 1]), at.get("group", 1))
    st["macs"] += macs
    return [out]


def op_batchnorm(node, ins, at, opset, st):
    x, scale, bias, mean, var = ins[:5]
    eps = at.get("epsilon", 1e-5)
    shp = (1, -1) + (1,) * (x.ndim - 2)
    return [(x - mean.reshape(shp)) / np.sqrt(var.reshape(shp) + eps) * scale.reshape(shp) + bias.reshape(shp)]


def op_layernorm(node, ins, at, opset, st):
    x, scale = ins[0], ins[1]
    bias = ins[2] if len(ins) > 2 else None
    axis = at.get("axis", -1)
    axis = axis + x.ndim if axis < 0 else axis
    axes = tuple(range(axis, x.ndim))
    eps = at.get("epsilon", 1e-5)
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    inv = 1.0 / np.sqrt(var + eps)
    y = (x - mean) * inv * scale
    if bias is not None:
        y = y + bias
    return [y, mean, inv]


def op_reduce_mean(node, ins, at, opset, st):
    x = ins[0]
    axes = at.get("axes")
    if opset >= 18 and len(ins) > 1 and ins[1] is not None:
        axes = _broadcast_axes_int(ins[1])
    axes = tuple(range(x.ndim)) if axes is None else tuple(axes)
    return [x.mean(axis=axes, keepdims=bool(at.get("keepdims", 1)))]


def op_reduce_sum(node, ins, at, opset, st):
    x = ins[0]
    axes = _broadcast_axes_int(ins[1]) if len(ins) > 1 and ins[1] is not None else None
    axes = tuple(range(x.ndim)) if axes is None else tuple(axes)
    return [x.sum(axis=axes, keepdims=bool(at.get("keepdims", 1)))]


def op_softmax(node, ins, at, opset, st):
    return [_softmax(ins[0], at.get("axis", -1))]


def op_global_avg_pool(node, ins, at, opset, st):
    x = ins[0]
    return [x.mean(axis=tuple(range(2, x.ndim)), keepdims=True)]


def op_depth_to_space(node, ins, at, opset, st):
    x = ins[0]
    bs = at["blocksize"]
    mode = at.get("mode", b"DCR")
    mode = mode.decode() if isinstance(mode, bytes) else mode
    n, c, h, w = x.shape
    if mode == "DCR":
        y = x.reshape(n, bs, bs, c // (bs * bs), h, w).transpose(0, 3, 4, 1, 5, 2)
    else:  # CRD
        y = x.reshape(n, c // (bs * bs), bs, bs, h, w).transpose(0, 1, 4, 2, 5, 3)
    return [y.reshape(n, c // (bs * bs), h * bs, w * bs)]


def op_erf(node, ins, at, opset, st):
    x = ins[0]
    return [_erf(x).astype(FLOAT)]


def op_gelu_free_tanh(node, ins, at, opset, st):
    return [np.tanh(ins[0])]


OPS = {
    "Constant": op_constant,
    "ConstantOfShape": op_constant_of_shape,
    "Identity": _unary(lambda x: x),
    "Shape": op_shape,
    "Reshape": op_reshape,
    "Unsqueeze": op_unsqueeze,
    "Squeeze": op_squeeze,
    "Gather": op_gather,
    "Concat": op_concat,
    "Transpose": op_transpose,
    "Slice": op_slice,
    "Split": op_split,
    "Expand": op_expand,
    "Cast": op_cast,
    "Where": op_where,
    "Equal": _binary(lambda a, b: np.equal(a, b)),
    "Flatten": op_flatten,
    "Pad": op_pad,
    "Add": _binary(np.add),
    "Sub": _binary(np.subtract),
    "Mul": _binary(np.multiply),
    "Div": _binary(_div),
    "Pow": _binary(np.power),
    "Sqrt": _unary(np.sqrt),
    "Erf": op_erf,
    "Tanh": op_gelu_free_tanh,
    "Sigmoid": _unary(lambda x: 1.0 / (1.0 + np.exp(-x))),
    "Relu": _unary(lambda x: np.maximum(x, 0)),
    "LeakyRelu": lambda node, ins, at, opset, st: [np.where(ins[0] >= 0, ins[0], ins[0] * at.get("alpha", 0.01))],
    "HardSigmoid": lambda node, ins, at, opset, st: [
        np.clip(ins[0] * at.get("alpha", 0.2) + at.get("beta", 0.5), 0, 1)],
    "HardSwish": _unary(lambda x: x * np.clip(x / 6.0 + 0.5, 0, 1)),
    "MatMul": op_matmul,
    "Gemm": op_gemm,
    "Conv": op_conv,
    "BatchNormalization": op_batchnorm,
    "LayerNormalization": op_layernorm,
    "ReduceMean": op_reduce_mean,
    "ReduceSum": op_reduce_sum,
    "Softmax": op_softmax,
    "GlobalAveragePool": op_global_avg_pool,
    "DepthToSpace": op_depth_to_space,
}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model")
    ap.add_argument("input", help=".npy fed to the model's first input")
    ap.add_argument("expected", nargs="?", help=".npy to compare the first output against")
    ap.add_argument("--rtol", type=float, default=1e-4)
    ap.add_argument("--out", help="write the first output here (.npy)")
    args = ap.parse_args(argv)
    model = onnx.load(args.model)
    x = np.load(args.input)
    try:
        outs, st = run_model(model, {model.graph.input[0].name: x})
    except (UnsupportedOp, RuntimeError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"output shape {list(outs[0].shape)}  MACs {st['macs']}")
    if args.out:
        np.save(args.out, outs[0])
    if args.expected:
        e = np.load(args.expected)
        if e.shape != outs[0].shape:
            print(f"error: shape mismatch: got {list(outs[0].shape)}, expected {list(e.shape)}", file=sys.stderr)
            return 1
        denom = float(np.max(np.abs(e.astype(np.float64))))
        rel = float(np.max(np.abs(outs[0].astype(np.float64) - e))) / max(denom, 1e-30)
        print(f"rel error {rel:.3e} (max|a-e|/max|e|), rtol {args.rtol:g}")
        return 0 if rel <= args.rtol else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
