#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine: install dependencies (Debian packages, and
# the browser tests' puppeteer-core from npm), then
#   1. the release build (warnings as errors) and every unit and end-to-end test,
#   2. the same tests under AddressSanitizer + UndefinedBehaviorSanitizer,
#   3. the libFuzzer targets (clang), each replaying its corpus and found crashes, then fuzzing
#      for a bounded time (STRATA_FUZZ_SECONDS, default 20 per target),
#   4. Release and Debug builds of the programs (compile only: every build type builds),
#   5. a short run of the benchmark program, so it stays working,
# with, after the release tests, deploy/demo.sh run end to end in a minimal Debian 12 root that
# tests/fresh/fresh_debian_demo.sh builds with debootstrap (label `fresh`).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/deploy/bootstrap.sh"
cd "$root"
# The dashboard's browser tests drive Debian's chromium with puppeteer-core, from the npm registry
# at the version package-lock.json pins.
npm ci --prefix tests/dashboard --no-audit --no-fund --loglevel=error

# Runs ctest in a build tree and adds its counts to the totals printed at the end.
passed=0 failed=0 skipped=0
run_ctest() {
  local log
  log=$(mktemp)
  local rc=0
  ctest --test-dir "$@" 2>&1 | tee "$log" || rc=$?
  local total fail skip
  total=$(sed -n 's/.*tests failed out of \([0-9]*\).*/\1/p' "$log" | tail -1)
  fail=$(sed -n 's/.*tests passed, \([0-9]*\) tests failed.*/\1/p' "$log" | tail -1)
  skip=$(grep -c '\*\*\*Skipped' "$log" || true)
  rm -f "$log"
  passed=$((passed + ${total:-0} - ${fail:-0} - skip))
  failed=$((failed + ${fail:-0}))
  skipped=$((skipped + skip))
  if [[ $rc -ne 0 || -z $total ]]; then
    echo "tests: $passed passed, $((failed > 0 ? failed : 1)) failed, $skipped skipped"
    exit 1
  fi
}

echo "== release build and tests"
bash deploy/build.sh build -DSTRATA_WERROR=ON
run_ctest build --output-on-failure -j"$(nproc)" -LE fresh

echo "== a fresh Debian 12 root: deploy/demo.sh end to end (STRATA_SKIP_FRESH_MACHINE=1 skips it)"
run_ctest build --output-on-failure -L fresh

echo "== AddressSanitizer + UBSan build and tests"
bash deploy/build.sh build-asan -DSTRATA_WERROR=ON -DSTRATA_SANITIZE=ON -DSTRATA_BENCHMARKS=OFF
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 LSAN_OPTIONS=suppressions=$root/tests/lsan.supp \
  run_ctest build-asan --output-on-failure -j"$(nproc)"

echo "== fuzz targets"
CC=clang-16 CXX=clang++-16 bash deploy/build.sh build-fuzz -DSTRATA_WERROR=ON -DSTRATA_FUZZ=ON -DSTRATA_SANITIZE=ON \
  -DSTRATA_TESTS=OFF -DSTRATA_BENCHMARKS=OFF
run_ctest build-fuzz --output-on-failure -j"$(nproc)"

# A packager's plain build types must build too (without -Werror, as a packager would): compiled,
# not tested, since the tests above ran on the same sources.
echo "== Release and Debug builds (compile only)"
for type in Release Debug; do
  bash deploy/build.sh "build-${type,,}" -DCMAKE_BUILD_TYPE=$type -DSTRATA_TESTS=OFF -DSTRATA_BENCHMARKS=OFF
done

echo "== benchmark smoke run"
STRATA_BENCH_MB=16 STRATA_BENCH_NODE_PACKAGES=200 build/tests/bench/strata_layer_bench --benchmark_min_time=0.01 >/dev/null
build/tests/bench/strata_dispatch_bench --benchmark_min_time=0.01 >/dev/null 2>&1
STRATA_BENCH_SECRET_MB=1 build/tests/bench/strata_secret_bench --benchmark_min_time=0.01 >/dev/null
STRATA_BENCH_MB=16 build/tests/bench/strata_registry_bench --benchmark_min_time=0.01 >/dev/null 2>&1
# A fleet of 300 images, its rescans and an interactive scan during one (skips without shared/).
STRATA_BENCH_RESCAN_IMAGES=300 build/tests/bench/strata_rescan_bench >/dev/null 2>&1 ||
  { echo "strata_rescan_bench failed: run it by hand to see why" >&2; exit 1; }
echo "tests: $passed passed, $failed failed, $skipped skipped"
