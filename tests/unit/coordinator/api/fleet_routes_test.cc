// The fleet's questions in process, over real sockets and the fixture's PostgreSQL: the images
// list with its counts, a vulnerability's blast radius by id or alias, the summary and its trend,
// the layers ranked by what upgrading their packages removes, an image's findings by layer and
// base image; and what another tenant that shares a base layer reaches of them: nothing.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "common/report/report_document.h"
#include "tests/support/image_builder.h"
#include "tests/support/process.h"
#include "tests/unit/coordinator/api/api_fixture.h"

namespace strata::coordinator::test_store {
namespace {

using Json = nlohmann::json;

std::string digest_of(char c) { return "sha256:" + std::string(64, c); }
const std::string kBaseLayer = "sha256:" + std::string(63, '0') + "1";
const std::string kPythonLayer = "sha256:" + std::string(63, '0') + "2";
const std::string kNodeLayer = "sha256:" + std::string(63, '0') + "3";

struct Pkg {
  std::string vuln;
  std::string name;
  Ecosystem ecosystem;
  SeverityLevel severity;
  std::optional<std::string> fixed;
  std::vector<std::string> aliases;
  std::string layer;
};

class FleetRoutes : public ApiTest {
 protected:
  void store(TenantId tenant, const std::string& ref, const std::string& digest, const std::vector<std::string>& layers,
             const std::vector<Pkg>& packages) {
    ScanReport report;
    report.inventory.ref = ref;
    report.inventory.digest = digest;
    report.inventory.view.distro = Distro{"debian", "12", "Debian:12"};
    for (const auto& diff_id : layers) report.inventory.layers.push_back({"sha256:blob" + diff_id.substr(7, 8), diff_id, 100, "tar"});
    for (const auto& p : packages) {
      Finding f = finding(p.vuln, p.name);
      f.package.package.ecosystem = p.ecosystem;
      f.package.layer = p.layer;
      f.severity = p.severity;
      f.fixed_version = p.fixed;
      f.aliases = p.aliases;
      report.inventory.view.packages.push_back(f.package);
      report.result.kept.push_back(f);
    }
    report.db = {3, "2026-12-01T00:00:00Z"};
    auto scan = scans_->create_scan(tenant, Priority::kBulk, {ref});
    ASSERT_TRUE(scan);
    auto done = scans_->image_done(tenant, *scan, 0, {&report, encode_report_document(report)});
    ASSERT_TRUE(done) << done.error().message();
  }

  // A base image and two images built on it; another tenant holds the same base layer.
  void SetUp() override {
    ApiTest::SetUp();
    const Pkg openssl{"CVE-2024-1", "openssl", Ecosystem::kDeb, SeverityLevel::kHigh, "1.1", {"DSA-1"}, kBaseLayer};
    const Pkg zlib{"CVE-2024-3", "zlib", Ecosystem::kDeb, SeverityLevel::kLow, std::nullopt, {}, kBaseLayer};
    store(tenant_.id, "registry.example/base:12", digest_of('b'), {kBaseLayer}, {openssl, zlib});
    store(tenant_.id, "registry.example/app:1", digest_of('1'), {kBaseLayer, kPythonLayer},
          {openssl, zlib,
           {"GHSA-aaaa-bbbb-cccc", "requests", Ecosystem::kPypi, SeverityLevel::kCritical, std::nullopt, {"CVE-2024-2"},
            kPythonLayer}});
    store(tenant_.id, "registry.example/app:2", digest_of('2'), {kBaseLayer, kNodeLayer},
          {openssl, {"CVE-2024-4", "lodash", Ecosystem::kNpm, SeverityLevel::kMedium, "4.17.21", {}, kNodeLayer}});
    auto other = tenants_->create("other");
    ASSERT_TRUE(other);
    other_ = *other;
    store(other_.id, "registry.example/base:12", digest_of('9'), {kBaseLayer},
          {openssl, {"CVE-2024-2", "requests", Ecosystem::kPypi, SeverityLevel::kCritical, std::nullopt, {}, kBaseLayer}});
  }

