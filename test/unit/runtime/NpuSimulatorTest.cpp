//===- NpuSimulatorTest.cpp - The simulator equals the reference kernels ---===//
//
// Each test builds a tiny program by hand, runs it on the simulator and
// compares the outputs bit for bit with the runtime kernel called directly
// with the same parameters (integer and fp32 outputs alike: the simulator
// must call the same kernel on the same values).
//
//===----------------------------------------------------------------------===//
#include "NpuProgramBuilder.h"
#include "QuantizedTestSupport.h"

#include "vitc/rt/kernels/DataMovement.h"
#include "vitc/rt/kernels/Elementwise.h"
#include "vitc/rt/kernels/Normalization.h"
#include "vitc/rt/kernels/Reduce.h"

using namespace vitc::rt;
using namespace vitc::rt::testing;
using npu::Opcode;
using npu::Region;
using npu::Unit;

namespace {

Tensor runOne(const npu::Program &program, const std::vector<Tensor> &inputs) {
  npu::Simulator simulator(program);
  const std::vector<Tensor> outputs = simulator.run(inputs);
  REQUIRE(outputs.size() == 1);
  return outputs[0];
}

/// A GEMM x [2, 3, 16] -> [2, 3, 8], optionally with a bias, through SRAM.
void checkGemm(DType xType, bool withBias) {
  const QuantSpec xs = spec(xType, xType == DType::I8 ? 3 : 0), ys = spec(DType::I8, -2, 0.1f);
  const Tensor x = randomQuantized({2, 3, 16}, xType, 1);
  const Tensor w = randomInts({8, 16}, DType::I8, -127, 127, 2);
  const Tensor b = randomInts({8}, DType::I32, -5000, 5000, 3);
  const std::vector<Requant> requant = requants(8, 1e-4, 1e-2, 4);
  NpuProgramBuilder builder;
  const uint32_t xi = builder.input("x", xType, {2, 3, 16}, xs);
  const uint32_t wi = builder.weight("w", w), bi = withBias ? builder.weight("b", b) : npu::kNone;
  const uint32_t hidden = builder.tensor("hidden", DType::I8, {2, 3, 8}, Region::Sram, ys);
  const uint32_t y = builder.output("y", DType::I8, {2, 3, 8}, ys);
  builder.command(Opcode::NnGemm, Unit::Nn, {xi, wi, bi}, hidden, requantWords(requant));
  builder.command(Opcode::Dma, Unit::Dma, {hidden}, y);
  const std::optional<Tensor> bias = withBias ? std::optional<Tensor>(b) : std::nullopt;
  checkBitExact(runOne(builder.build(), {x}),
                qlinear(x, w, bias, QDenseParams{xs, ys, requant}, nullptr));
}

/// A one-PPU-op program: quantised I8 input [2, 3, 8] (or `inputType`) to
/// `outputType`; extra F32 weights follow the input.
Tensor runPpu(const Tensor &x, const std::optional<QuantSpec> &xs, DType outputType,
              const std::optional<QuantSpec> &ys, const Shape &outputShape,
              const std::vector<uint32_t> &params, const std::vector<Tensor> &weights = {}) {
  NpuProgramBuilder builder;
  std::vector<uint32_t> inputs{builder.input("x", x.dtype(), x.shape(), xs)};
  for (size_t i = 0; i < weights.size(); ++i)
    inputs.push_back(weights[i].valid() ? builder.weight("w" + std::to_string(i), weights[i])
                                        : npu::kNone);
  const uint32_t y = builder.output("y", outputType, outputShape, ys);
  builder.command(Opcode::PpuOp, Unit::Ppu, inputs, y, params);
  return runOne(builder.build(), {x});
}

} // namespace

TEST_CASE("simulator GEMM equals qlinear", "[npu][sim]") {
  checkGemm(DType::I8, true);
  checkGemm(DType::I8, false);
  checkGemm(DType::I16, true);
}

