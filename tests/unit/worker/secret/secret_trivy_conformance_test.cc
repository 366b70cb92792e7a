// The built-in secret rules on another scanner's secret test inputs: trivy's scanner tests, run
// with its built-in rules, expect findings on given lines of given files (and none in its
// look-alike files). Rule ids differ between the two rule sets, so agreement is by line. The
// differences that remain are deliberate and listed here; anything else fails. Skips, saying so,
// when the shared data is absent.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "tests/support/shared_data.h"
#include "worker/analyzer/builtin.h"
#include "worker/api/secret_scanner.h"

namespace strata::worker {
namespace {

namespace fs = std::filesystem;

using Lines = std::set<std::uint32_t>;

struct Difference {
  Lines only_trivy;
  Lines only_strata;
  const char* why;
};

const std::map<std::string, Difference>& known_differences() {
  static const std::map<std::string, Difference> known = {
      {"aws-secrets.txt", {{5}, {}, "a 40-character run of 'KEY' has too little entropy to be a secret key"}},
      {"symfony-secret.yaml", {{2}, {}, "Symfony's documented default value; an identifier-like word is not a credential"}},
      {"wrapped-secrets-sensitive.txt", {{2}, {}, "a github_pat_ glued to a preceding word is not taken as a token"}},
      {"asymmetric-private-key.txt", {{9}, {}, "a 32-character key body is shorter than any real private key"}},
      {"github-app-token.txt", {{1}, {}, "the test token spells out 'dummy': placeholders are allowlisted"}},
      {"example-secret.txt", {{}, {1}, "trivy skips every path containing 'example'; the bytes are in the image all the same"}},
  };
  return known;
}

TEST(SecretConformance, TrivyScannerTestInputsAgreeByLine) {
  const fs::path dir = fs::path(test::shared_data_dir()) / "secrets" / "trivy-secret-testdata";
  if (!fs::is_directory(dir)) GTEST_SKIP() << "shared data absent: " << dir << " (trivy's secret inputs not checked)";
  const auto cases = nlohmann::json::parse(test::read_file((dir / "expected.trivy-scanner-test.json").string()));
  const auto scanner = builtin_secret_scanner();
  ASSERT_NE(scanner, nullptr);

  std::set<std::string> done;
  std::size_t files = 0, agreed = 0, trivy_lines = 0, shared_lines = 0;
  for (const auto& c : cases) {
    const std::string config = c["config"];
    const std::string input = fs::path(c["input"].get<std::string>()).filename().string();
    // Built-in rules only: "skip-test.yaml" only turns off trivy's test-path allow rule, and
    // "config.yaml" adds custom rules whose input is secret.txt.
    const bool builtin = config.ends_with("/skip-test.yaml") || (config.ends_with("/config.yaml") && input != "secret.txt");
    if (!builtin || c.contains("unresolved_vars") || c.contains("input_not_included") || !done.insert(input).second) continue;
    if (c.contains("note") && c["note"].get<std::string>().find("inline") != std::string::npos) continue;
    const fs::path file = dir / input;
    ASSERT_TRUE(fs::exists(file)) << file;
    Lines want, got;
    for (const auto& f : c["expected_findings"]) want.insert(f["start_line"].get<std::uint32_t>());
    // Under an application directory, as a file in an image would be.
    for (const auto& hit : scanner->scan("app/" + input, test::read_file(file.string()))) got.insert(hit.line);
    Lines only_trivy, only_strata;
    std::set_difference(want.begin(), want.end(), got.begin(), got.end(), std::inserter(only_trivy, only_trivy.end()));
    std::set_difference(got.begin(), got.end(), want.begin(), want.end(), std::inserter(only_strata, only_strata.end()));
    ++files;
    trivy_lines += want.size();
    shared_lines += want.size() - only_trivy.size();
    const auto known = known_differences().find(input);
    if (only_trivy.empty() && only_strata.empty()) {
      ++agreed;
      EXPECT_TRUE(known == known_differences().end()) << input << " now agrees; drop it from the known differences";
      continue;
    }
    ASSERT_TRUE(known != known_differences().end()) << input << ": lines only trivy finds: " << only_trivy.size()
                                                 << ", only strata: " << only_strata.size();
    EXPECT_EQ(only_trivy, known->second.only_trivy) << input;
    EXPECT_EQ(only_strata, known->second.only_strata) << input;
  }
  std::cout << "trivy secret inputs: " << agreed << " of " << files << " files agree line for line; " << shared_lines
            << " of " << trivy_lines << " expected lines found\n";
  EXPECT_GE(files, 30u);
}

}  // namespace
}  // namespace strata::worker
