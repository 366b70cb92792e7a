// GET /v1/findings in process, over real sockets and the fixture's PostgreSQL: each filter alone,
// pages walked by cursor in one stable order, the CSV export (by parameter and by Accept) equal to
// the pages, bad parameters refused by name, and what another tenant reaches with the same names,
// aliases, labels, digests and cursors: nothing.
#include <httplib.h>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/report/report_document.h"
#include "tests/unit/coordinator/api/api_fixture.h"

namespace strata::coordinator::test_store {
namespace {

using Json = nlohmann::json;

std::string digest_of(char c) { return "sha256:" + std::string(64, c); }

Finding make(const std::string& id, const std::string& package, Ecosystem ecosystem, SeverityLevel severity,
             std::optional<std::string> fixed, std::vector<std::string> aliases) {
  Finding f = finding(id, package);
  f.package.package.ecosystem = ecosystem;
  f.severity = severity;
  f.fixed_version = std::move(fixed);
  f.aliases = std::move(aliases);
  return f;
}

class FindingRoutes : public ApiTest {
 protected:
  void store(TenantId tenant, const std::string& ref, const std::string& digest, std::vector<Finding> kept,
             const std::map<std::string, std::string>& labels = {}) {
    ScanReport report;
    report.inventory.ref = ref;
    report.inventory.digest = digest;
    report.inventory.view.distro = Distro{"debian", "12", "Debian:12"};
    for (const Finding& f : kept) report.inventory.view.packages.push_back(f.package);
    report.result.kept = std::move(kept);
    report.db = {3, "2026-12-01T00:00:00Z"};
    auto scan = scans_->create_scan(tenant, Priority::kBulk, {ref}, {}, {}, labels);
    ASSERT_TRUE(scan) << scan.error().message();
    auto done = scans_->image_done(tenant, *scan, 0, {&report, encode_report_document(report)});
    ASSERT_TRUE(done) << done.error().message();
  }

  // The owner's fleet: two tags of one repository and an image pinned by digest; and another
  // tenant with the same repository name, vulnerability, alias and label.
  void SetUp() override {
    ApiTest::SetUp();
    store(tenant_.id, "registry.example/app:1", digest_of('1'),
          {make("CVE-2024-1", "openssl", Ecosystem::kDeb, SeverityLevel::kHigh, "1.1", {"DSA-1"}),
           make("GHSA-aaaa-bbbb-cccc", "requests", Ecosystem::kPypi, SeverityLevel::kCritical, std::nullopt,
                {"CVE-2024-2"}),
           make("CVE-2024-3", "zlib", Ecosystem::kDeb, SeverityLevel::kLow, std::nullopt, {})},
          {{"team", "payments"}, {"namespace", "prod"}});
    store(tenant_.id, "registry.example/app:2", digest_of('2'),
          {make("CVE-2024-1", "openssl", Ecosystem::kDeb, SeverityLevel::kHigh, "1.1", {"DSA-1"}),
           make("CVE-2024-4", "lodash", Ecosystem::kNpm, SeverityLevel::kMedium, "4.17.21", {})},
          {{"team", "search"}});
    auto other = tenants_->create("other");
    ASSERT_TRUE(other);
    other_ = *other;
    store(other_.id, "registry.example/app:1", digest_of('9'),
          {make("CVE-2024-1", "openssl", Ecosystem::kDeb, SeverityLevel::kHigh, "1.1", {"DSA-1"})},
          {{"team", "payments"}});
  }