TEST_CASE("simulator NN output-stage table equals the NN command then the lookup",
          "[npu][sim]") {
  // GEMM to an intermediate I8 quantisation (the 5 table words), then a
  // 256-entry I16 table: y = table[qlinear(...) + 128].
  const QuantSpec xs = spec(DType::I8, 3), mid = spec(DType::I8, -7, 0.05f),
                  ys = spec(DType::I16, 0, 0.001f);
  const Tensor x = randomQuantized({2, 3, 16}, DType::I8, 21);
  const Tensor w = randomInts({8, 16}, DType::I8, -127, 127, 22);
  const Tensor table = randomInts({256}, DType::I16, -30000, 30000, 23);
  const std::vector<Requant> requant = requants(8, 1e-4, 1e-2, 24);
  const Tensor stage = qlinear(x, w, std::nullopt, QDenseParams{xs, mid, requant}, nullptr);
  Tensor want(DType::I16, stage.shape());
  for (int64_t i = 0; i < stage.numel(); ++i)
    want.data<int16_t>()[i] = table.data<int16_t>()[stage.data<int8_t>()[i] + 128];
  NpuProgramBuilder builder;
  const uint32_t xi = builder.input("x", DType::I8, x.shape(), xs);
  const uint32_t wi = builder.weight("w", w), ti = builder.weight("table", table);
  const uint32_t y = builder.output("y", DType::I16, want.shape(), ys);
  std::vector<uint32_t> params = requantWords(requant);
  for (uint32_t word : {npu::floatWord(mid.scale), uint32_t(mid.zeroPoint), uint32_t(mid.qmin),
                        uint32_t(mid.qmax), 8u})
    params.push_back(word);
  builder.command(Opcode::NnGemm, Unit::Nn, {xi, wi, npu::kNone, ti}, y, params);
  checkBitExact(runOne(builder.build(), {x}), want);

  // The table words are checked: a 16-bit table input needs 65536 entries.
  npu::Program bad = builder.build();
  bad.params[bad.commands[0].paramsOffset + bad.commands[0].paramsCount - 1] = 16;
  CHECK_THROWS_WITH(npu::validateProgram(bad), Catch::Contains("65536 entries"));
}

TEST_CASE("simulator grouped, padded 2-d conv equals qconv", "[npu][sim]") {
  const QuantSpec xs = spec(DType::I8, -4), ys = spec(DType::I8, 1, 0.2f);
  const Tensor x = randomQuantized({1, 4, 5, 5}, DType::I8, 5);
  const Tensor w = randomInts({6, 2, 3, 3}, DType::I8, -127, 127, 6);
  const Tensor b = randomInts({6}, DType::I32, -900, 900, 7);
  const std::vector<Requant> requant = requants(6, 1e-3, 1e-2, 8);
  ConvAttrs attrs;
  attrs.group = 2;
  attrs.window = {{3, 3}, {2, 1}, {1, 1}, {1, 0, 1, 2}, AutoPad::NotSet};
  const Tensor want = qconv(x, w, b, attrs, QDenseParams{xs, ys, requant}, nullptr);
  NpuProgramBuilder builder;
  const uint32_t xi = builder.input("x", DType::I8, x.shape(), xs);
  const uint32_t wi = builder.weight("w", w), bi = builder.weight("b", b);
  const uint32_t y = builder.output("y", DType::I8, want.shape(), ys);
  std::vector<uint32_t> params{2, 2, 3, 3, 2, 1, 1, 0, 1, 2, 1, 1};
  const std::vector<uint32_t> rq = requantWords(requant);
  params.insert(params.end(), rq.begin(), rq.end());
  builder.command(Opcode::NnConv, Unit::Nn, {xi, wi, bi}, y, params);
  checkBitExact(runOne(builder.build(), {x}), want);
}

