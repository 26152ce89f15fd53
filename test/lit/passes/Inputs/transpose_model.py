#!/usr/bin/python3
"""Writes a small ONNX model holding the transpose patterns of vit-fold-transposes.

    transpose_model.py OUT.onnx X.npy

Seeded weights (numpy default_rng(0)); input x [2, 6, 8]. Outputs, with the
transposes (T) the pass should remove:
  a: MatMul(x, T(Relu(x)))                      T absorbed (transpose_rhs)
  b: MatMul(T(x), Sigmoid(x))                   T absorbed (transpose_lhs)
  c: T(MatMul(Sigmoid(x), T(x)))                both absorbed ((A B)^T = B^T A^T)
  d: T(Erf(T(x) * C + 0.5 - T(ReduceMean(x))))  sunk, merged, cancelled
  e: T(Reshape(T(x), [2, 8, 2, 3]))             one reshape of x
  f: GlobalAveragePool(T(x))                    a ReduceMean and a reshape
  g: T(Softmax(Linear(LayerNorm(T(x)))))        sunk through all, cancelled
  h: T(T(x) + Reshape(T(Reshape(Sigmoid(x)))))  hoisted: cancels with T(x),
     and h2: Neg(T(x))                          composes with the inner T
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(0)
inits = []
nodes = []


def const(name, value, dtype=np.float32):
    inits.append(numpy_helper.from_array(np.asarray(value, dtype=dtype), name))
    return name


def node(op, inputs, output, **attrs):
    nodes.append(helper.make_node(op, inputs, [output], name=output, **attrs))
    return output


def transpose(x, perm, name):
    return node("Transpose", [x], name, perm=perm)


def reshape(x, shape, name):
    return node("Reshape", [x, const(name + ".shape", shape, np.int64)], name)


x = "x"
node("MatMul", [x, transpose(node("Relu", [x], "a.relu"), [0, 2, 1], "a.t")], "a")
node("MatMul", [transpose(x, [0, 2, 1], "b.t"), node("Sigmoid", [x], "b.sig")], "b")
transpose(node("MatMul", [node("Sigmoid", [x], "c.sig"), transpose(x, [0, 2, 1], "c.t")], "c.mm"),
          [0, 2, 1], "c")

d = node("Mul", [transpose(x, [0, 2, 1], "d.t"), const("d.c", rng.standard_normal((8, 6)))], "d.mul")
d = node("Add", [d, const("d.half", 0.5)], "d.add")
mean = transpose(node("ReduceMean", [x], "d.mean", axes=[2], keepdims=1), [0, 2, 1], "d.mean.t")
transpose(node("Erf", [node("Sub", [d, mean], "d.sub")], "d.erf"), [0, 2, 1], "d")

transpose(reshape(transpose(x, [0, 2, 1], "e.t"), [2, 8, 2, 3], "e.r"), [0, 2, 3, 1], "e")
node("GlobalAveragePool", [transpose(x, [0, 2, 1], "f.t")], "f")

g = node("LayerNormalization", [transpose(x, [1, 0, 2], "g.t"),
                                const("g.scale", rng.standard_normal(8) * 0.5 + 1.0),
                                const("g.bias", rng.standard_normal(8) * 0.5)], "g.ln", axis=-1)
g = node("MatMul", [g, const("g.w", rng.standard_normal((8, 16)) * 0.3)], "g.mm")
g = node("Add", [g, const("g.b", rng.standard_normal(16) * 0.1)], "g.lin")
transpose(node("Softmax", [g], "g.softmax", axis=-1), [1, 0, 2], "g")

tx = transpose(x, [0, 2, 1], "h.t")
windows = reshape(node("Sigmoid", [x], "h.sig"), [2, 8, 2, 3], "h.z")
windows = reshape(transpose(windows, [0, 1, 3, 2], "h.wt"), [2, 8, 6], "h.y")
transpose(node("Add", [tx, windows], "h.add"), [0, 2, 1], "h")
node("Neg", [tx], "h2")

outputs = {"a": [2, 6, 6], "b": [2, 8, 8], "c": [2, 6, 6], "d": [2, 6, 8], "e": [2, 2, 3, 8],
           "f": [2, 8, 1], "g": [2, 6, 16], "h": [2, 6, 8], "h2": [2, 8, 6]}
graph = helper.make_graph(
    nodes, "transposes", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 6, 8])],
    [helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)
     for name, shape in outputs.items()], inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
onnx.checker.check_model(model, full_check=True)
onnx.save(model, sys.argv[1])
np.save(sys.argv[2], rng.standard_normal((2, 6, 8)).astype(np.float32))