  Json get(const std::string& query, const std::string& key = "") {
    const auto answer = test::http_get(base_ + "/v1/findings" + query, key.empty() ? tenant_.key : key);
    EXPECT_EQ(answer.status, 200) << query << ": " << answer.body;
    return Json::parse(answer.body, nullptr, false);
  }
  // "vulnerability@image-digest's-first-char" for each finding the query returns, in order.
  std::vector<std::string> found(const std::string& query, const std::string& key = "") {
    std::vector<std::string> out;
    const Json page = get(query, key);
    for (const auto& f : page["findings"]) {
      out.push_back(f["vulnerability"]["id"].get<std::string>() + "@" +
                    f["image"]["digest"].get<std::string>().substr(7, 1));
    }
    return out;
  }
  using List = std::vector<std::string>;
  NewTenant other_;
};

TEST_F(FindingRoutes, EachFilterNarrowsTheTenantsOpenFindings) {
  const List all{"CVE-2024-1@1", "CVE-2024-1@2", "CVE-2024-3@1", "CVE-2024-4@2", "GHSA-aaaa-bbbb-cccc@1"};
  EXPECT_EQ(found(""), all);
  // By id or by any alias, whichever the matcher chose as the finding's id.
  EXPECT_EQ(found("?vulnerability=CVE-2024-2"), List{"GHSA-aaaa-bbbb-cccc@1"});
  EXPECT_EQ(found("?vulnerability=GHSA-aaaa-bbbb-cccc"), List{"GHSA-aaaa-bbbb-cccc@1"});
  EXPECT_EQ(found("?vulnerability=DSA-1"), (List{"CVE-2024-1@1", "CVE-2024-1@2"}));
  EXPECT_EQ(found("?vulnerability=CVE-2099-1"), List{});
  EXPECT_EQ(found("?severity=high"), (List{"CVE-2024-1@1", "CVE-2024-1@2", "GHSA-aaaa-bbbb-cccc@1"}));
  EXPECT_EQ(found("?severity=CRITICAL"), List{"GHSA-aaaa-bbbb-cccc@1"});
  EXPECT_EQ(found("?fixable=true"), (List{"CVE-2024-1@1", "CVE-2024-1@2", "CVE-2024-4@2"}));
  EXPECT_EQ(found("?fixable=false"), (List{"CVE-2024-3@1", "GHSA-aaaa-bbbb-cccc@1"}));
  EXPECT_EQ(found("?package=openssl"), (List{"CVE-2024-1@1", "CVE-2024-1@2"}));
  EXPECT_EQ(found("?ecosystem=npm"), List{"CVE-2024-4@2"});
  EXPECT_EQ(found("?ecosystem=PyPI"), List{"GHSA-aaaa-bbbb-cccc@1"});  // a name people use
  EXPECT_EQ(found("?repository=registry.example/app"), all);
  EXPECT_EQ(found("?tag=2"), (List{"CVE-2024-1@2", "CVE-2024-4@2"}));
  EXPECT_EQ(found("?repository=registry.example/app&tag=1"),
            (List{"CVE-2024-1@1", "CVE-2024-3@1", "GHSA-aaaa-bbbb-cccc@1"}));
  EXPECT_EQ(found("?label=team=payments"), (List{"CVE-2024-1@1", "CVE-2024-3@1", "GHSA-aaaa-bbbb-cccc@1"}));
  EXPECT_EQ(found("?label=team"), all);
  EXPECT_EQ(found("?label=namespace=prod&severity=critical"), List{"GHSA-aaaa-bbbb-cccc@1"});
  EXPECT_EQ(found("?image=" + digest_of('2')), (List{"CVE-2024-1@2", "CVE-2024-4@2"}));
  EXPECT_EQ(found("?first_seen_before=2000-01-01"), List{});
  EXPECT_EQ(found("?first_seen_after=2000-01-01T00:00:00Z"), all);
  EXPECT_EQ(found("?first_seen_after=2000-01-01T00:00:00.5%2B01:00"), all);
  EXPECT_EQ(found("?first_seen_before=2999-12-31%2023:59:59z"), all);
  EXPECT_EQ(found("?state=resolved"), List{});
  EXPECT_EQ(found("?state=all"), all);

  const Json page = get("?vulnerability=DSA-1&image=" + digest_of('1'));
  ASSERT_EQ(page["findings"].size(), 1u);
  const Json& f = page["findings"][0];
  EXPECT_EQ(f["image"]["refs"], Json::array({"registry.example/app:1"}));
  EXPECT_EQ(f["vulnerability"]["aliases"], Json::array({"DSA-1"}));
  EXPECT_EQ(f["package"]["ecosystem"], "deb");
  EXPECT_EQ(f["fixed_version"], "1.1");
  EXPECT_EQ(f["severity"], "HIGH");
  EXPECT_TRUE(f["resolved_at"].is_null());
  EXPECT_EQ(page["next"], nullptr);
}

TEST_F(FindingRoutes, PagesFollowTheCursorInOneStableOrder) {
  std::vector<std::string> walked;
  std::string query = "?limit=2";
  for (int pages = 0; pages < 10; ++pages) {
    const Json page = get(query);
    for (const auto& f : page["findings"]) {
      walked.push_back(f["vulnerability"]["id"].get<std::string>() + "@" +
                       f["image"]["digest"].get<std::string>().substr(7, 1));
    }
    if (page["next"].is_null()) break;
    EXPECT_EQ(page["findings"].size(), 2u);
    query = "?limit=2&cursor=" + page["next"].get<std::string>();
  }
  EXPECT_EQ(walked, found(""));
}

TEST_F(FindingRoutes, TheCsvExportHoldsTheRowsThePagesHold) {
  const auto csv = test::http_get(base_ + "/v1/findings?format=csv&fixable=true", tenant_.key);
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.headers.at("content-type"), "text/csv");
  std::vector<std::string> lines;
  for (std::size_t at = 0; at < csv.body.size();) {
    const std::size_t end = csv.body.find("\r\n", at);
    ASSERT_NE(end, std::string::npos) << csv.body;
    lines.push_back(csv.body.substr(at, end - at));
    at = end + 2;
  }
  ASSERT_EQ(lines.size(), 4u) << csv.body;
  EXPECT_TRUE(lines[0].starts_with("image,refs,vulnerability,aliases,severity")) << lines[0];
  const Json page = get("?fixable=true");
  for (std::size_t i = 0; i < 3; ++i) {
    const Json& f = page["findings"][i];
    EXPECT_TRUE(lines[i + 1].starts_with(f["image"]["digest"].get<std::string>() + "," +
                                         f["image"]["refs"][0].get<std::string>() + "," +
                                         f["vulnerability"]["id"].get<std::string>() + ","))
        << lines[i + 1];
  }
  // By Accept, with a limit that caps the export.
  httplib::Client client(base_);
  auto answer = client.Get("/v1/findings?limit=2",
                           {{"Authorization", "Bearer " + tenant_.key}, {"Accept", "text/csv"}});
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(std::count(answer->body.begin(), answer->body.end(), '\n'), 3) << answer->body;
}

TEST_F(FindingRoutes, ACellASpreadsheetWouldRunIsExportedAsText) {
  // A package name is whatever the image's builder wrote into its package database.
  store(tenant_.id, "registry.example/evil:1", digest_of('e'),
        {make("CVE-2024-9", "=HYPERLINK(\"http://x\")", Ecosystem::kNpm, SeverityLevel::kLow, std::nullopt, {})});
  const auto csv = test::http_get(base_ + "/v1/findings?format=csv&vulnerability=CVE-2024-9", tenant_.key);
  ASSERT_EQ(csv.status, 200);
  EXPECT_NE(csv.body.find(",\"'=HYPERLINK(\"\"http://x\"\")\","), std::string::npos) << csv.body;
}

TEST_F(FindingRoutes, BadParametersAreRefusedByName) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"?colour=red", "colour"},
      {"?cursor=not-a-cursor!", "cursor"},
      {"?cursor=WzEsMiwzXQ", "cursor"},  // base64 of [1,2,3]: decodes, but is no cursor
      {"?severity=severe", "severity"},
      {"?severity=high&severity=low", "severity"},
      {"?fixable=maybe", "fixable"},
      {"?ecosystem=cobol", "ecosystem"},
      {"?first_seen_before=yesterday", "first_seen_before"},
      {"?first_seen_after=2026-13-01T99:00:00", "first_seen_after"},
      {"?first_seen_after=2026-12-01T10:00:00", "first_seen_after"},  // no zone
      {"?first_seen_after=2026-12-01T10:00:00.1234567Z", "first_seen_after"},
      {"?first_seen_after=2026-12-01T10:00:00+0100", "first_seen_after"},
      {"?image=sha256:" + std::string(64, 'A'), "image"},
      {"?image=latest", "image"},
      {"?state=closed", "state"},
      {"?label==x", "label"},
      {"?limit=0", "limit"},
      {"?limit=ten", "limit"},
      {"?format=xml", "format"},
      {"?package=", "package"},
  };
  for (const auto& [query, name] : cases) {
    SCOPED_TRACE(query);
    const auto answer = test::http_get(base_ + "/v1/findings" + query, tenant_.key);
    EXPECT_EQ(answer.status, 400) << answer.body;
    EXPECT_NE(answer.body.find(name), std::string::npos) << answer.body;
  }
  const Json capped = get("?limit=5000");
  EXPECT_EQ(capped["limit"], 1000);
  EXPECT_NE(capped["notice"].get<std::string>().find("5000"), std::string::npos) << capped.dump();
  EXPECT_EQ(capped["findings"].size(), 5u);
  EXPECT_EQ(test::http_get(base_ + "/v1/findings").status, 401);
}

