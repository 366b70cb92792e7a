#include "common/policy/filter.h"

#include <gtest/gtest.h>

namespace strata {
namespace {

Finding finding(std::string id, SeverityLevel level, std::optional<std::string> fixed) {
  Finding f;
  f.id = std::move(id);
  f.aliases = {"DSA-1"};
  f.severity = level;
  f.fixed_version = std::move(fixed);
  return f;
}

TEST(Policy, SeverityUnfixedAndIgnoreRules) {
  auto rules = parse_ignore_file("# accepted risks\nCVE-1 exp:2026-01-01\nCVE-2\n\nDSA-9   # by advisory\n", ".strataignore");
  ASSERT_TRUE(rules);
  ASSERT_EQ(rules->size(), 3u);
  Policy policy;
  policy.severities = *parse_severity_list("HIGH,CRITICAL");
  policy.ignore_unfixed = true;
  policy.ignores = *rules;
  policy.today = "2026-11-28";
  const auto result = apply_policy({finding("CVE-1", SeverityLevel::kCritical, "1.1"),  // rule expired: kept
                                    finding("CVE-2", SeverityLevel::kCritical, "1.1"),  // ignored
                                    finding("CVE-3", SeverityLevel::kLow, "1.1"),       // below the filter
                                    finding("CVE-4", SeverityLevel::kHigh, std::nullopt)},  // unfixed
                                   policy);
  ASSERT_EQ(result.kept.size(), 1u);
  EXPECT_EQ(result.kept[0].id, "CVE-1");
  EXPECT_EQ(result.ignored_by_rule, 1u);
  EXPECT_EQ(result.filtered_by_severity, 1u);
  EXPECT_EQ(result.filtered_unfixed, 1u);
}

TEST(Policy, BadInputNamesTheProblem) {
  EXPECT_EQ(parse_ignore_file("CVE-1 until tomorrow\n", "ign").error().message(),
            "ign:1: expected 'ID' or 'ID exp:YYYY-MM-DD'");
  EXPECT_NE(parse_severity_list("HIGH,SEVERE").error().message().find("unknown severity 'SEVERE'"), std::string::npos);
}

}  // namespace
}  // namespace strata
