//===- Program.cpp - NPU program: names and structural validation ---------===//
//
// validateProgram is the contract between the producers of a Program (codegen,
// the .vnb loader) and its consumers (simulator, disassembler): after it
// returns, every tensor fits its region, every operand id and params range is
// in bounds, each opcode has the operands and words its layout needs, and
// the contents a consumer indexes with (TpGather's index table) are in
// range. Tensor-level checks are here; per-opcode checks in
// ProgramCommands.cpp.
//
//===----------------------------------------------------------------------===//
#include "ProgramChecks.h"

#include "vitc/rt/Error.h"

#include <cmath>

namespace vitc::rt::npu {

const char *opcodeName(Opcode opcode) {
  switch (opcode) {
  case Opcode::NnGemm:
    return "nn_gemm";
  case Opcode::NnConv:
    return "nn_conv";
  case Opcode::NnMatMul:
    return "nn_matmul";
  case Opcode::NnAttention:
    return "nn_attention";
  case Opcode::TpAdd:
    return "tp_add";
  case Opcode::TpCopy:
    return "tp_copy";
  case Opcode::TpGather:
    return "tp_gather";
  case Opcode::TpLut:
    return "tp_lut";
  case Opcode::PpuOp:
    return "ppu_op";
  case Opcode::Dma:
    return "dma";
  case Opcode::End:
    return "end";
  }
  return "invalid_opcode";
}

const char *unitName(Unit unit) {
  switch (unit) {
  case Unit::Nn:
    return "nn";
  case Unit::Tp:
    return "tp";
  case Unit::Ppu:
    return "ppu";
  case Unit::Dma:
    return "dma";
  case Unit::Host:
    return "host";
  }
  return "invalid_unit";
}

const char *regionName(Region region) {
  switch (region) {
  case Region::Weights:
    return "weights";
  case Region::Dram:
    return "dram";
  case Region::Sram:
    return "sram";
  }
  return "invalid_region";
}

namespace detail {

bool isStorageDType(DType dtype) {
  return dtype == DType::I8 || dtype == DType::I16 || dtype == DType::U8 || dtype == DType::I32 ||
         dtype == DType::F32;
}

std::string tensorLabel(const Program &program, uint32_t id) {
  return "tensor " + std::to_string(id) + " '" + program.tensors[id].name + "'";
}

} // namespace detail

namespace {

using detail::tensorLabel;

/// Storage range of a quantised dtype; false for other dtypes.
bool quantRange(DType dtype, int64_t &lo, int64_t &hi) {
  switch (dtype) {
  case DType::I8:
    lo = -128, hi = 127;
    return true;
  case DType::I16:
    lo = -32768, hi = 32767;
    return true;
  case DType::U8:
    lo = 0, hi = 255;
    return true;
  default:
    return false;
  }
}

uint64_t regionSize(const Program &program, Region region) {
  switch (region) {
  case Region::Weights:
    return program.weightBytes;
  case Region::Dram:
    return program.dramBytes;
  case Region::Sram:
    return program.sramBytes;
  }
  return 0;
}

/// Checks one tensor and returns its element count.
uint64_t checkTensor(const Program &program, uint32_t id) {
  const TensorDesc &t = program.tensors[id];
  auto fail = [&](const std::string &what) { throw Error(tensorLabel(program, id) + ": " + what); };
  if (!detail::isStorageDType(t.dtype))
    fail(std::string("dtype ") + dtypeName(t.dtype) +
         " is not a storage type (i8, i16, u8, i32, f32)");
  if (t.shape.size() > static_cast<size_t>(kMaxRank))
    fail("rank " + std::to_string(t.shape.size()) + " exceeds " + std::to_string(kMaxRank));
  uint64_t numel = 1;
  for (int64_t dim : t.shape) {
    if (dim < 0)
      fail("negative dimension in shape " + shapeToString(t.shape));
    if (__builtin_mul_overflow(numel, static_cast<uint64_t>(dim), &numel) ||
        numel > detail::kMaxElements)
      fail("shape " + shapeToString(t.shape) + " has too many elements");
  }
  const uint64_t bytes = numel * dtypeSize(t.dtype);
  if (t.region != Region::Weights && t.region != Region::Dram && t.region != Region::Sram)
    fail("invalid region " + std::to_string(static_cast<int>(t.region)));
  const uint64_t size = regionSize(program, t.region);
  if (t.offset > size || bytes > size - t.offset)
    fail(std::to_string(bytes) + " bytes at offset " + std::to_string(t.offset) + " exceed the " +
         regionName(t.region) + " region of " + std::to_string(size) + " bytes");

  if (t.quantized) {
    int64_t lo, hi;
    if (!quantRange(t.dtype, lo, hi) || t.quant.storage != t.dtype)
      fail(std::string("quantised tensors need i8, i16 or u8 storage equal to the dtype, got ") +
           dtypeName(t.dtype) + " with storage " + dtypeName(t.quant.storage));
    if (!(t.quant.scale > 0) || !std::isfinite(t.quant.scale))
      fail("quantisation scale must be positive and finite");
    if (!(lo <= t.quant.qmin && t.quant.qmin <= t.quant.zeroPoint &&
          t.quant.zeroPoint <= t.quant.qmax && t.quant.qmax <= hi))
      fail("needs " + std::to_string(lo) + " <= qmin <= zero point <= qmax <= " +
           std::to_string(hi) + ", got qmin " + std::to_string(t.quant.qmin) + ", zero point " +
           std::to_string(t.quant.zeroPoint) + ", qmax " + std::to_string(t.quant.qmax));
  }
  if ((t.inputIndex >= 0 || t.outputIndex >= 0) && t.region != Region::Dram)
    fail("model inputs and outputs must live in the dram region");
  if (t.inputIndex < -1 || t.outputIndex < -1)
    fail("input/output index must be -1 or >= 0");

  if (t.region != Region::Weights) {
    if (t.encoding != WeightEncoding::Raw || !t.stored.empty())
      fail("only weights have stored bytes");
  } else if (t.encoding == WeightEncoding::Raw) {
    if (t.stored.size() != bytes)
      fail("raw weight stores " + std::to_string(t.stored.size()) + " bytes, needs " +
           std::to_string(bytes));
  } else if (t.encoding == WeightEncoding::ZeroRun) {
    try {
      scanZeroRun(
          t.stored.data(), t.stored.size(), bytes, [](uint64_t) {}, [](const uint8_t *, size_t) {});
    } catch (const Error &e) {
      fail(std::string("zero-run weight: ") + e.what());
    }
  } else {
    fail("invalid weight encoding " + std::to_string(static_cast<int>(t.encoding)));
  }
  return numel;
}

/// Model input (or output) numbers must be exactly 0..n-1.
void checkDense(const Program &program, bool inputs) {
  const char *what = inputs ? "input" : "output";
  std::vector<int64_t> owner(program.tensors.size(), -1);
  size_t count = 0;
  for (const TensorDesc &t : program.tensors)
    count += (inputs ? t.inputIndex : t.outputIndex) >= 0;
  for (uint32_t id = 0; id < program.tensors.size(); ++id) {
    const int32_t index = inputs ? program.tensors[id].inputIndex : program.tensors[id].outputIndex;
    if (index < 0)
      continue;
    if (static_cast<size_t>(index) >= count)
      throw Error(tensorLabel(program, id) + ": " + what + " number " + std::to_string(index) +
                  " but the program has " + std::to_string(count) + " " + what +
                  "s; numbers must be 0.." + std::to_string(count - 1));
    if (owner[index] >= 0)
      throw Error(tensorLabel(program, id) + ": " + what + " number " + std::to_string(index) +
                  " is also " + tensorLabel(program, static_cast<uint32_t>(owner[index])) + "'s");
    owner[index] = id;
  }
}

} // namespace

void validateProgram(const Program &program) {
  try {
    program.config.validate();
  } catch (const Error &e) {
    throw Error(std::string("NPU config: ") + e.what());
  }
  if (program.sramBytes > static_cast<uint64_t>(program.config.sramBytes))
    throw Error("the SRAM arena (" + std::to_string(program.sramBytes) +
                " bytes) exceeds the config's SRAM (" + std::to_string(program.config.sramBytes) +
                " bytes)");
  if (program.tensors.size() >= kNone)
    throw Error("too many tensors");
  std::vector<uint64_t> numels(program.tensors.size());
  for (uint32_t id = 0; id < program.tensors.size(); ++id)
    numels[id] = checkTensor(program, id);
  checkDense(program, /*inputs=*/true);
  checkDense(program, /*inputs=*/false);

  if (program.commands.empty() || program.commands.back().opcode != Opcode::End)
    throw Error("the program must end with an end command");
  for (size_t index = 0; index < program.commands.size(); ++index)
    detail::checkCommand(program, numels, index);
}

} // namespace vitc::rt::npu