TEST_F(FindingRoutes, AnotherTenantReachesNothingOfTheOwnersByAnyName) {
  const std::string key = other_.key;
  EXPECT_EQ(found("", key), List{"CVE-2024-1@9"});
  EXPECT_EQ(found("?vulnerability=DSA-1", key), List{"CVE-2024-1@9"});
  EXPECT_EQ(found("?vulnerability=CVE-2024-2", key), List{});  // the owner's alias
  EXPECT_EQ(found("?label=team=payments", key), List{"CVE-2024-1@9"});
  EXPECT_EQ(found("?label=namespace=prod", key), List{});
  EXPECT_EQ(found("?repository=registry.example/app&tag=2", key), List{});
  EXPECT_EQ(found("?image=" + digest_of('1'), key), List{});
  // The owner's cursor positions the other tenant in its own findings, nothing more.
  const Json owners = get("?limit=1");
  const std::string cursor = owners["next"].get<std::string>();
  // (Each page held in a variable: a range-for over a member of a temporary reads freed memory.)
  const Json theirs = get("?cursor=" + cursor, key);
  for (const auto& f : theirs["findings"]) EXPECT_EQ(f["image"]["digest"], digest_of('9'));
  const auto csv = test::http_get(base_ + "/v1/findings?format=csv", key);
  EXPECT_EQ(csv.body.find(digest_of('1')), std::string::npos);
  EXPECT_EQ(csv.body.find(digest_of('2')), std::string::npos);
  EXPECT_NE(csv.body.find(digest_of('9')), std::string::npos);
}

