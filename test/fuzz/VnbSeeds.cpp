//===- VnbSeeds.cpp - Writes seed .vnb files for the loader fuzzer --------===//
//
// vitc-vnb-seeds DIR writes the unit tests' every-opcode program, raw and
// with zero-run weights, and a program of a single end command.
//
//===----------------------------------------------------------------------===//
#include "../unit/runtime/VnbTestProgram.h"

#include "vitc/rt/npu/Format.h"

#include <iostream>

int main(int argc, char **argv) {
  if (argc != 2) {
    std::cerr << "usage: vitc-vnb-seeds DIR\n";
    return 2;
  }
  const std::string dir = argv[1];
  try {
    vnbtest::Program program = vnbtest::everyOpcodeProgram();
    vitc::rt::npu::writeVnbFile(program, dir + "/every-opcode.vnb");
    vitc::rt::npu::compressWeights(program);
    vitc::rt::npu::writeVnbFile(program, dir + "/every-opcode-zero-run.vnb");
    vnbtest::ProgramBuilder end;
    end.program.config = program.config;
    end.command(vitc::rt::npu::Opcode::End, vitc::rt::npu::Unit::Host, "", {}, vitc::rt::npu::kNone,
                {});
    vitc::rt::npu::writeVnbFile(end.program, dir + "/end-only.vnb");
  } catch (const vitc::rt::Error &e) {
    std::cerr << "vitc-vnb-seeds: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
