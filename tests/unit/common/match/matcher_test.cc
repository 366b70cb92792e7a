// OSV range evaluation, the distro-only rule and alias merging, on records the tests write and
// on real records from ../shared/data/feeds.
#include "common/match/matcher.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "common/vulndb/feed_batch.h"
#include "common/vulndb/osv_json.h"
#include "tests/support/shared_data.h"

namespace strata {
namespace {

class MemorySource final : public VulnerabilitySource {
 public:
  explicit MemorySource(std::vector<Vulnerability> records) : records_(std::move(records)) {}
  Result<std::vector<Vulnerability>> candidates(std::string_view, std::string_view) override { return records_; }

 private:
  std::vector<Vulnerability> records_;
};

Affected deb_affected(std::string package, std::vector<RangeEvent> events, std::string eco = "Debian:12") {
  return Affected{eco, package, {{AffectedRange::kEcosystem, std::move(events)}}, {}, ""};
}

AffectedVerdict verdict(const Affected& a, const char* version, Ecosystem scheme = Ecosystem::kDeb) {
  auto r = evaluate_affected(a, version, ecosystem_info(scheme).comparator());
  EXPECT_TRUE(r) << r.error().message();
  return r.value_or(AffectedVerdict{});
}

TEST(RangeEvaluation, IntroducedFixed) {
  const auto a = deb_affected("openssl", {{RangeEvent::kIntroduced, "0"}, {RangeEvent::kFixed, "3.0.11-1~deb12u1"}});
  EXPECT_TRUE(verdict(a, "3.0.9-1").affected);
  EXPECT_EQ(verdict(a, "3.0.9-1").fixed_version, "3.0.11-1~deb12u1");
  EXPECT_FALSE(verdict(a, "3.0.11-1~deb12u1").affected);
  EXPECT_FALSE(verdict(a, "3.0.11-1~deb12u2").affected);
}

TEST(RangeEvaluation, EventsInAnyOrderAndSeveralRanges) {
  // Two affected windows, events shuffled: [1.0, 1.2) and [2.0, 2.3).
  const Affected a{"PyPI", "x",
                   {{AffectedRange::kEcosystem,
                     {{RangeEvent::kFixed, "2.3"}, {RangeEvent::kIntroduced, "1.0"}, {RangeEvent::kFixed, "1.2"},
                      {RangeEvent::kIntroduced, "2.0"}}}},
                   {}, ""};
  for (const auto& [v, want] : std::map<std::string, bool>{
           {"0.9", false}, {"1.0", true}, {"1.1", true}, {"1.2", false}, {"1.9", false}, {"2.0", true},
           {"2.2.9", true}, {"2.3", false}, {"3.0", false}}) {
    EXPECT_EQ(verdict(a, v.c_str(), Ecosystem::kPypi).affected, want) << v;
  }
  EXPECT_EQ(verdict(a, "2.1", Ecosystem::kPypi).fixed_version, "2.3");
}

TEST(RangeEvaluation, LastAffectedLimitAndVersionsList) {
  const Affected last{"npm", "x", {{AffectedRange::kSemver, {{RangeEvent::kIntroduced, "1.0.0"}, {RangeEvent::kLastAffected, "1.4.2"}}}}, {}, ""};
  EXPECT_TRUE(verdict(last, "1.4.2", Ecosystem::kNpm).affected);
  EXPECT_FALSE(verdict(last, "1.4.3", Ecosystem::kNpm).affected);
  EXPECT_FALSE(verdict(last, "1.4.2", Ecosystem::kNpm).fixed_version.has_value());
  const Affected limited{"Go", "x", {{AffectedRange::kSemver, {{RangeEvent::kIntroduced, "0"}, {RangeEvent::kLimit, "2.0.0"}}}}, {}, ""};
  EXPECT_TRUE(verdict(limited, "1.9.9", Ecosystem::kGolang).affected);
  EXPECT_FALSE(verdict(limited, "2.0.0", Ecosystem::kGolang).affected);
  const Affected listed{"PyPI", "x", {}, {"1.0", "1.1"}, ""};
  EXPECT_TRUE(verdict(listed, "1.1", Ecosystem::kPypi).affected);
  EXPECT_TRUE(verdict(listed, "1.1.0", Ecosystem::kPypi).affected);  // equal under PEP 440
  EXPECT_FALSE(verdict(listed, "1.2", Ecosystem::kPypi).affected);
}

TEST(RangeEvaluation, UnfixedHasNoFixedVersion) {
  const auto a = deb_affected("zlib", {{RangeEvent::kIntroduced, "0"}});
  EXPECT_TRUE(verdict(a, "1:1.2.13.dfsg-1").affected);
  EXPECT_FALSE(verdict(a, "1:1.2.13.dfsg-1").fixed_version.has_value());
}

ImageView debian_image(std::vector<Package> packages, std::string ns = "Debian:12") {
  ImageView view;
  for (auto& p : packages) view.packages.push_back({std::move(p), "sha256:layer"});
  view.distro = Distro{"debian", "12", std::move(ns)};
  return view;
}

Package deb(std::string name, std::string source, std::string version) {
  return Package{Ecosystem::kDeb, name, version, source, version, "amd64", "var/lib/dpkg/status", {}};
}

// A comparator that refuses a version is a reason on the report, never silence: the error names
// the comparator's own words, for a range event and for a limit alike (a limit's error was dropped).
TEST(RangeEvaluation, AVersionTheComparatorRefusesIsAnErrorWithItsReason) {
  const Affected event{"npm", "x", {{AffectedRange::kSemver, {{RangeEvent::kIntroduced, "1.0.0"}, {RangeEvent::kFixed, "2.0.0"}}}}, {}, ""};
  auto refused = evaluate_affected(event, "not-a-version", ecosystem_info(Ecosystem::kNpm).comparator());
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message().find("version cannot be compared: "), std::string::npos) << refused.error().message();
  EXPECT_GT(refused.error().message().size(), std::string("version cannot be compared: ").size());
  const Affected limit{"npm", "x",
                       {{AffectedRange::kSemver, {{RangeEvent::kIntroduced, "0"}, {RangeEvent::kLimit, "not-a-version"}}}}, {}, ""};
  EXPECT_FALSE(evaluate_affected(limit, "1.0.0", ecosystem_info(Ecosystem::kNpm).comparator()));
}

TEST(Matcher, MatchesBySourcePackageOnlyInTheDistroFeedAndMergesAliases) {
  Vulnerability dsa{"DSA-5555-1", {"CVE-2023-0001", "CVE-2023-0002"}, "openssl update", "", false, {}, "",
                    {deb_affected("openssl", {{RangeEvent::kIntroduced, "0"}, {RangeEvent::kFixed, "3.0.11-1~deb12u2"}})}};
  Vulnerability tracker{"DEBIAN-CVE-2023-0001", {"CVE-2023-0001"}, "", "", false, {}, "", {deb_affected("openssl", {{RangeEvent::kIntroduced, "0"}, {RangeEvent::kFixed, "3.0.11-1~deb12u2"}})}};
  tracker.affected[0].severity = "high";
  // An upstream (PyPI) record for a package of the same name must not match a Debian package.
  Vulnerability upstream{"PYSEC-1", {"CVE-2023-9999"}, "", "", false, {}, "", {{"PyPI", "openssl", {{AffectedRange::kEcosystem, {{RangeEvent::kIntroduced, "0"}}}}, {}, ""}}};
  Vulnerability withdrawn = dsa;
  withdrawn.id = "DSA-0000-1";
  withdrawn.aliases = {"CVE-2020-0000"};
  withdrawn.withdrawn = true;
  Vulnerability other_release{"DSA-4000-1", {"CVE-2019-1"}, "", "", false, {}, "",
                              {deb_affected("openssl", {{RangeEvent::kIntroduced, "0"}, {RangeEvent::kFixed, "9.9"}}, "Debian:11")}};
  MemorySource source({dsa, tracker, upstream, withdrawn, other_release});
  const auto report = match_image(debian_image({deb("libssl3", "openssl", "3.0.9-1")}), source);
  ASSERT_EQ(report.findings.size(), 1u);
  const Finding& f = report.findings[0];
  EXPECT_EQ(f.id, "CVE-2023-0001");
  EXPECT_EQ(f.aliases, (std::vector<std::string>{"CVE-2023-0002", "DEBIAN-CVE-2023-0001", "DSA-5555-1"}));
  EXPECT_EQ(f.fixed_version, "3.0.11-1~deb12u2");
  EXPECT_EQ(f.severity, SeverityLevel::kHigh);
  EXPECT_EQ(f.severity_source, "debian");
  EXPECT_EQ(f.package.package.name, "libssl3");
}

TEST(Matcher, UbuntuLtsEcosystemsMatchTheImageRelease) {
  Vulnerability v{"UBUNTU-CVE-2024-1", {"CVE-2024-1"}, "", "", false,
                  {{"CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}, "",
                  {deb_affected("curl", {{RangeEvent::kIntroduced, "0"}, {RangeEvent::kFixed, "7.81.0-1ubuntu1.16"}}, "Ubuntu:22.04:LTS"),
                   deb_affected("curl", {{RangeEvent::kIntroduced, "0"}}, "Ubuntu:Pro:22.04:LTS")}};
  MemorySource source({v});
  auto view = debian_image({deb("curl", "curl", "7.81.0-1ubuntu1.15")}, "Ubuntu:22.04");
  const auto report = match_image(view, source);
  ASSERT_EQ(report.findings.size(), 1u);
  EXPECT_EQ(report.findings[0].fixed_version, "7.81.0-1ubuntu1.16");
  EXPECT_EQ(report.findings[0].severity, SeverityLevel::kCritical);
  EXPECT_EQ(report.findings[0].severity_source, "cvss_v3");
  EXPECT_DOUBLE_EQ(report.findings[0].cvss_score.value_or(0), 9.8);
}

TEST(Matcher, UnknownDistroIsAWarningNotSilence) {
  MemorySource source({});
  ImageView view = debian_image({deb("bash", "bash", "5.2")});
  view.distro.reset();
  const auto report = match_image(view, source);
  EXPECT_TRUE(report.findings.empty());
  ASSERT_EQ(report.warnings.size(), 1u);
  EXPECT_NE(report.warnings[0].find("1 OS packages were not matched"), std::string::npos);
}

TEST(OsvJson, RoundTripsThroughTheStoredForm) {
  Vulnerability v{"GHSA-x", {"CVE-1"}, "s", "2024-01-01T00:00:00Z", false, {{"CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}, "HIGH",
                  {{"PyPI", "django", {{AffectedRange::kEcosystem, {{RangeEvent::kIntroduced, "0"}, {RangeEvent::kLastAffected, "4.2"}, {RangeEvent::kLimit, "5"}}}}, {"4.1"}, "low"}}};
  auto back = parse_osv(to_osv_json(v));
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(*back, v);
}

TEST(OsvJson, MalformedRecordsNameTheProblem) {
  EXPECT_EQ(parse_osv("{").error().message(), "not valid JSON");
  EXPECT_EQ(parse_osv("{\"affected\": []}").error().message(), "record has no id");
  EXPECT_NE(parse_osv(R"({"id":"X","affected":[{"ranges":[]}]})").error().message().find("affected[0] has no package"),
            std::string::npos);
  EXPECT_NE(parse_osv(R"({"id":"X","affected":[{"package":{"ecosystem":"PyPI","name":"a"},"ranges":[{"type":"ECOSYSTEM","events":[{"bogus":"1"}]}]}]})")
                .error()
                .message()
                .find("unknown kind 'bogus'"),
            std::string::npos);
}

TEST(FeedConversion, AlpineSecdbAndDebianLists) {
  const auto alpine = convert_alpine_secdb(R"({"distroversion":"v3.18","packages":[
      {"pkg":{"name":"openssl","secfixes":{"3.1.4-r0":["CVE-2023-5363"],"0":["CVE-2000-1"]}}},
      {"pkg":{"name":"broken"}}]})", "main.json");
  ASSERT_EQ(alpine.records.size(), 1u);
  EXPECT_EQ(alpine.records[0].id, "ALPINE-CVE-2023-5363");
  EXPECT_EQ(alpine.records[0].affected[0].ecosystem, "Alpine:v3.18");
  EXPECT_EQ(alpine.skipped, std::vector<std::string>{"main.json: packages[1]: no name or secfixes"});

  const auto dsa = convert_debian_advisory_list(
      "[29 Mar 2023] DSA-5380-1 xorg-server - security update\n\t{CVE-2023-1393}\n"
      "\t[bullseye] - xorg-server 2:1.20.11-1+deb11u6\n\t[buster] - xorg-server <not-affected>\n"
      "[28 Mar 2023] DSA-5379-1 foo - security update\n\t[bookworm] - foo <unfixed>\n", "DSA/list");
  ASSERT_EQ(dsa.records.size(), 2u);
  EXPECT_EQ(dsa.records[0].aliases, std::vector<std::string>{"CVE-2023-1393"});
  EXPECT_EQ(dsa.records[0].affected.size(), 1u);
  EXPECT_EQ(dsa.records[0].affected[0].ranges[0].events.back().version, "2:1.20.11-1+deb11u6");
  EXPECT_EQ(dsa.records[1].affected[0].ranges[0].events.size(), 1u);  // unfixed: introduced only
}

// Issue 14, defect 1: fields of the wrong JSON type threw from nlohmann's value() and aborted the
// whole import (exit 134); now the file or the entry is skipped, counted and named.
TEST(FeedConversion, FieldsOfTheWrongTypeAreSkippedAndNamed) {
  FeedBatch alpine;
  ASSERT_NO_THROW(alpine = convert_alpine_secdb(
                      R"({"distroversion":[{"p'g":{"name":"openssl","secfixes":{"3.1.4-r0":["CVE-2023-5363"]}}}]})",
                      "main.json"));
  EXPECT_TRUE(alpine.records.empty());
  EXPECT_EQ(alpine.skipped, std::vector<std::string>{
                                "main.json: \"distroversion\" is an array, not a string; the whole file was skipped"});
  ASSERT_NO_THROW(alpine = convert_alpine_secdb(R"({"distroversion":"v3.18","packages":[
      {"pkg":{"name":7,"secfixes":{"1-r0":["CVE-2000-1"]}}},
      {"pkg":{"name":"zlib","secfixes":{"1.3-r2":["CVE-2023-45853"]}}}]})", "main.json"));
  ASSERT_EQ(alpine.records.size(), 1u);
  EXPECT_EQ(alpine.skipped, std::vector<std::string>{"main.json: packages[0].pkg: \"name\" is a number, not a string"});

  FeedBatch tracker;
  ASSERT_NO_THROW(tracker = convert_debian_tracker_json(R"({"openssl":{
      "CVE-2023-1":{"description":5,"releases":{"bookworm":{"status":["resolved"],"fixed_version":"3.0.9-1"}}},
      "CVE-2023-2":{"description":"d","releases":{"bookworm":{"status":"resolved","fixed_version":"3.0.9-1","urgency":"low"}}}}})",
                                                          "tracker.json"));
  ASSERT_EQ(tracker.records.size(), 1u);
  EXPECT_EQ(tracker.records[0].id, "DEBIAN-CVE-2023-2");
  EXPECT_EQ(tracker.skipped, std::vector<std::string>{
                                 "tracker.json: openssl CVE-2023-1 bookworm: \"status\" is an array, not a string"});
}