TEST_CASE("simulator MatMul with transposes equals qmatmul", "[npu][sim]") {
  const QuantSpec as = spec(DType::I8, 5), bs = spec(DType::I16, 0, 0.001f),
                  ys = spec(DType::I8, 0, 0.3f);
  const Tensor a = randomQuantized({2, 4, 5}, DType::I8, 9);
  const Tensor b = randomQuantized({2, 6, 4}, DType::I16, 10);
  const Requant requant = Requant::fromReal(3e-4);
  const Tensor want = qmatmul(a, as, b, bs, true, true, ys, requant, nullptr);
  REQUIRE(want.shape() == Shape{2, 5, 6});
  NpuProgramBuilder builder;
  const uint32_t ai = builder.input("a", DType::I8, a.shape(), as);
  const uint32_t bi = builder.input("b", DType::I16, b.shape(), bs);
  const uint32_t y = builder.output("y", DType::I8, want.shape(), ys);
  builder.command(Opcode::NnMatMul, Unit::Nn, {ai, bi}, y,
                  {1, 1, uint32_t(requant.multiplier), uint32_t(requant.shift)});
  checkBitExact(runOne(builder.build(), {a, b}), want);
}

TEST_CASE("simulator attention with an fp32 bias equals qattention", "[npu][sim]") {
  QAttentionParams params;
  params.heads = 2;
  params.q = spec(DType::I8, 2, 0.05f);
  params.k = spec(DType::I8, -1, 0.04f);
  params.v = spec(DType::I8, 0, 0.03f);
  params.output = spec(DType::I8, 0, 0.02f);
  params.scoreScale = 0.5f * params.q.scale * params.k.scale;
  params.valueRatio = params.v.scale / params.output.scale;
  const Tensor q = randomQuantized({2, 5, 8}, DType::I8, 11);
  const Tensor k = randomQuantized({2, 7, 8}, DType::I8, 12);
  const Tensor v = randomQuantized({2, 7, 6}, DType::I8, 13);
  Tensor bias(DType::F32, {1, 2, 5, 7});
  for (int64_t i = 0; i < bias.numel(); ++i)
    bias.data<float>()[i] = 0.25f * float(i % 5) - 0.5f;
  const Tensor want = qattention(q, k, v, bias, params, nullptr);
  NpuProgramBuilder builder;
  const uint32_t qi = builder.input("q", DType::I8, q.shape(), params.q);
  const uint32_t ki = builder.input("k", DType::I8, k.shape(), params.k);
  const uint32_t vi = builder.input("v", DType::I8, v.shape(), params.v);
  const uint32_t bi = builder.weight("bias", bias);
  const uint32_t y = builder.output("y", DType::I8, want.shape(), params.output);
  builder.command(Opcode::NnAttention, Unit::Nn, {qi, ki, vi, bi}, y,
                  {2, npu::floatWord(params.scoreScale), npu::floatWord(params.valueRatio)});
  checkBitExact(runOne(builder.build(), {q, k, v}), want);
}

TEST_CASE("simulator TpAdd equals qadd", "[npu][sim]") {
  const QuantSpec as = spec(DType::I8, 3, 0.05f), bs = spec(DType::I8, -7, 0.02f),
                  ys = spec(DType::I8, 1, 0.06f);
  const Tensor a = randomQuantized({2, 3, 4}, DType::I8, 14);
  const Tensor b = randomQuantized({2, 3, 4}, DType::I8, 15);
  const Requant ra = Requant::fromReal(as.scale / ys.scale),
                rb = Requant::fromReal(bs.scale / ys.scale);
  NpuProgramBuilder builder;
  const uint32_t ai = builder.input("a", DType::I8, a.shape(), as);
  const uint32_t bi = builder.input("b", DType::I8, b.shape(), bs);
  const uint32_t y = builder.output("y", DType::I8, a.shape(), ys);
  builder.command(
      Opcode::TpAdd, Unit::Tp, {ai, bi}, y,
      {uint32_t(ra.multiplier), uint32_t(ra.shift), uint32_t(rb.multiplier), uint32_t(rb.shift)});
  checkBitExact(runOne(builder.build(), {a, b}), qadd(a, as, ra, b, bs, rb, ys, nullptr));
}

