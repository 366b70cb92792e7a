// Every input a fuzzer ever crashed on (tests/fuzz/regressions/<target>/) replayed through the
// same entry points in the ordinary and sanitizer builds: each must now end in a value or an
// error, never a crash.
#include <gtest/gtest.h>

#include <filesystem>

#include "common/policy/vex.h"
#include "common/vulndb/feed_batch.h"
#include "common/vulndb/osv_json.h"
#include "tests/support/shared_data.h"
#include "worker/api/analyzer_registry.h"
#include "worker/layer/analyze_layer.h"
#include "worker/parser/apk_installed.h"
#include "worker/parser/dpkg_status.h"
#include "worker/parser/lang/lang_parsers.h"
#include "worker/parser/rpmdb.h"

namespace strata::worker {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> inputs(const std::string& target) {
  std::vector<std::string> out;
  const fs::path dir = fs::path(STRATA_SOURCE_DIR) / "tests/fuzz/regressions" / target;
  if (!fs::is_directory(dir)) return out;
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

// The feed target's inputs through every feed converter: each ends in records and skips.
TEST(FuzzRegressions, FeedConverters) {
  const auto files = inputs("feed");
  EXPECT_FALSE(files.empty());
  for (const auto& path : files) {
    SCOPED_TRACE(path);
    const std::string text = test::read_file(path);
    EXPECT_NO_THROW((void)convert_alpine_secdb(text, "main.json"));
    EXPECT_NO_THROW((void)convert_debian_tracker_json(text, "tracker.json"));
    EXPECT_NO_THROW((void)convert_debian_advisory_list(text, "DSA/list"));
    EXPECT_NO_THROW((void)parse_osv(text));
    EXPECT_NO_THROW((void)parse_openvex(text, "doc.vex.json"));
  }
}

// The language parsers' fuzz targets, each input through every parser its target runs.
TEST(FuzzRegressions, LanguageParsers) {
  std::size_t replayed = 0;
  for (const auto& path : inputs("lock_file")) {
    const std::string text = test::read_file(path);
    (void)parse_yarn_lock(text, "yarn.lock");
    (void)parse_pnpm_lock(text, "pnpm-lock.yaml");
    (void)parse_gemfile_lock(text, "Gemfile.lock");
    (void)parse_cargo_lock(text, "Cargo.lock");
    ++replayed;
  }
  for (const auto& path : inputs("package_json")) {
    const std::string text = test::read_file(path);
    (void)parse_package_json(text, "package.json");
    (void)parse_npm_lock(text, "package-lock.json");
    (void)parse_composer(text, "composer.lock");
    (void)parse_dotnet_deps(text, "x.deps.json");
    ++replayed;
  }
  for (const auto& path : inputs("python_metadata")) (void)parse_python_metadata(test::read_file(path), "METADATA"), ++replayed;
  for (const auto& path : inputs("gemspec")) (void)parse_gemspec(test::read_file(path), "x.gemspec"), ++replayed;
  for (const auto& path : inputs("elf_buildinfo")) {
    const std::string bytes = test::read_file(path);
    (void)parse_go_binary(as_bytes(bytes), "x");
    (void)parse_cargo_auditable(as_bytes(bytes), "x");
    ++replayed;
  }
  for (const auto& path : inputs("java_archive")) (void)parse_java_archive(as_bytes(test::read_file(path)), "x.jar"), ++replayed;
  EXPECT_GE(replayed, 1u);
}

}  // namespace
}  // namespace strata::worker
