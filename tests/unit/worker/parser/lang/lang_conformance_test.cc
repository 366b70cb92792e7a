// The language parsers against peers' real test inputs in ../shared/data/fixtures/lang, compared
// with what the peer's own test expects (expected*.tsv: file, name, version, …). Skips, saying
// so, where the shared data is absent. Deliberate differences are listed with their reason.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "common/bytes.h"
#include "tests/support/elf_builder.h"
#include "worker/parser/lang/lang_parsers.h"

namespace strata::worker {
namespace {

namespace fs = std::filesystem;
using Rows = std::set<std::pair<std::string, std::string>>;

const fs::path kLang = fs::path(STRATA_SOURCE_DIR) / ".." / "shared" / "data" / "fixtures" / "lang";

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// file (relative to the folder; syft's "testdata/" prefix dropped) → expected (name, version).
// Rows without a version (local directory dependencies) describe no matchable package.
std::map<std::string, Rows> expected(const fs::path& tsv) {
  std::map<std::string, Rows> out;
  std::istringstream in(slurp(tsv));
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::istringstream row(line);
    for (std::string cell; std::getline(row, cell, '\t');) cells.push_back(cell);
    if (cells.size() < 3 || cells[2].empty()) continue;
    std::string file = cells[0];
    if (file.starts_with("testdata/")) file = file.substr(9);
    out[file].emplace(cells[1], cells[2]);
  }
  return out;
}

using Parser = Result<ParsedPackages> (*)(const std::string& bytes, const std::string& path);

Rows parsed_rows(Parser parse, const fs::path& file) {
  const std::string bytes = slurp(file);
  auto parsed = parse(bytes, file.filename().string());
  EXPECT_TRUE(parsed) << file << ": " << parsed.error().message();
  Rows out;
  if (parsed) {
    for (const auto& p : parsed->packages) out.emplace(p.name, p.version);
  }
  return out;
}

struct Case {
  const char* folder;
  const char* tsv;
  Parser parse;
  // (file, name, version) rows the peer expects and strata deliberately does not produce.
  std::set<std::tuple<std::string, std::string, std::string>> not_produced = {};
};

#define TEXT_PARSER(fn) [](const std::string& b, const std::string& p) { return fn(b, p); }

const Case kCases[] = {
    {"python/trivy-packaging", "expected.trivy-test.tsv", TEXT_PARSER(parse_python_metadata)},
    {"npm/trivy-package-lock",
     "expected.trivy-test.tsv",
     TEXT_PARSER(parse_npm_lock),
     // A workspace member is the project's own source, linked into node_modules, not a
     // published package.
     {{"package-lock_v3_with_workspace.json", "nested_func", "1.0.0"}}},
    {"yarn/trivy", "expected.trivy-test.tsv", TEXT_PARSER(parse_yarn_lock)},
    {"pnpm/trivy", "expected.trivy-test.tsv", TEXT_PARSER(parse_pnpm_lock)},
    {"ruby/trivy-gemspec", "expected.trivy-test.tsv", TEXT_PARSER(parse_gemspec)},
    {"ruby/trivy-bundler", "expected.trivy-test.tsv", TEXT_PARSER(parse_gemfile_lock)},
    {"ruby/syft", "expected.Gemfile.lock.syft-test.tsv", TEXT_PARSER(parse_gemfile_lock)},
    {"ruby/syft", "expected.gemspec.syft-test.tsv", TEXT_PARSER(parse_gemspec)},
    {"rust/trivy-cargo", "expected.trivy-test.tsv", TEXT_PARSER(parse_cargo_lock)},
    {"rust/syft-cargo", "expected.syft-test.tsv", TEXT_PARSER(parse_cargo_lock)},
    {"php/trivy-composer", "expected.trivy-test.tsv", TEXT_PARSER(parse_composer)},
    // Not syft's composer.lock case: syft leaves "packages-dev" out where trivy (composer_happy
    // above) keeps them; strata keeps them as trivy does.
    {"dotnet/trivy-deps-json",
     "expected.trivy-test.tsv",
     TEXT_PARSER(parse_dotnet_deps),
     // The application's own projects are not NuGet packages: no advisory can name them.
     {{"happy.deps.json", "ExampleApp1", "1.0.0"},
      {"multi-project.deps.json", "Api", "1.0.0"},
      {"multi-project.deps.json", "Data", "1.0.0"},
      {"multi-project.deps.json", "Web", "1.0.0"},
      {"self-contained.deps.json", "ExampleApp1", "1.0.0"},
      {"without-runtime.deps.json", "hello2", "1.0.0"}}},
    {"dotnet/trivy-packages-lock", "expected.trivy-test.tsv", TEXT_PARSER(parse_dotnet_deps)},
    {"java/trivy-jars",
     "expected.trivy-test.tsv",
     [](const std::string& b, const std::string& p) { return parse_java_archive(as_bytes(b), p); },
     // Both come from trivy's test double for a Maven Central lookup by SHA-1 (the jars hold no
     // such identity); strata reports these jars as unidentified instead of guessing.
     {{"test.jar", "org.springframework:spring-core", "5.3.3"},
      {"heuristic-1.0.0-SNAPSHOT.jar", "com.example:heuristic", "1.0.0-SNAPSHOT"}}},
};

TEST(LanguageConformance, PeersExpectationsOnTheirOwnInputs) {
  if (!fs::is_directory(kLang)) GTEST_SKIP() << "shared data absent: " << kLang << " (language fixtures not checked)";
  std::size_t files = 0, rows = 0;
  for (const Case& c : kCases) {
    const fs::path folder = kLang / c.folder;
    for (auto [file, want] : expected(folder / c.tsv)) {
      // Nested jar rows ("outer.jar/META-INF/jars/inner.jar") belong to the outer file.
      const std::string outer = file.substr(0, file.find(".jar/") == std::string::npos ? file.size() : file.find(".jar/") + 4);
      if (outer != file) continue;
      SCOPED_TRACE(std::string(c.folder) + "/" + file);
      ASSERT_TRUE(fs::exists(folder / file)) << "listed but absent";
      for (const auto& [tsv_file, more] : expected(folder / c.tsv)) {
        if (tsv_file != file && tsv_file.starts_with(file + "/")) want.insert(more.begin(), more.end());
      }
      for (const auto& [f, name, version] : c.not_produced) {
        if (f == file) want.erase({name, version});
      }
      EXPECT_EQ(parsed_rows(c.parse, folder / file), want);
      ++files;
      rows += want.size();
    }
  }
  std::cout << "conformance: " << files << " files, " << rows << " expected packages\n";
  EXPECT_GE(files, 40u);
}

// claircore's real pom.properties and manifests from one application's lib/ (file name = the
// jar's name): put back into jars, each must be identified with the version its name carries,
// or, for manifests without identity, be reported as unidentified.
TEST(LanguageConformance, RealJarMetadata) {
  const fs::path dir = kLang / "java" / "claircore-jar-metadata";
  if (!fs::is_directory(dir)) GTEST_SKIP() << "shared data absent: " << dir;
  std::size_t identified = 0, unidentified = 0;
  for (const auto& e : fs::directory_iterator(dir / "properties")) {
    const std::string jar = e.path().filename().string();
    const auto zip = test::make_zip({{"META-INF/maven/x/y/pom.properties", slurp(e.path())}});
    const auto parsed = parse_java_archive(as_bytes(zip), "lib/" + jar);
    ASSERT_TRUE(parsed) << jar;
    ASSERT_EQ(parsed->packages.size(), 1u) << jar;
    // Shaded jars carry another artifact's pom.properties; the others are named after theirs.
    const Package& p = parsed->packages[0];
    const std::string artifact = p.name.substr(p.name.find(':') + 1);
    if (jar.starts_with(artifact + "-")) {
      EXPECT_EQ(jar.substr(artifact.size() + 1, p.version.size()), p.version) << jar;
    }
    ++identified;
  }
  EXPECT_EQ(identified, 49u);
  for (const auto& e : fs::directory_iterator(dir / "manifest")) {
    const std::string jar = e.path().filename().string();
    const auto zip = test::make_zip({{"META-INF/MANIFEST.MF", slurp(e.path())}});
    const auto parsed = parse_java_archive(as_bytes(zip), "lib/" + jar);
    ASSERT_TRUE(parsed) << jar;
    if (parsed->packages.empty()) {
      ASSERT_EQ(parsed->skipped.size(), 1u) << jar;
      ++unidentified;
    } else {
      ++identified;
    }
  }
  std::cout << "jar manifests: " << identified - 49 << " identified, " << unidentified << " unidentified of 64\n";
  EXPECT_EQ(identified - 49 + unidentified, 64u);
}

}  // namespace
}  // namespace strata::worker
