//===- Reduce.cpp - ONNX Reduce* and ArgMax/ArgMin ------------------------===//
//
// Each output element reduces its elements in row-major order of the reduced
// dims, so results do not depend on the thread count. Floating-point sums and
// products accumulate in double. Reducing an empty set gives the op's identity: 0 for
// the sums and norms, 1 for Prod, -inf / +inf (lowest / highest for
// integers) for Max / Min, -inf for LogSumExp, and NaN for Mean.
//
//===----------------------------------------------------------------------===//
#include "vitc/rt/kernels/Reduce.h"

#include "DTypeDispatch.h"
#include "ElementwiseUtil.h"
#include "IndexUtil.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace vitc::rt {

using namespace detail;

namespace {

const char *reduceOpName(ReduceOp op) {
  switch (op) {
  case ReduceOp::Sum:
    return "ReduceSum";
  case ReduceOp::Mean:
    return "ReduceMean";
  case ReduceOp::Max:
    return "ReduceMax";
  case ReduceOp::Min:
    return "ReduceMin";
  case ReduceOp::Prod:
    return "ReduceProd";
  case ReduceOp::SumSquare:
    return "ReduceSumSquare";
  case ReduceOp::L1:
    return "ReduceL1";
  case ReduceOp::L2:
    return "ReduceL2";
  case ReduceOp::LogSumExp:
    return "ReduceLogSumExp";
  }
  return "Reduce";
}

/// The input viewed as kept dims x reduced dims (each list collapsed where
/// neighbours can merge), with the input strides of each.
struct ReductionLayout {
  Shape keptDims, reducedDims;
  std::vector<int64_t> keptStrides, reducedStrides;
  int64_t reducedCount = 1;
};

ReductionLayout makeLayout(const Shape &shape, const std::vector<bool> &reduced) {
  ReductionLayout layout;
  int64_t stride = 1;
  bool lastReduced = false, haveLast = false;
  for (size_t d = shape.size(); d-- > 0;) {
    const int64_t size = shape[d];
    if (size != 1) {
      Shape &dims = reduced[d] ? layout.reducedDims : layout.keptDims;
      std::vector<int64_t> &strides = reduced[d] ? layout.reducedStrides : layout.keptStrides;
      // Merge with the previous (inner) dim when it is of the same kind.
      if (haveLast && lastReduced == reduced[d]) {
        dims.back() *= size;
      } else {
        dims.push_back(size);
        strides.push_back(stride);
      }
      lastReduced = reduced[d];
      haveLast = true;
    }
    stride *= size;
  }
  // Built inner first; flip to outer-first order.
  std::reverse(layout.keptDims.begin(), layout.keptDims.end());
  std::reverse(layout.keptStrides.begin(), layout.keptStrides.end());
  std::reverse(layout.reducedDims.begin(), layout.reducedDims.end());
  std::reverse(layout.reducedStrides.begin(), layout.reducedStrides.end());
  layout.reducedCount = numElements(layout.reducedDims);
  return layout;
}

/// Input offset of kept position `index` (row-major over keptDims).
int64_t keptOffset(const ReductionLayout &layout, int64_t index) {
  int64_t offset = 0;
  for (size_t d = layout.keptDims.size(); d-- > 0;) {
    offset += (index % layout.keptDims[d]) * layout.keptStrides[d];
    index /= layout.keptDims[d];
  }
  return offset;
}

/// Calls fn(value) for every reduced element of the group at `base`, in
/// row-major order of the reduced dims.
template <typename T, typename Fn>
void forEachReduced(const ReductionLayout &layout, const T *base, Fn &&fn) {
  const size_t rank = layout.reducedDims.size();
  if (rank == 0) {
    fn(base[0]);
    return;
  }
  const int64_t innerSize = layout.reducedDims.back();
  const int64_t innerStride = layout.reducedStrides.back();
  std::vector<int64_t> index(rank - 1, 0);
  const int64_t outerCount = layout.reducedCount / std::max<int64_t>(innerSize, 1);
  int64_t offset = 0;
  for (int64_t outer = 0; outer < outerCount; ++outer) {
    for (int64_t i = 0; i < innerSize; ++i)
      fn(base[offset + i * innerStride]);
    for (size_t d = rank - 1; d-- > 0;) {
      offset += layout.reducedStrides[d];
      if (++index[d] < layout.reducedDims[d])
        break;
      offset -= layout.reducedDims[d] * layout.reducedStrides[d];
      index[d] = 0;
    }
  }
}

/// Reduces one group with accumulator type Acc (double for floats, T for
/// integers, whose arithmetic wraps).
template <typename T> T reduceGroup(ReduceOp op, const ReductionLayout &layout, const T *base) {
  using Acc = std::conditional_t<std::is_floating_point_v<T>, double, T>;
  const int64_t count = layout.reducedCount;
  switch (op) {
  case ReduceOp::Max:
  case ReduceOp::Min: {
    const bool isMax = op == ReduceOp::Max;
    T best = isMax ? (std::numeric_limits<T>::has_infinity ? -std::numeric_limits<T>::infinity()
                                                           : std::numeric_limits<T>::lowest())
                   : (std::numeric_limits<T>::has_infinity ? std::numeric_limits<T>::infinity()
                                                           : std::numeric_limits<T>::max());
    forEachReduced(layout, base, [&](T v) {
      if (best != best) // NaN propagates
        return;
      if (v != v || (isMax ? v > best : v < best))
        best = v;
    });
    return best;
  }
  case ReduceOp::Prod: {
    Acc acc = 1;
    forEachReduced(layout, base, [&](T v) { acc = wrapMul(acc, static_cast<Acc>(v)); });
    return static_cast<T>(acc);
  }
  case ReduceOp::LogSumExp: {
    double m = -std::numeric_limits<double>::infinity();
    forEachReduced(layout, base, [&](T v) { m = std::max<double>(m, v); });
    if (std::isinf(m)) // all -inf (or empty): log(0); +inf: the sum is inf
      return static_cast<T>(m);
    double sum = 0;
    forEachReduced(layout, base, [&](T v) { sum += std::exp(static_cast<double>(v) - m); });
    return static_cast<T>(m + std::log(sum));
  }
  default: {
    Acc acc = 0;
    if (op == ReduceOp::Sum || op == ReduceOp::Mean)
      forEachReduced(layout, base, [&](T v) { acc = wrapAdd(acc, static_cast<Acc>(v)); });
    else if (op == ReduceOp::L1)
      forEachReduced(layout, base, [&](T v) { acc += std::fabs(static_cast<Acc>(v)); });
    else // SumSquare, L2
      forEachReduced(layout, base, [&](T v) { acc += static_cast<Acc>(v) * v; });
    if (op == ReduceOp::Mean)
      return static_cast<T>(acc / static_cast<Acc>(count));
    if (op == ReduceOp::L2)
      return static_cast<T>(std::sqrt(acc));
    return static_cast<T>(acc);
  }
  }
}

} // namespace

