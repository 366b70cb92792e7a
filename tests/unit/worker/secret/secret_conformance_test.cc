// The secret engine on a real public rule set: gitleaks' 222 default rules (Go RE2 syntax,
// POSIX classes, named groups, per-rule allowlists) load and compile, and fire or stay quiet on
// the labelled examples gitleaks validates its rules with. Skips, saying so, when the shared
// data is absent.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/support/shared_data.h"
#include "worker/api/secret_rules.h"
#include "worker/api/secret_scanner.h"

namespace strata::worker {
namespace {

namespace fs = std::filesystem;

TEST(SecretConformance, GitleaksRulesLoadCompileAndFireOnTheirExamples) {
  const fs::path dir = fs::path(test::shared_data_dir()) / "secrets" / "gitleaks";
  if (!fs::is_directory(dir)) GTEST_SKIP() << "shared data absent: " << dir << " (gitleaks rules not checked)";
  auto rules = load_secret_rules((dir / "gitleaks.toml").string());
  ASSERT_TRUE(rules) << rules.error().message();
  EXPECT_EQ(rules->rules.size(), 222u);
  EXPECT_TRUE(rules->skipped.empty());
  auto scanner = SecretScanner::compile(*rules);
  ASSERT_TRUE(scanner) << scanner.error().message();
  for (const auto& s : (*scanner)->skipped()) ADD_FAILURE() << "not compiled: " << s;
  EXPECT_EQ((*scanner)->rule_count(), 222u);

  std::map<std::string, const SecretRule*> by_id;
  for (const auto& r : rules->rules) by_id[r.id] = &r;
  std::size_t checked = 0, agreed = 0, tp = 0, fp = 0;
  std::istringstream lines(test::read_file((dir / "rule-examples.jsonl").string()));
  for (std::string line; std::getline(lines, line);) {
    const auto example = nlohmann::json::parse(line);
    const std::string id = example["rule_id"];
    if (!by_id.contains(id)) continue;  // an example for a rule the default config does not have
    const bool want = example["expect"] == "match";
    // A rule limited to some paths is shown its examples under a path it accepts.
    const std::string path = by_id[id]->path.empty() ? "example.txt" : "";
    bool got = false;
    for (const auto& hit : (*scanner)->scan(path.empty() ? "config.php" : path, example["text"].get<std::string>())) {
      got = got || hit.rule_id == id;
    }
    ++checked;
    if (got == want) {
      ++agreed;
    } else {
      ADD_FAILURE() << id << (want ? " missed: " : " fired on: ") << example["text"].get<std::string>().substr(0, 200);
    }
    (want ? tp : fp) += 1;
  }
  std::cout << "gitleaks examples: " << agreed << " of " << checked << " agree (" << tp << " true, " << fp
            << " false positives)\n";
  EXPECT_GE(checked, 370u);
}

}  // namespace
}  // namespace strata::worker
