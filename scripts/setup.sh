#!/bin/sh
# Installs every Debian 12 package that vitc's build, tests, examples and
# benchmarks need. Idempotent: packages already installed are skipped, and
# `apt-get update` runs once, only when something is missing.
set -eu

PACKAGES="
  build-essential cmake ninja-build git pkg-config
  llvm-16-dev libmlir-16-dev mlir-16-tools
  libonnx-dev libprotobuf-dev protobuf-compiler
  libcli11-dev nlohmann-json3-dev catch2 libbenchmark-dev libstb-dev dataset-fashion-mnist
  python3 python3-numpy python3-onnx python3-torch libopenblas0-pthread
"

missing=""
for package in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $package"
  fi
done

if [ -z "$missing" ]; then
  echo "setup: all packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
echo "setup: installing$missing"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q $missing
