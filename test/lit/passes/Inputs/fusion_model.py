#!/usr/bin/python3
"""Writes a small ONNX model holding every pattern of the fusion passes.

    fusion_model.py OUT.onnx X.npy T.npy

Seeded weights (numpy default_rng(0)); inputs x [2, 3, 8, 8] and t [2, 5, 8].
  y (image branch): Conv(x * 0.5, no bias, pads 1, stride 2) -> BatchNorm
                    -> Conv with bias -> Mul [C,1,1] -> Add [1,C,1,1]
  u (token branch): opset-13 LayerNorm -> MatMul + Add -> erf GELU
                    -> MatMul + Add -> Mul (layer scale) -> tanh GELU
  z (head):         ReduceMean over tokens -> Gemm(transB, alpha, beta)
                    -> BatchNorm1d
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(0)
inits = []
nodes = []


def const(name, value):
    inits.append(numpy_helper.from_array(np.asarray(value, dtype=np.float32), name))
    return name


def node(op, inputs, output, **attrs):
    nodes.append(helper.make_node(op, inputs, [output], name=output, **attrs))
    return output


def rand(*shape, scale=0.5):
    return rng.standard_normal(shape).astype(np.float32) * scale


def batch_norm(x, channels, name):
    return node("BatchNormalization",
                [x, const(name + ".g", rand(channels) + 1.0), const(name + ".b", rand(channels)),
                 const(name + ".m", rand(channels)),
                 const(name + ".v", rng.uniform(0.5, 2.0, channels))],
                name, epsilon=1e-3)


def layer_norm(x, dim):
    mean = node("ReduceMean", [x], "ln.mean", axes=[-1])
    d = node("Sub", [x, mean], "ln.d")
    sq = node("Pow", [d, const("ln.two", 2.0)], "ln.sq")
    var = node("ReduceMean", [sq], "ln.var", axes=[-1])
    std = node("Sqrt", [node("Add", [var, const("ln.eps", 1e-5)], "ln.ve")], "ln.std")
    n = node("Div", [d, std], "ln.n")
    s = node("Mul", [n, const("ln.scale", rand(dim) + 1.0)], "ln.s")
    return node("Add", [s, const("ln.bias", rand(dim))], "ln.y")


def erf_gelu(x, name):
    e = node("Erf", [node("Div", [x, const(name + ".sqrt2", np.sqrt(2.0))], name + ".d")],
             name + ".e")
    one_plus = node("Add", [e, const(name + ".one", 1.0)], name + ".o")
    return node("Mul", [node("Mul", [x, one_plus], name + ".m"), const(name + ".half", 0.5)],
                name)


def tanh_gelu(x, name):
    cube = node("Pow", [x, const(name + ".three", 3.0)], name + ".c")
    k = node("Mul", [cube, const(name + ".kappa", 0.044715)], name + ".k")
    inner = node("Mul", [node("Add", [x, k], name + ".s"),
                         const(name + ".beta", np.sqrt(2.0 / np.pi))], name + ".i")
    one_plus = node("Add", [const(name + ".one", 1.0), node("Tanh", [inner], name + ".t")],
                    name + ".o")
    half = node("Mul", [x, const(name + ".half", 0.5)], name + ".h")
    return node("Mul", [half, one_plus], name)


def linear(x, fan_in, fan_out, name):
    m = node("MatMul", [x, const(name + ".w", rand(fan_in, fan_out))], name + ".mm")
    return node("Add", [m, const(name + ".b", rand(fan_out))], name)


# Image branch.
scaled = node("Mul", [node("Identity", ["x"], "x.id"), const("prescale", 0.5)], "scaled")
c1 = node("Conv", [scaled, const("conv1.w", rand(4, 3, 3, 3))], "conv1", pads=[1, 1, 1, 1],
          strides=[2, 2])
b1 = batch_norm(c1, 4, "bn1")
c2 = node("Conv", [b1, const("conv2.w", rand(4, 4, 1, 1)), const("conv2.b", rand(4))], "conv2")
m2 = node("Mul", [c2, const("conv2.s", rand(4, 1, 1) + 1.0)], "conv2.mul")
node("Add", [m2, const("conv2.c", rand(1, 4, 1, 1))], "y")

# Token branch.
h = erf_gelu(linear(layer_norm("t", 8), 8, 16, "fc1"), "gelu1")
h = linear(h, 16, 8, "fc2")
h = node("Mul", [h, const("ls", rand(8) * 0.1)], "ls.mul")
tanh_gelu(h, "u")

# Head.
pooled = node("ReduceMean", ["t"], "pool", axes=[1], keepdims=0)
g = node("Gemm", [pooled, const("head.w", rand(6, 8)), const("head.b", rand(6))], "head",
         transB=1, alpha=0.5, beta=2.0)
node("BatchNormalization",
     [g, const("bnh.g", rand(6) + 1.0), const("bnh.b", rand(6)), const("bnh.m", rand(6)),
      const("bnh.v", rng.uniform(0.5, 2.0, 6))], "z", epsilon=1e-5)

graph = helper.make_graph(
    nodes, "fusion",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 8, 8]),
     helper.make_tensor_value_info("t", TensorProto.FLOAT, [2, 5, 8])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 4, 4, 4]),
     helper.make_tensor_value_info("u", TensorProto.FLOAT, [2, 5, 8]),
     helper.make_tensor_value_info("z", TensorProto.FLOAT, [2, 6])],
    inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, sys.argv[1])
np.save(sys.argv[2], rng.standard_normal((2, 3, 8, 8)).astype(np.float32))
np.save(sys.argv[3], rng.standard_normal((2, 5, 8)).astype(np.float32))