TEST_F(FindingRoutes, ATagThatMovesToAnotherImageLeavesTheOldOneInItsRepository) {
  store(tenant_.id, "registry.example/app:1", digest_of('3'),
        {make("CVE-2024-5", "curl", Ecosystem::kDeb, SeverityLevel::kHigh, std::nullopt, {})});
  EXPECT_EQ(found("?tag=1"), List{"CVE-2024-5@3"});
  EXPECT_EQ(found("?repository=registry.example/app&vulnerability=CVE-2024-3"), List{"CVE-2024-3@1"});
  const Json page = get("?vulnerability=CVE-2024-3");
  EXPECT_EQ(page["findings"][0]["image"]["refs"], Json::array({"registry.example/app"}));
}

TEST(RepositoryTag, SplitsAtTheLastColonAfterTheLastSlash) {
  struct Case {
    std::string ref, repository, tag;
  };
  for (const Case& c : std::vector<Case>{{"alpine:3.19", "alpine", "3.19"},
                                         {"registry:5000/team/app:1.2", "registry:5000/team/app", "1.2"},
                                         {"registry:5000/team/app", "registry:5000/team/app", ""},
                                         {"app:1@sha256:" + std::string(64, 'a'), "app", "1"},
                                         {"app@sha256:" + std::string(64, 'a'), "app", ""},
                                         {"oci:/layouts/app:1", "oci:/layouts/app", "1"},
                                         {"docker-archive:/images/app.tar", "docker-archive:/images/app.tar", ""}}) {
    SCOPED_TRACE(c.ref);
    const RepositoryTag got = repository_tag(c.ref);
    EXPECT_EQ(got.repository, c.repository);
    EXPECT_EQ(got.tag, c.tag);
  }
}

}  // namespace
}  // namespace strata::coordinator::test_store