TEST_CASE("simulator TpCopy transposes and concatenates with conversion", "[npu][sim]") {
  /// One copy of `box` (rank 2) with the given offsets and strides.
  auto copyWords = [](uint32_t source, uint32_t d0, uint32_t d1, uint32_t srcOffset, uint32_t s0,
                      uint32_t s1, uint32_t dstOffset, uint32_t t0, uint32_t t1) {
    return std::vector<uint32_t>{source, 2, d0, d1, 0,         0,  0,  0, srcOffset, s0, s1,
                                 0,      0, 0,  0,  dstOffset, t0, t1, 0, 0,         0,  0};
  };
  const QuantSpec as = spec(DType::I8, 0, 0.05f), bs = spec(DType::I8, 4, 0.11f);
  const Tensor a = randomQuantized({3, 4}, DType::I8, 16);
  const Tensor b = randomQuantized({3, 2}, DType::I8, 17);
  SECTION("transpose") {
    NpuProgramBuilder builder;
    const uint32_t ai = builder.input("a", DType::I8, {3, 4}, as);
    const uint32_t y = builder.output("y", DType::I8, {4, 3}, as);
    std::vector<uint32_t> params{1};
    const std::vector<uint32_t> copy = copyWords(0, 4, 3, 0, 1, 4, 0, 3, 1);
    params.insert(params.end(), copy.begin(), copy.end());
    builder.command(Opcode::TpCopy, Unit::Tp, {ai}, y, params);
    checkBitExact(runOne(builder.build(), {a}), transpose(a, {1, 0}, nullptr));
  }
  SECTION("concat, the second source with another scale") {
    NpuProgramBuilder builder;
    const uint32_t ai = builder.input("a", DType::I8, {3, 4}, as);
    const uint32_t bi = builder.input("b", DType::I8, {3, 2}, bs);
    const uint32_t y = builder.output("y", DType::I8, {3, 6}, as);
    std::vector<uint32_t> params{2};
    for (const std::vector<uint32_t> &copy :
         {copyWords(0, 3, 4, 0, 4, 1, 0, 6, 1), copyWords(1, 3, 2, 0, 2, 1, 4, 6, 1)})
      params.insert(params.end(), copy.begin(), copy.end());
    builder.command(Opcode::TpCopy, Unit::Tp, {ai, bi}, y, params);
    const Tensor converted = quantize(dequantize(b, bs, nullptr), as, nullptr);
    checkBitExact(runOne(builder.build(), {a, b}), concat({a, converted}, 1));
  }
}

TEST_CASE("simulator TpGather and TpLut", "[npu][sim]") {
  const QuantSpec xs = spec(DType::I8, 2, 0.05f), ys = spec(DType::I8, -3, 0.08f);
  const Tensor x = randomQuantized({10}, DType::I8, 18);
  SECTION("gather with a conversion") {
    const Tensor index = Tensor::fromVector<int32_t>({2, 3}, {9, 0, 4, 4, 7, 1});
    NpuProgramBuilder builder;
    const uint32_t xi = builder.input("x", DType::I8, {10}, xs);
    const uint32_t ii = builder.weight("index", index);
    const uint32_t y = builder.output("y", DType::I8, {2, 3}, ys);
    builder.command(Opcode::TpGather, Unit::Tp, {xi, ii}, y);
    const Tensor gathered = gather(dequantize(x, xs, nullptr), index, 0);
    checkBitExact(runOne(builder.build(), {x}), quantize(gathered, ys, nullptr));
  }
  SECTION("lookup table") {
    const Tensor table = randomQuantized({256}, DType::I8, 19);
    NpuProgramBuilder builder;
    const uint32_t xi = builder.input("x", DType::I8, {10}, xs);
    const uint32_t ti = builder.weight("table", table);
    const uint32_t y = builder.output("y", DType::I8, {2, 5}, ys);
    builder.command(Opcode::TpLut, Unit::Tp, {xi, ti}, y);
    Tensor want(DType::I8, {2, 5});
    for (int64_t i = 0; i < 10; ++i)
      want.data<int8_t>()[i] = table.data<int8_t>()[x.data<int8_t>()[i] + 128];
    checkBitExact(runOne(builder.build(), {x}), want);
  }
}

