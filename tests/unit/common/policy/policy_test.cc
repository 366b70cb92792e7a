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

namespace strata {
namespace {

TEST(OpenVex, ParsesStatementsOfBothSpecVersions) {
  auto st = parse_openvex(R"({"@context":"https://openvex.dev/ns/v0.2.0","statements":[
      {"vulnerability":{"name":"CVE-1","aliases":["DSA-1"]},"products":[{"@id":"pkg:deb/debian/openssl",
       "subcomponents":[{"@id":"pkg:deb/debian/libssl3@3.0.9-1"}]}],"status":"not_affected",
       "justification":"vulnerable_code_not_in_execute_path"},
      {"vulnerability":"CVE-2","products":["oci:img"],"status":"affected"}]})", "a.vex.json");
  ASSERT_TRUE(st) << st.error().message();
  ASSERT_EQ(st->size(), 2u);
  EXPECT_EQ((*st)[0].vulnerabilities, (std::vector<std::string>{"CVE-1", "DSA-1"}));
  EXPECT_EQ((*st)[0].products.size(), 2u);
  EXPECT_EQ((*st)[1].vulnerabilities, std::vector<std::string>{"CVE-2"});
  EXPECT_EQ(parse_openvex(R"({"statements":[]})", "x.json").error().message(),
            "x.json: not an OpenVEX document (no openvex @context)");
  EXPECT_NE(parse_openvex(R"({"@context":"https://openvex.dev/ns","statements":[{"status":"fixed"}]})", "y")
                .error()
                .message()
                .find("statements[0] names no vulnerability"),
            std::string::npos);
}

TEST(OpenVex, ProductMatching) {
  const std::string purl = "pkg:deb/debian/libssl3@3.0.9-1?arch=amd64&distro=debian-12";
  EXPECT_TRUE(vex_product_matches("pkg:deb/debian/libssl3", purl, "oci:x", ""));
  EXPECT_TRUE(vex_product_matches("pkg:deb/debian/libssl3@3.0.9-1", purl, "oci:x", ""));
  EXPECT_FALSE(vex_product_matches("pkg:deb/debian/libssl3@3.0.8-1", purl, "oci:x", ""));
  EXPECT_FALSE(vex_product_matches("pkg:deb/debian/libssl", purl, "oci:x", ""));
  EXPECT_TRUE(vex_product_matches("oci:x", purl, "oci:x", ""));
  EXPECT_TRUE(vex_product_matches("sha256:abc", purl, "oci:x", "sha256:abc"));
}

TEST(OpenVex, NotAffectedSuppressesAndIsCounted) {
  Finding f;
  f.id = "CVE-1";
  f.aliases = {"DSA-1"};
  f.severity = SeverityLevel::kHigh;
  f.package.package = Package{Ecosystem::kDeb, "libssl3", "3.0.9-1", "openssl", "3.0.9-1", "amd64", "", {}};
  Finding other = f;
  other.id = "CVE-2";
  other.aliases = {};
  Policy policy;
  policy.vex = {{{"DSA-1"}, {"pkg:deb/debian/libssl3"}, "not_affected", "component_not_present"},
                {{"CVE-2"}, {}, "under_investigation", ""}};
  const auto result = apply_policy({f, other}, policy);
  ASSERT_EQ(result.kept.size(), 1u);
  EXPECT_EQ(result.kept[0].id, "CVE-2");
  EXPECT_EQ(result.suppressed_by_vex, 1u);
  EXPECT_EQ(result.vex_justifications.at("component_not_present"), 1u);
}

}  // namespace
}  // namespace strata
