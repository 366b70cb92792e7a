#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine: install dependencies, then
#   1. the release build (warnings as errors) and every unit and end-to-end test,
#   2. the same tests under AddressSanitizer + UndefinedBehaviorSanitizer,
#   3. the libFuzzer targets (clang), each replaying its corpus and found crashes, then fuzzing
#      for a bounded time (STRATA_FUZZ_SECONDS, default 20 per target),
#   4. a short run of the benchmark program, so it stays working.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/deploy/bootstrap.sh"
cd "$root"

echo "== release build and tests"
bash deploy/build.sh build
ctest --test-dir build --output-on-failure -j"$(nproc)"

echo "== AddressSanitizer + UBSan build and tests"
bash deploy/build.sh build-asan -DSTRATA_SANITIZE=ON -DSTRATA_BENCHMARKS=OFF
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j"$(nproc)"

echo "== fuzz targets"
CC=clang-16 CXX=clang++-16 bash deploy/build.sh build-fuzz -DSTRATA_FUZZ=ON -DSTRATA_SANITIZE=ON \
  -DSTRATA_TESTS=OFF -DSTRATA_BENCHMARKS=OFF
ctest --test-dir build-fuzz --output-on-failure -j"$(nproc)"

echo "== benchmark smoke run"
STRATA_BENCH_MB=16 build/tests/bench/strata_layer_bench --benchmark_min_time=0.01 >/dev/null
echo "all test stages passed"