TEST_CASE("simulator PPU ops equal the fp32 kernels between dequantise and quantise",
          "[npu][sim]") {
  const QuantSpec xs = spec(DType::I8, 3, 0.04f), ys = spec(DType::I8, -1, 0.03f);
  const Tensor x = randomQuantized({2, 3, 8}, DType::I8, 20);
  const Tensor real = dequantize(x, xs, nullptr);
  const auto kind = [](npu::PpuKind k) { return static_cast<uint32_t>(k); };
  SECTION("LayerNorm with fp32 scale and bias") {
    const Tensor scale = iota<float>({8}, 0.5f, 0.125f), bias = iota<float>({8}, -0.25f, 0.0625f);
    const Tensor got =
        runPpu(x, xs, DType::I8, ys, x.shape(),
               {kind(npu::PpuKind::LayerNorm), uint32_t(-1), npu::floatWord(1e-5f)}, {scale, bias});
    checkBitExact(got, quantize(layerNorm(real, scale, bias, -1, 1e-5f, nullptr), ys, nullptr));
  }
  SECTION("GELU on an INT16 input") {
    const QuantSpec x16 = spec(DType::I16, 0, 1e-4f);
    const Tensor x2 = randomQuantized({3, 5}, DType::I16, 21);
    const Tensor got = runPpu(x2, x16, DType::I8, ys, x2.shape(),
                              {kind(npu::PpuKind::Unary), uint32_t(npu::PpuUnary::Gelu)});
    const Tensor want = unary(UnaryOp::Gelu, dequantize(x2, x16, nullptr), nullptr);
    checkBitExact(got, quantize(want, ys, nullptr));
  }
  SECTION("Div by a broadcast fp32 weight") {
    const Tensor divisor = iota<float>({1, 8}, 0.5f, 0.25f);
    const Tensor got =
        runPpu(x, xs, DType::I8, ys, x.shape(),
               {kind(npu::PpuKind::Binary), uint32_t(npu::PpuBinary::Div)}, {divisor});
    checkBitExact(got, quantize(binary(BinaryOp::Div, real, divisor, nullptr), ys, nullptr));
  }
  SECTION("Softmax") {
    const QuantSpec ps = spec(DType::U8, 0, 1.0f / 255);
    const Tensor got = runPpu(x, xs, DType::U8, ps, x.shape(), {kind(npu::PpuKind::Softmax), 2});
    checkBitExact(got, quantize(softmax(real, 2, nullptr), ps, nullptr));
  }
  SECTION("ReduceMean over axis 1, keeping dims") {
    const Tensor got =
        runPpu(x, xs, DType::I8, ys, {2, 1, 8},
               {kind(npu::PpuKind::Reduce), uint32_t(npu::PpuReduce::Mean), 1, 1, 1});
    checkBitExact(got,
                  quantize(reduce(ReduceOp::Mean, real, {1}, true, false, nullptr), ys, nullptr));
  }
  SECTION("constant Pad with a value") {
    const Tensor value = Tensor::scalar<float>(0.5f);
    const Tensor got = runPpu(x, xs, DType::I8, ys, {2, 4, 10},
                              {kind(npu::PpuKind::Pad), 0, 6, 0, 1, 2, 0, 0, 0}, {value});
    checkBitExact(got,
                  quantize(pad(real, {0, 1, 2, 0, 0, 0}, PadMode::Constant, value), ys, nullptr));
  }
  SECTION("Identity dequantises and quantises") {
    checkBitExact(
        runPpu(x, xs, DType::F32, std::nullopt, x.shape(), {kind(npu::PpuKind::Identity)}), real);
    const Tensor f = iota<float>({4, 5}, -1.0f, 0.1f);
    checkBitExact(runPpu(f, std::nullopt, DType::I8, ys, f.shape(), {kind(npu::PpuKind::Identity)}),
                  quantize(f, ys, nullptr));
  }
}

