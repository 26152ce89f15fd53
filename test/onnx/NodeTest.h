//===- NodeTest.h - Run one ONNX node test on vitc's interpreter --*- C++ -*-===//
//
// Part of vitc-onnx-conformance. An ONNX node test is a directory with
// model.onnx and test_data_set_N/{input_i.pb, output_i.pb}; it passes when
// every data set's outputs match the expected ones with the tolerances of
// ONNX's backend test runner.
//
//===----------------------------------------------------------------------===//
#ifndef VITC_TEST_ONNX_NODETEST_H
#define VITC_TEST_ONNX_NODETEST_H

#include "vitc/Compiler.h"
#include "vitc/rt/Tensor.h"

#include <optional>
#include <set>
#include <string>

namespace vitc::conformance {

/// numpy.testing.assert_allclose: |actual - expected| <= atol + rtol * |expected|.
struct Tolerance {
  double rtol = 1e-3;
  double atol = 1e-7;
};

/// The op types of a model, its subgraphs included. Ops outside the default
/// domain are named "domain::OpType". Throws std::runtime_error when the
/// file does not parse.
std::set<std::string> modelOpTypes(const std::string &modelPath);

/// Compares an output with its expected value: same dtype and shape, float
/// values within `tolerance` (NaN equals NaN, infinities must match), other
/// types exactly. std::nullopt when they match, else what differs first.
std::optional<std::string> compareTensors(const rt::Tensor &actual, const rt::Tensor &expected,
                                          const Tolerance &tolerance);

struct RunSettings {
  Tolerance tolerance;
  int threads = 1;              ///< interpreter threads
  Stage stage = Stage::Import;  ///< pipeline stage the model is run at
};

/// Loads `testDir`/model.onnx with vitc's default options, compiles it up to
/// `settings.stage`, runs every data set on the interpreter and compares the
/// outputs. An empty string when the test passes, else the reason it fails.
std::string runNodeTest(const std::string &testDir, const RunSettings &settings);

} // namespace vitc::conformance

#endif // VITC_TEST_ONNX_NODETEST_H
