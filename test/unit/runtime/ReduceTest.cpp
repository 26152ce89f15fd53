//===- ReduceTest.cpp - Reduce* and ArgMax/ArgMin -------------------------===//
//
// Expected values are ported from the ONNX 1.12 node tests (reducesum.py,
// reducemean.py, ..., argmax.py, argmin.py), mostly on their example data
// [[[1, 2], [3, 4]], [[5, 6], [7, 8]], [[9, 10], [11, 12]]].
//
//===----------------------------------------------------------------------===//
#include "vitc/rt/kernels/Reduce.h"

#include "TestTensors.h"

#include <catch2/catch.hpp>

#include <cmath>

using namespace vitc::rt;
using namespace vitc::rt::testing;

namespace {


Tensor exampleData() {
  return Tensor::fromVector<float>({3, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
}

} // namespace

TEST_CASE("Reduce ops over axis 1 with keepdims follow the ONNX examples", "[runtime][reduce]") {
  const Tensor x = exampleData();
  auto run = [&](ReduceOp op) { return reduce(op, x, {1}, true, false, nullptr); };
  CHECK(run(ReduceOp::Sum).shape() == Shape{3, 1, 2});
  CHECK(valuesOf<float>(run(ReduceOp::Sum)) == std::vector<float>{4, 6, 12, 14, 20, 22});
  CHECK(valuesOf<float>(run(ReduceOp::Mean)) == std::vector<float>{2, 3, 6, 7, 10, 11});
  CHECK(valuesOf<float>(run(ReduceOp::Max)) == std::vector<float>{3, 4, 7, 8, 11, 12});
  CHECK(valuesOf<float>(run(ReduceOp::Min)) == std::vector<float>{1, 2, 5, 6, 9, 10});
  CHECK(valuesOf<float>(run(ReduceOp::Prod)) == std::vector<float>{3, 8, 35, 48, 99, 120});
  CHECK(valuesOf<float>(run(ReduceOp::SumSquare)) == std::vector<float>{10, 20, 74, 100, 202, 244});
}

TEST_CASE("ReduceL1, ReduceL2 and ReduceLogSumExp", "[runtime][reduce]") {
  const Tensor x = exampleData();
  // test_reduce_l1_keep_dims_example / test_reduce_l2_keep_dims_example (axis 2).
  const Tensor l1 = reduce(ReduceOp::L1, x, {2}, true, false, nullptr);
  CHECK(l1.shape() == Shape{3, 2, 1});
  CHECK(valuesOf<float>(l1) == std::vector<float>{3, 7, 11, 15, 19, 23});
  checkNear(reduce(ReduceOp::L2, x, {2}, true, false, nullptr),
            {2.23606798f, 5.0f, 7.81024968f, 10.63014581f, 13.45362405f, 16.2788206f});
  // test_reduce_log_sum_exp_keepdims_example.
  const Tensor y = Tensor::fromVector<float>({3, 2, 2}, {5, 1, 20, 2, 30, 1, 40, 2, 55, 1, 60, 2});
  checkNear(reduce(ReduceOp::LogSumExp, y, {1}, true, false, nullptr),
            {20.0f, 2.31326175f, 40.00004578f, 2.31326175f, 60.00671535f, 2.31326175f});
  // Large values stay finite (the max is subtracted first).
  checkNear(reduce(ReduceOp::LogSumExp, Tensor::fromVector<float>({2}, {1000, 1000}), {}, false,
                   false, nullptr),
            {1000.6931472f});
  // f64 works for every op.
  const Tensor d = Tensor::fromVector<double>({2}, {3, 4});
  CHECK(valuesOf<double>(reduce(ReduceOp::L2, d, {0}, false, false, nullptr)) ==
        std::vector<double>{5});
}

TEST_CASE("Reduce axes: several, negative, empty, noop", "[runtime][reduce]") {
  const Tensor x = exampleData();
  // Non-adjacent axes.
  const Tensor s02 = reduce(ReduceOp::Sum, x, {0, 2}, false, false, nullptr);
  CHECK(s02.shape() == Shape{2});
  CHECK(valuesOf<float>(s02) == std::vector<float>{33, 45});
  // Negative axes, any order, keepdims.
  const Tensor s = reduce(ReduceOp::Sum, x, {-1, -3}, true, false, nullptr);
  CHECK(s.shape() == Shape{1, 2, 1});
  CHECK(valuesOf<float>(s) == std::vector<float>{33, 45});
  CHECK(valuesOf<float>(reduce(ReduceOp::Mean, x, {-2}, false, false, nullptr)) ==
        std::vector<float>{2, 3, 6, 7, 10, 11});
  // Empty axes reduce everything...
  const Tensor all = reduce(ReduceOp::Sum, x, {}, false, false, nullptr);
  CHECK(all.shape() == Shape{});
  CHECK(all.data<float>()[0] == 78.0f);
  CHECK(reduce(ReduceOp::Max, x, {}, true, false, nullptr).shape() == Shape{1, 1, 1});
  // ...unless noop_with_empty_axes.
  const Tensor same = reduce(ReduceOp::Sum, x, {}, true, true, nullptr);
  CHECK(same.shape() == x.shape());
  CHECK(valuesOf<float>(same) == valuesOf<float>(x));
}

TEST_CASE("Reduce on integers, empty sets, NaN and threads", "[runtime][reduce]") {
  const Tensor i = Tensor::fromVector<int32_t>({2, 3}, {1, -2, 3, 4, 5, -6});
  CHECK(valuesOf<int32_t>(reduce(ReduceOp::Sum, i, {1}, false, false, nullptr)) ==
        std::vector<int32_t>{2, 3});
  CHECK(valuesOf<int32_t>(reduce(ReduceOp::Prod, i, {0}, false, false, nullptr)) ==
        std::vector<int32_t>{4, -10, -18});
  CHECK(valuesOf<int64_t>(reduce(ReduceOp::Min, Tensor::fromVector<int64_t>({3}, {5, -9, 2}), {0},
                                 false, false, nullptr)) == std::vector<int64_t>{-9});
  // Empty reductions give the identity.
  const Tensor empty(DType::F32, {2, 0});
  CHECK(valuesOf<float>(reduce(ReduceOp::Sum, empty, {1}, false, false, nullptr)) ==
        std::vector<float>{0, 0});
  CHECK(valuesOf<float>(reduce(ReduceOp::Prod, empty, {1}, false, false, nullptr)) ==
        std::vector<float>{1, 1});
  CHECK(std::isinf(reduce(ReduceOp::Max, empty, {1}, false, false, nullptr).at(0)));
  // NaN propagates through Max.
  const Tensor n = Tensor::fromVector<float>({3}, {1, std::nanf(""), 3});
  CHECK(std::isnan(reduce(ReduceOp::Max, n, {0}, false, false, nullptr).at(0)));
  // The thread count does not change a single bit.
  std::vector<float> v(64 * 1000);
  for (size_t k = 0; k < v.size(); ++k)
    v[k] = std::sin(static_cast<float>(k)) * 1000.0f;
  const Tensor big = Tensor::fromVector<float>({64, 1000}, v);
  ThreadPool pool(3);
  for (std::vector<int64_t> axes : {std::vector<int64_t>{0}, {1}, {0, 1}})
    CHECK(valuesOf<float>(reduce(ReduceOp::Mean, big, axes, false, false, nullptr)) ==
          valuesOf<float>(reduce(ReduceOp::Mean, big, axes, false, false, &pool)));
}

TEST_CASE("Reduce rejects bad axes and dtypes", "[runtime][reduce]") {
  const Tensor x = exampleData();
  CHECK_THROWS_AS(reduce(ReduceOp::Sum, x, {3}, true, false, nullptr), Error);
  CHECK_THROWS_AS(reduce(ReduceOp::Sum, x, {-4}, true, false, nullptr), Error);
  CHECK_THROWS_AS(reduce(ReduceOp::Sum, x, {1, -2}, true, false, nullptr), Error);
  CHECK_THROWS_AS(reduce(ReduceOp::Mean, Tensor::scalar<int32_t>(1), {}, true, false, nullptr),
                  Error);
  CHECK_THROWS_AS(reduce(ReduceOp::Sum, Tensor::scalar<int8_t>(1), {}, true, false, nullptr),
                  Error);
}

TEST_CASE("ArgMax and ArgMin follow test_argmax_* / test_argmin_*", "[runtime][reduce]") {
  const Tensor x = Tensor::fromVector<float>({2, 2}, {2, 1, 3, 10});
  const Tensor a0 = argReduce(true, x, 0, true, false);
  CHECK(a0.dtype() == DType::I64);
  CHECK(a0.shape() == Shape{1, 2});
  CHECK(valuesOf<int64_t>(a0) == std::vector<int64_t>{1, 1});
  const Tensor a1 = argReduce(true, x, -1, false, false);
  CHECK(a1.shape() == Shape{2});
  CHECK(valuesOf<int64_t>(a1) == std::vector<int64_t>{0, 1});
  CHECK(valuesOf<int64_t>(argReduce(false, x, 1, true, false)) == std::vector<int64_t>{1, 0});
  // Ties: the first index, or the last with select_last_index.
  const Tensor tie = Tensor::fromVector<float>({2, 2}, {2, 2, 3, 10});
  CHECK(valuesOf<int64_t>(argReduce(true, tie, 1, true, false)) == std::vector<int64_t>{0, 1});
  CHECK(valuesOf<int64_t>(argReduce(true, tie, 1, true, true)) == std::vector<int64_t>{1, 1});
  CHECK(valuesOf<int64_t>(argReduce(false, tie, 1, true, true)) == std::vector<int64_t>{1, 0});
  // NaN wins, like numpy.argmax.
  const Tensor n = Tensor::fromVector<float>({3}, {1, std::nanf(""), 7});
  CHECK(valuesOf<int64_t>(argReduce(true, n, 0, false, false)) == std::vector<int64_t>{1});
  CHECK(valuesOf<int64_t>(argReduce(false, Tensor::fromVector<int32_t>({4}, {4, -1, 9, -1}), 0,
                                    false, true)) == std::vector<int64_t>{3});
  CHECK_THROWS_AS(argReduce(true, x, 2, true, false), Error);
  CHECK_THROWS_AS(argReduce(true, Tensor::scalar(1.0f), 0, true, false), Error);
  CHECK_THROWS_AS(argReduce(true, Tensor(DType::F32, {0}), 0, true, false), Error);
}
