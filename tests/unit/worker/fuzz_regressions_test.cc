// Every input a fuzzer ever crashed on (tests/fuzz/regressions/<target>/) replayed through the
// same entry points in the ordinary and sanitizer builds: each must now end in a value or an
// error, never a crash.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/shared_data.h"
#include "worker/analyzer/registry.h"
#include "worker/layer/analyze_layer.h"
#include "worker/parser/apk_installed.h"
#include "worker/parser/dpkg_status.h"
#include "worker/parser/rpmdb.h"

namespace strata::worker {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> inputs(const std::string& target) {
  std::vector<std::string> out;
  const fs::path dir = fs::path(STRATA_SOURCE_DIR) / "tests/fuzz/regressions" / target;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().filename() != ".keep") out.push_back(e.path().string());
  }
  return out;
}

TEST(FuzzRegressions, RpmdbInputsFailCleanly) {
  const auto files = inputs("rpmdb");
  EXPECT_FALSE(files.empty());
  for (const auto& path : files) {
    SCOPED_TRACE(path);
    const std::string bytes = test::read_file(path);
    auto parsed = parse_rpmdb(as_bytes(bytes), "var/lib/rpm/Packages");
    if (!parsed) {
      EXPECT_TRUE(parsed.error().message().starts_with("var/lib/rpm/Packages: ")) << parsed.error().message();
    }
  }
}

TEST(FuzzRegressions, TextParsersAndLayerWalk) {
  const AnalyzerRegistry registry = builtin_analyzers();
  for (const auto& path : inputs("dpkg")) {
    (void)parse_dpkg_status(test::read_file(path), "status", DpkgDatabase::kStatus);
  }
  for (const auto& path : inputs("apk")) (void)parse_apk_installed(test::read_file(path), "installed");
  for (const auto& path : inputs("tar_walk")) {
    const std::string bytes = test::read_file(path);
    MemorySource source(as_bytes(bytes));
    auto layer = analyze_layer(source, {}, registry, {});
    if (!layer) {
      EXPECT_FALSE(layer.error().message().empty());
    }
  }
}

}  // namespace
}  // namespace strata::worker
