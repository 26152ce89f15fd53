//===- VnbLoaderFuzz.cpp - libFuzzer target: the .vnb loader ---------------===//
//
// Any input must either load or throw rt::Error: no crash, no out-of-bounds
// access (ASan), no undefined behaviour (UBSan), no huge allocation. A file
// that loads must also disassemble and write back. Almost every mutation
// breaks the CRC, so each input is also tried with its CRC recomputed: that
// lets the fuzzer reach the section, record and program checks. Build and
// run: test/fuzz/run_vnb_fuzz.sh.
//
//===----------------------------------------------------------------------===//
#include "vitc/rt/Error.h"
#include "vitc/rt/npu/Format.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace {

void load(const uint8_t *data, size_t size) {
  try {
    const vitc::rt::npu::Program program = vitc::rt::npu::readVnb(data, size, "fuzz.vnb");
    vitc::rt::npu::disassemble(program);
    vitc::rt::npu::writeVnb(program);
  } catch (const vitc::rt::Error &) {
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  load(data, size);
  if (size >= vitc::rt::npu::kVnbCrcStart) {
    std::vector<uint8_t> sealed(data, data + size);
    const uint32_t crc = vitc::rt::npu::crc32(sealed.data() + vitc::rt::npu::kVnbCrcStart,
                                              size - vitc::rt::npu::kVnbCrcStart);
    for (int i = 0; i < 4; ++i)
      sealed[4 + i] = static_cast<uint8_t>(crc >> (8 * i));
    load(sealed.data(), sealed.size());
  }
  return 0;
}
