#!/bin/sh
# Installs every Debian 12 package that vitc's build, tests, examples and
# benchmarks need, then ONNX Runtime for node (npm, into bench/fp32), the
# peer that tests and benchmarks compare with. Idempotent: packages already
# installed are skipped, and `apt-get update` runs once, only when something
# is missing. Node.js comes from Debian (nodejs, npm) unless a node is
# already on the PATH.
set -eu

PACKAGES="
  build-essential cmake ninja-build git pkg-config
  llvm-16-dev libmlir-16-dev mlir-16-tools
  libonnx-dev libprotobuf-dev protobuf-compiler
  libcli11-dev nlohmann-json3-dev catch2 libbenchmark-dev libstb-dev dataset-fashion-mnist
  python3 python3-numpy python3-onnx python3-torch libopenblas0-pthread
  clang-16 libfuzzer-16-dev
"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  PACKAGES="$PACKAGES nodejs npm"
fi
root=$(cd "$(dirname "$0")/.." && pwd)

install_onnxruntime() {
  if [ -d "$root/bench/fp32/node_modules/onnxruntime-node" ]; then
    return
  fi
  echo "setup: npm install onnxruntime-node (bench/fp32)"
  npm install --prefix "$root/bench/fp32" --ignore-scripts --no-audit --no-fund
}

missing=""
for package in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $package"
  fi
done

if [ -z "$missing" ]; then
  echo "setup: all packages present"
  install_onnxruntime
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
echo "setup: installing$missing"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q $missing
install_onnxruntime