TEST_CASE("simulator reuses bytes for tensors with disjoint lifetimes", "[npu][sim]") {
  // x -> Neg -> t1 (SRAM @0) -> Dma -> y1; x -> Abs -> t2 (SRAM @0 again) -> Dma -> y2,
  // run twice on two threads.
  const QuantSpec xs = spec(DType::I8, 0, 0.05f);
  const Tensor x = randomQuantized({4, 6}, DType::I8, 22);
  NpuProgramBuilder builder;
  const uint32_t xi = builder.input("x", DType::I8, {4, 6}, xs);
  const uint32_t t1 = builder.tensor("t1", DType::I8, {4, 6}, Region::Sram, xs, 0);
  const uint32_t t2 = builder.tensor("t2", DType::I8, {4, 6}, Region::Sram, xs, 0);
  const uint32_t y1 = builder.output("y1", DType::I8, {4, 6}, xs);
  const uint32_t y2 = builder.output("y2", DType::I8, {4, 6}, xs);
  const uint32_t unaryKind = static_cast<uint32_t>(npu::PpuKind::Unary);
  builder.command(Opcode::PpuOp, Unit::Ppu, {xi}, t1, {unaryKind, uint32_t(npu::PpuUnary::Neg)});
  builder.command(Opcode::Dma, Unit::Dma, {t1}, y1);
  builder.command(Opcode::PpuOp, Unit::Ppu, {xi}, t2, {unaryKind, uint32_t(npu::PpuUnary::Abs)});
  builder.command(Opcode::Dma, Unit::Dma, {t2}, y2);
  ThreadPool pool(2);
  npu::Simulator simulator(builder.build(), &pool);
  const Tensor real = dequantize(x, xs, nullptr);
  for (int run = 0; run < 2; ++run) {
    const std::vector<Tensor> outputs = simulator.run({x});
    REQUIRE(outputs.size() == 2);
    checkBitExact(outputs[0], quantize(unary(UnaryOp::Neg, real, nullptr), xs, nullptr));
    checkBitExact(outputs[1], quantize(unary(UnaryOp::Abs, real, nullptr), xs, nullptr));
  }
}

TEST_CASE("simulator rejects wrong inputs and names the failing command", "[npu][sim]") {
  const QuantSpec xs = spec(DType::I8, 0);
  NpuProgramBuilder builder;
  const uint32_t xi = builder.input("x", DType::I8, {2, 3}, xs);
  const uint32_t y = builder.output("y", DType::I8, {3, 2}, xs);
  builder.command(Opcode::PpuOp, Unit::Host, {xi}, y,
                  {static_cast<uint32_t>(npu::PpuKind::Unary), uint32_t(npu::PpuUnary::Relu)});
  npu::Simulator simulator(builder.build());
  const Tensor x = randomQuantized({2, 3}, DType::I8, 23);
  CHECK_THROWS_WITH(simulator.run({}), Catch::Contains("takes 1 inputs, got 0"));
  CHECK_THROWS_WITH(simulator.run({randomQuantized({3, 2}, DType::I8, 1)}),
                    Catch::Contains("input 0 ('x') must be i8 [2x3], got i8 [3x2]"));
  CHECK_THROWS_WITH(simulator.run({randomQuantized({2, 3}, DType::I16, 1)}),
                    Catch::Contains("got i16"));
  // Relu keeps the shape, the output descriptor does not.
  CHECK_THROWS_WITH(simulator.run({x}), Catch::Contains("command 0 (ppu_op") &&
                                            Catch::Contains("output 'y' is i8 [3x2]"));
}