Tensor reduce(ReduceOp op, const Tensor &x, std::vector<int64_t> axes, bool keepDims,
              bool noopWithEmptyAxes, ThreadPool *pool) {
  const char *name = reduceOpName(op);
  const bool integerOk =
      op == ReduceOp::Sum || op == ReduceOp::Max || op == ReduceOp::Min || op == ReduceOp::Prod;
  if (x.dtype() != DType::F32 && x.dtype() != DType::F64 &&
      !(integerOk && (x.dtype() == DType::I32 || x.dtype() == DType::I64)))
    throwUnsupportedDType(name, x.dtype(), integerOk ? "f32, f64, i32, i64" : "f32, f64");
  if (axes.empty() && noopWithEmptyAxes)
    return x;
  const int64_t rank = x.rank();
  std::vector<bool> reduced(static_cast<size_t>(rank), axes.empty());
  for (int64_t axis : axes) {
    const int64_t a = normalizeAxis(axis, std::max<int64_t>(rank, 1), name);
    if (rank == 0)
      continue; // a scalar reduces to itself
    if (reduced[a])
      throw Error(std::string(name) + ": axis " + std::to_string(axis) + " given twice");
    reduced[a] = true;
  }
  Shape outShape;
  for (int64_t d = 0; d < rank; ++d) {
    if (!reduced[d])
      outShape.push_back(x.shape()[d]);
    else if (keepDims)
      outShape.push_back(1);
  }
  const ReductionLayout layout = makeLayout(x.shape(), reduced);
  Tensor out(x.dtype(), outShape);
  const int64_t groups = out.numel();
  const int64_t grain = std::max<int64_t>(1, 16384 / std::max<int64_t>(layout.reducedCount, 1));
  auto run = [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T *in = x.data<T>();
    T *result = out.data<T>();
    parallelFor(pool, groups, grain, [&](int64_t begin, int64_t end) {
      for (int64_t g = begin; g < end; ++g)
        result[g] = reduceGroup(op, layout, in + keptOffset(layout, g));
    });
  };
  if (x.dtype() == DType::F32)
    run(TypeTag<float>{});
  else if (x.dtype() == DType::F64)
    run(TypeTag<double>{});
  else if (x.dtype() == DType::I32)
    run(TypeTag<int32_t>{});
  else
    run(TypeTag<int64_t>{});
  return out;
}

Tensor argReduce(bool isMax, const Tensor &x, int64_t axis, bool keepDims, bool selectLastIndex) {
  const char *name = isMax ? "ArgMax" : "ArgMin";
  if (x.rank() == 0)
    throw Error(std::string(name) + ": input must have rank >= 1");
  axis = normalizeAxis(axis, x.rank(), name);
  const int64_t n = x.shape()[axis];
  if (n == 0)
    throw Error(std::string(name) + ": cannot reduce an empty axis");
  const int64_t outer = productOf(x.shape(), 0, axis);
  const int64_t inner = productOf(x.shape(), axis + 1, x.shape().size());
  Shape outShape = x.shape();
  if (keepDims)
    outShape[axis] = 1;
  else
    outShape.erase(outShape.begin() + axis);
  Tensor out(DType::I64, outShape);
  int64_t *result = out.data<int64_t>();
  dispatchArithmetic(x.dtype(), name, [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T *in = x.data<T>();
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t j = 0; j < inner; ++j) {
        const T *column = in + o * n * inner + j;
        int64_t best = 0;
        // NaN counts as the extreme value, as in numpy.argmax / argmin.
        for (int64_t i = 1; i < n; ++i) {
          const T v = column[i * inner], b = column[best * inner];
          const bool better = (v != v)   ? (b == b || selectLastIndex)
                              : (b != b) ? false
                              : isMax    ? (v > b || (selectLastIndex && v == b))
                                         : (v < b || (selectLastIndex && v == b));
          if (better)
            best = i;
        }
        result[o * inner + j] = best;
      }
  });
  return out;
}

} // namespace vitc::rt
