# System packages the compiler builds against (Debian 12; see scripts/setup.sh and
# third_party/README.md). The runtime uses none of them.
find_package(MLIR REQUIRED CONFIG HINTS /usr/lib/llvm-16/lib/cmake/mlir)
message(STATUS "MLIR ${LLVM_PACKAGE_VERSION} from ${MLIR_DIR}")

list(APPEND CMAKE_MODULE_PATH "${MLIR_CMAKE_DIR}" "${LLVM_CMAKE_DIR}")
set(LLVM_RUNTIME_OUTPUT_INTDIR ${CMAKE_BINARY_DIR}/bin)
set(LLVM_LIBRARY_OUTPUT_INTDIR ${CMAKE_BINARY_DIR}/lib)
set(MLIR_BINARY_DIR ${CMAKE_BINARY_DIR})
include(TableGen)
include(AddLLVM)
include(AddMLIR)

# mlir_tablegen reads the directory include paths.
include_directories(SYSTEM ${LLVM_INCLUDE_DIRS} ${MLIR_INCLUDE_DIRS})

# One shared libMLIR and libLLVM: quick links, one copy of every registry.
add_library(vitc_mlir INTERFACE)
target_include_directories(vitc_mlir SYSTEM INTERFACE ${LLVM_INCLUDE_DIRS} ${MLIR_INCLUDE_DIRS})
target_compile_definitions(vitc_mlir INTERFACE ${LLVM_DEFINITIONS})
target_link_libraries(vitc_mlir INTERFACE MLIR LLVM)

find_package(ONNX REQUIRED CONFIG)
find_package(Protobuf REQUIRED)
find_package(CLI11 REQUIRED CONFIG)
find_package(nlohmann_json REQUIRED CONFIG)