  Json get(const std::string& path, long status = 200, const std::string& key = "") {
    const auto answer = test::http_get(base_ + path, key.empty() ? tenant_.key : key);
    EXPECT_EQ(answer.status, status) << path << ": " << answer.body;
    return Json::parse(answer.body, nullptr, false);
  }
  NewTenant other_;
};

TEST_F(FleetRoutes, TheImagesListCountsEachImagesOpenFindings) {
  const Json page = get("/v1/images");
  ASSERT_EQ(page["images"].size(), 3u) << page.dump();
  EXPECT_EQ(page["images"][0]["digest"], digest_of('b'));
  EXPECT_EQ(page["images"][0]["refs"], Json::array({"registry.example/base:12"}));
  EXPECT_EQ(page["images"][1]["open"], (Json{{"critical", 1}, {"high", 1}, {"medium", 0}, {"low", 1}, {"unknown", 0}, {"total", 3}}));
  EXPECT_EQ(page["images"][1]["fixable"], 1);
  EXPECT_EQ(page["images"][2]["fixable"], 2);
  EXPECT_EQ(page["next"], nullptr);
  const Json first = get("/v1/images?limit=2");
  ASSERT_EQ(first["images"].size(), 2u);
  const Json second = get("/v1/images?limit=2&after=" + first["next"].get<std::string>());
  ASSERT_EQ(second["images"].size(), 1u);
  EXPECT_EQ(second["images"][0]["digest"], digest_of('2'));
  EXPECT_NE(get("/v1/images?limit=5000")["notice"].get<std::string>().find("5000"), std::string::npos);
  EXPECT_EQ(get("/v1/images", 200, other_.key)["images"].size(), 1u);
  const Json risk = get("/v1/images?order=risk&limit=2");
  ASSERT_EQ(risk["images"].size(), 2u);
  EXPECT_EQ(risk["images"][0]["digest"], digest_of('1'));  // the one critical finding
  EXPECT_EQ(risk["images"][1]["digest"], digest_of('2'));  // high and medium before high and low
  EXPECT_EQ(risk["next"], nullptr);
}

TEST_F(FleetRoutes, TheTopVulnerabilitiesAreThoseOpenInTheMostImages) {
  const Json top = get("/v1/vulnerabilities?limit=2");
  ASSERT_EQ(top["vulnerabilities"].size(), 2u);
  EXPECT_EQ(top["vulnerabilities"][0], (Json{{"id", "CVE-2024-1"}, {"severity", "HIGH"}, {"images", 3}, {"findings", 3},
                                             {"fixable", 3}}));
  EXPECT_EQ(top["vulnerabilities"][1]["id"], "CVE-2024-3");
  EXPECT_EQ(top["vulnerabilities"][1]["images"], 2);
}

TEST_F(FleetRoutes, AVulnerabilitysBlastRadiusIsFoundByAnyAlias) {
  const Json r = get("/v1/vulnerabilities/DSA-1");
  EXPECT_EQ(r["known_as"], Json::array({"CVE-2024-1", "DSA-1"}));
  EXPECT_EQ(r["images"], 3);
  EXPECT_EQ(r["findings"], 3);
  EXPECT_EQ(r["repositories"], Json::array({"registry.example/app", "registry.example/base"}));
  ASSERT_EQ(r["affected"].size(), 3u);
  for (const auto& a : r["affected"]) {
    ASSERT_EQ(a["packages"].size(), 1u);
    EXPECT_EQ(a["packages"][0]["layer"], kBaseLayer);
    EXPECT_EQ(a["packages"][0]["fixed_version"], "1.1");
  }
  const Json paged = get("/v1/vulnerabilities/CVE-2024-1?limit=1");
  EXPECT_EQ(paged["affected"].size(), 1u);
  const Json rest = get("/v1/vulnerabilities/CVE-2024-1?limit=5&after=" + paged["next"].get<std::string>());
  EXPECT_EQ(rest["affected"].size(), 2u);
  EXPECT_EQ(get("/v1/vulnerabilities/CVE-2024-2")["affected"][0]["image"]["digest"], digest_of('1'));
  get("/v1/vulnerabilities/CVE-2099-9", 404);
  // The other tenant has its own CVE-2024-2 finding; it never sees the owner's through the alias.
  const Json theirs = get("/v1/vulnerabilities/CVE-2024-2", 200, other_.key);
  ASSERT_EQ(theirs["affected"].size(), 1u);
  EXPECT_EQ(theirs["affected"][0]["image"]["digest"], digest_of('9'));
  EXPECT_EQ(get("/v1/vulnerabilities/CVE-2024-4", 404, other_.key)["error"]["status"], 404);
}

TEST_F(FleetRoutes, TheSummaryCountsOpenAndFixableFindingsAndTheirTrend) {
  ASSERT_TRUE(db_->exec("INSERT INTO feed_generations (generation, records, skipped) VALUES (1, 1, 0)"));
  const Json s = get("/v1/summary");
  EXPECT_EQ(s["images"], 3);
  EXPECT_EQ(s["open"], (Json{{"critical", 1}, {"high", 3}, {"medium", 1}, {"low", 2}, {"unknown", 0}, {"total", 7}}));
  EXPECT_EQ(s["fixable"]["total"], 4);
  EXPECT_EQ(s["fixable"]["high"], 3);
  EXPECT_TRUE(s["counted_at"].is_string());
  ASSERT_EQ(s["trend"].size(), 1u);
  EXPECT_EQ(s["trend"][0]["generation"], 1);
  EXPECT_EQ(s["trend"][0]["open"]["total"], 7);
  // A new generation, and an image stored under it: generation 1 keeps its point.
  ASSERT_TRUE(db_->exec("INSERT INTO feed_generations (generation, records, skipped) VALUES (2, 1, 0)"));
  store(tenant_.id, "registry.example/app:3", digest_of('3'), {kBaseLayer},
        {{"CVE-2024-7", "curl", Ecosystem::kDeb, SeverityLevel::kCritical, "8.0", {}, kBaseLayer}});
  const Json later = get("/v1/summary");
  ASSERT_EQ(later["trend"].size(), 2u);
  EXPECT_EQ(later["trend"][0]["open"]["total"], 7);
  EXPECT_EQ(later["trend"][1]["generation"], 2);
  EXPECT_EQ(later["trend"][1]["open"]["total"], 8);
  EXPECT_EQ(later["open"]["critical"], 2);
  EXPECT_EQ(get("/v1/summary?generations=1")["trend"].size(), 1u);
  EXPECT_EQ(get("/v1/summary", 200, other_.key)["open"]["total"], 2);
  // Deleting an image makes the counts stale too.
  ASSERT_EQ(test::http_delete(base_ + "/v1/images/" + digest_of('3'), tenant_.key).status, 204);
  EXPECT_EQ(get("/v1/summary")["open"]["total"], 7);
}

TEST_F(FleetRoutes, LayersAreRankedByTheFindingsAnUpgradeRemoves) {
  const Json top = get("/v1/layers/top");
  ASSERT_EQ(top["layers"].size(), 3u) << top.dump();
  EXPECT_EQ(top["layers"][0]["diff_id"], kBaseLayer);
  EXPECT_EQ(top["layers"][0]["images"], 3);  // the owner's; the other tenant's image is not counted
  EXPECT_EQ(top["layers"][0]["findings"], 5);
  EXPECT_EQ(top["layers"][0]["fixable"], 3);
  EXPECT_EQ(top["layers"][1]["diff_id"], kNodeLayer);
  EXPECT_EQ(top["layers"][2]["diff_id"], kPythonLayer);
  EXPECT_EQ(top["layers"][2]["fixable"], 0);
  EXPECT_EQ(get("/v1/layers/top?limit=1")["layers"].size(), 1u);
}

TEST_F(FleetRoutes, AnImagesFindingsAreGroupedByLayerAndBaseImage) {
  const Json app = get("/v1/images/" + digest_of('1') + "/layers");
  ASSERT_EQ(app["layers"].size(), 2u) << app.dump();
  EXPECT_EQ(app["layers"][0]["diff_id"], kBaseLayer);
  EXPECT_EQ(app["layers"][0]["base_image"]["digest"], digest_of('b'));
  EXPECT_EQ(app["layers"][0]["base_image"]["refs"], Json::array({"registry.example/base:12"}));
  ASSERT_EQ(app["layers"][0]["findings"].size(), 2u);
  EXPECT_EQ(app["layers"][0]["findings"][0]["vulnerability"], "CVE-2024-1");
  EXPECT_EQ(app["layers"][1]["base_image"], nullptr);
  ASSERT_EQ(app["layers"][1]["findings"].size(), 1u);
  EXPECT_EQ(app["layers"][1]["findings"][0]["package"]["name"], "requests");
  EXPECT_EQ(get("/v1/images/" + digest_of('b') + "/layers")["layers"][0]["base_image"], nullptr);
  get("/v1/images/" + digest_of('1') + "/layers", 404, other_.key);
}

// The PDF's figures, read back by pdftotext, are the API's answers.
TEST_F(FleetRoutes, TheFleetPdfSaysWhatTheApiAnswers) {
  const auto pdf = test::http_get(base_ + "/v1/reports/fleet.pdf", tenant_.key);
  ASSERT_EQ(pdf.status, 200) << pdf.body;
  EXPECT_EQ(pdf.headers.at("content-type"), "application/pdf");
  const std::string dir = test::temp_dir();
  std::ofstream(dir + "/fleet.pdf", std::ios::binary) << pdf.body;
  const auto text = test::run_command("pdftotext -layout " + dir + "/fleet.pdf -");
  std::filesystem::remove_all(dir);
  ASSERT_EQ(text.exit_code, 0) << text.out;
  const Json summary = get("/v1/summary");
  std::vector<std::string> expected = {"Tenant: owner", "Images: " + std::to_string(summary["images"].get<int>()),
                                       "Open findings: " + std::to_string(summary["open"]["total"].get<int>()),
                                       "Fixable: " + std::to_string(summary["fixable"]["total"].get<int>())};
  for (const char* severity : {"critical", "high", "medium", "low", "unknown"}) {
    std::string name = severity;
    name[0] = static_cast<char>(std::toupper(name[0]));
    expected.push_back(name + ": " + std::to_string(summary["open"][severity].get<int>()) + " (" +
                       std::to_string(summary["fixable"][severity].get<int>()) + " fixable)");
  }
  // (Each answer held in a variable: a range-for over a member of a temporary reads freed memory.)
  const Json vulnerabilities = get("/v1/vulnerabilities"), images = get("/v1/images?order=risk"),
             layers = get("/v1/layers/top");
  for (const auto& v : vulnerabilities["vulnerabilities"]) expected.push_back(v["id"].get<std::string>());
  for (const auto& i : images["images"]) expected.push_back(i["refs"][0].get<std::string>());
  for (const auto& l : layers["layers"]) expected.push_back(l["diff_id"].get<std::string>().substr(0, 20));
  for (const auto& e : expected) EXPECT_NE(text.out.find(e), std::string::npos) << e << " not in:\n" << text.out;
  // Nothing of the other tenant's (its image and its own vulnerability).
  EXPECT_EQ(text.out.find("CVE-2024-2 "), std::string::npos) << text.out;
  EXPECT_EQ(test::http_get(base_ + "/v1/reports/fleet.pdf?rows=0", tenant_.key).status, 400);
}

// The CLI's fleet verbs against the same server: what they print is what the API answers.
TEST_F(FleetRoutes, TheCliVerbsPrintWhatTheApiAnswers) {
  auto run = [&](const std::string& verb, const std::string& flags) {
    return test::run_command(std::string(STRATA_BINARY) + " " + verb + " --server " + base_ + " --token " + tenant_.key +
                                 " " + flags,
                             /*with_stderr=*/false);
  };
  const auto lines = run("findings", "--severity high --format json");
  ASSERT_EQ(lines.exit_code, 0) << lines.out;
  EXPECT_EQ(std::count(lines.out.begin(), lines.out.end(), '\n'), 4) << lines.out;  // 3 high, 1 critical
  const auto paged = run("findings", "--all --limit 1 --format json");  // --all pages through all
  EXPECT_EQ(std::count(paged.out.begin(), paged.out.end(), '\n'), 7) << paged.out;
  const auto table = run("findings", "--vulnerability DSA-1 --repository registry.example/app");
  EXPECT_NE(table.out.find("SEVERITY"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("registry.example/app:1"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("registry.example/app:2"), std::string::npos) << table.out;
  const auto csv = run("findings", "--format csv --all --ecosystem deb");
  EXPECT_EQ(csv.out, test::http_get(base_ + "/v1/findings?format=csv&ecosystem=deb", tenant_.key).body);
  const auto bad = test::run_command(std::string(STRATA_BINARY) + " findings --server " + base_ + " --token " +
                                     tenant_.key + " --first-seen-before soon");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.out.find("first_seen_before"), std::string::npos) << bad.out;

  const auto report = run("report", "--format json");
  ASSERT_EQ(report.exit_code, 0);
  const Json parts = Json::parse(report.out, nullptr, false);
  EXPECT_EQ(parts["summary"], get("/v1/summary"));
  EXPECT_EQ(parts["layers"]["layers"], get("/v1/layers/top?limit=10")["layers"]);
  const auto text = run("report", "");
  EXPECT_NE(text.out.find("Open findings: 7"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find(kBaseLayer), std::string::npos) << text.out;
  const std::string dir = test::temp_dir();
  const auto pdf = run("report", "--pdf " + dir + "/fleet.pdf");
  EXPECT_EQ(pdf.exit_code, 0);
  const auto pdf_text = test::run_command("pdftotext " + dir + "/fleet.pdf -");
  EXPECT_NE(pdf_text.out.find("Open findings: 7"), std::string::npos) << pdf_text.out;
  std::filesystem::remove_all(dir);
}

// The dashboard in a real headless browser (tests/dashboard/dashboard_test.mjs): pages load without
// console errors, its figures and searches are the API's, text from images never runs, and the
// other tenant sees none of the owner's fleet.
TEST_F(FleetRoutes, TheDashboardShowsWhatTheApiAnswersAndNothingOfAnotherTenant) {
  const std::string dir = std::string(STRATA_SOURCE_DIR) + "/tests/dashboard";
  ASSERT_TRUE(std::filesystem::exists(dir + "/node_modules/puppeteer-core"))
      << "puppeteer-core is not installed: run `npm ci --prefix tests/dashboard` (deploy/test.sh does)";
  store(tenant_.id, "registry.example/web:1", digest_of('w'), {kBaseLayer, kNodeLayer},
        {{"GHSA-hhhh-iiii-jjjj", "<img src=x onerror=\"window.pwned=1\">", Ecosystem::kNpm, SeverityLevel::kLow,
          std::nullopt, {}, kNodeLayer}});
  const auto run = test::run_command("node " + dir + "/dashboard_test.mjs " + base_ + " " + tenant_.key + " " +
                                     other_.key + " " + digest_of('9') + " " + digest_of('1'));
  EXPECT_EQ(run.exit_code, 0) << run.out;
  std::cout << run.out;
}

TEST_F(FleetRoutes, BadParametersAreRefusedByName) {
  for (const auto& [path, name] : std::vector<std::pair<std::string, std::string>>{
           {"/v1/images?colour=red", "colour"},
           {"/v1/images?limit=0", "limit"},
           {"/v1/images?after=x", "after"},
           {"/v1/summary?generations=lots", "generations"},
           {"/v1/layers/top?limit=-1", "limit"},
           {"/v1/vulnerabilities/CVE-2024-1?after=1&after=2", "after"},
           {"/v1/images/" + digest_of('1') + "/layers?x=1", "x"}}) {
    SCOPED_TRACE(path);
    const auto answer = test::http_get(base_ + path, tenant_.key);
    EXPECT_EQ(answer.status, 400) << answer.body;
    EXPECT_NE(answer.body.find(name), std::string::npos) << answer.body;
  }
}

}  // namespace
}  // namespace strata::coordinator::test_store