TEST(FeedConformance, RealFeedsConvertAndMatch) {
  STRATA_REQUIRE_SHARED_DATA();
  const std::string feeds = test::shared_data_dir() + "/feeds/";
  const auto dsa = convert_debian_advisory_list(test::read_file(feeds + "debian-security-tracker/DSA-list.txt"), "DSA");
  const auto dla = convert_debian_advisory_list(test::read_file(feeds + "debian-security-tracker/DLA-list.txt"), "DLA");
  EXPECT_GT(dsa.records.size(), 5000u);  // 5406 advisories, some with no release lines
  EXPECT_GT(dla.records.size(), 3400u);
  // Every OSV record of the Go feed parses.
  std::size_t go = 0;
  for (const auto& e : std::filesystem::directory_iterator(feeds + "osv/go")) {
    auto v = parse_osv(test::read_file(e.path().string()));
    ASSERT_TRUE(v) << e.path() << ": " << v.error().message();
    ++go;
  }
  EXPECT_EQ(go, 1415u);
  // A real Ubuntu record: netty in 16.04 (Pro) is fixed in 1:4.0.34-1ubuntu0.1~esm2.
  auto ubuntu = parse_osv(test::read_file(feeds + "osv/ubuntu/UBUNTU-CVE-2022-24823.json"));
  ASSERT_TRUE(ubuntu);
  const auto& xenial = ubuntu->affected[1];
  EXPECT_EQ(xenial.ecosystem, "Ubuntu:Pro:16.04:LTS");
  EXPECT_TRUE(verdict(xenial, "1:4.0.34-1").affected);
  EXPECT_FALSE(verdict(xenial, "1:4.0.34-1ubuntu0.1~esm2").affected);
  // Real records of each range shape, evaluated with their ecosystems' comparators.
  struct RealCase {
    const char* file;
    Ecosystem scheme;
    const char* version;
    bool affected;
    const char* fixed;  // "" when not affected or unfixed
  };
  for (const RealCase& c : std::vector<RealCase>{
           // Go, three SEMVER windows: [0,1.27.3) [1.28.0,1.28.3) [1.29.0,1.29.1)
           {"osv/go/GO-2024-2458.json", Ecosystem::kGolang, "1.27.2", true, "1.27.3"},
           {"osv/go/GO-2024-2458.json", Ecosystem::kGolang, "1.27.9", false, ""},
           {"osv/go/GO-2024-2458.json", Ecosystem::kGolang, "v1.28.1", true, "1.28.3"},
           {"osv/go/GO-2024-2458.json", Ecosystem::kGolang, "1.29.1", false, ""},
           // crates.io with pre-release lower bounds ("0.4.0-0")
           {"osv/crates.io/RUSTSEC-2024-0003.json", Ecosystem::kNpm, "0.4.1", true, "0.4.2"},
           {"osv/crates.io/RUSTSEC-2024-0003.json", Ecosystem::kNpm, "0.3.24", false, ""},
           // PyPI ECOSYSTEM range starting above 0, with an explicit versions list
           {"osv/pypi/PYSEC-2023-1.json", Ecosystem::kPypi, "2.1.0", false, ""},
           {"osv/pypi/PYSEC-2023-1.json", Ecosystem::kPypi, "7.0.0", true, "7.1.0"},
           // Maven (GHSA), with a large enumerated versions list
           {"osv/ghsa-maven/GHSA-2268-98wh-qfhf.json", Ecosystem::kMaven, "3.24.1", true, "3.25.0"},
           {"osv/ghsa-maven/GHSA-2268-98wh-qfhf.json", Ecosystem::kMaven, "3.25.0", false, ""},
       }) {
    SCOPED_TRACE(std::string(c.file) + " " + c.version);
    auto record = parse_osv(test::read_file(feeds + c.file));
    ASSERT_TRUE(record) << record.error().message();
    const auto got = verdict(record->affected[0], c.version, c.scheme);
    EXPECT_EQ(got.affected, c.affected);
    EXPECT_EQ(got.fixed_version.value_or(""), c.fixed);
  }
  // The invalid samples are rejected with a reason, the valid ones accepted.
  for (const auto& e : std::filesystem::directory_iterator(feeds + "osv/samples/valid")) {
    EXPECT_TRUE(parse_osv(test::read_file(e.path().string()))) << e.path();
  }
}

}  // namespace
}  // namespace strata
