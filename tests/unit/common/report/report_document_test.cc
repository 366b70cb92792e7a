// The report document: what the coordinator stores once per image. Every format rendered from a
// decoded document is byte for byte the format rendered from the report itself, and a document
// that is not one is an error naming it.
#include "common/report/report_document.h"

#include <gtest/gtest.h>

#include "common/report/formats.h"
#include "common/report/inventory_json.h"

namespace strata {
namespace {

// A report with every member set away from its default, so a member the codec forgot shows.
ScanReport full_report() {
  ScanReport r;
  ImageInventory& inv = r.inventory;
  inv.ref = "registry.example/app:1";
  inv.digest = "sha256:" + std::string(64, 'a');
  inv.config_digest = "sha256:" + std::string(64, 'c');
  inv.os = "linux";
  inv.arch = "amd64";
  inv.layers = {{"sha256:l1", "sha256:d1", 1234, "application/vnd.oci.image.layer.v1.tar+gzip", false},
                {"sha256:l2", "sha256:d2", 99, "application/vnd.oci.image.layer.v1.tar", true}};
  inv.ref_tag = "1";
  inv.ref_pinned = true;
  inv.runtime = {"root", {"PATH=/bin"}, {"/entry"}, {"serve"}, {{"a", "b"}}, {"22/tcp"}, {"NONE"}, "/srv"};
  inv.history = {{"RUN apt-get install curl", false}, {"ENV X=1", true}};
  const Package openssl{Ecosystem::kDeb, "openssl", "3.0.11-1", "openssl-src", "3.0.11-1~deb12u1", "amd64",
                        "var/lib/dpkg/status", ""};
  const Package lodash{Ecosystem::kNpm, "lodash", "4.17.20", "lodash", "4.17.20", "", "app/package-lock.json", "nodejs"};
  inv.view.packages = {{openssl, "sha256:d1"}, {lodash, "sha256:d2"}};
  inv.view.distro = Distro{"debian", "12", "Debian:12"};
  const SecretFinding secret{"aws-access-token", "AWS key", "CRITICAL", "app/.env", 3, "AKIA****", "fp1"};
  inv.view.secrets = {{secret, "sha256:d2", true}};
  inv.view.facts.setid = {{"usr/bin/su", "sha256:d1", 04755, true}};
  inv.view.facts.world_writable = {{"srv/data", "sha256:d2", 0777, false}};
  inv.view.facts.root_ssh = {{"root/.ssh/id_rsa", "sha256:d2", 0600, true}};
  inv.view.facts.present = {"bash", "apt"};
  inv.view.facts.caches = {{"sha256:d1", "apt", 4096}};
  inv.view.efficiency = {{{"sha256:d1", 1000, 10, 200, 2}}, 1000, 200, 0.8, {{"tmp/big", "sha256:d1", 200, "sha256:d2", true}}, true};
  inv.misconfigurations = {{"STRATA-CFG-001", "Runs as root", "HIGH", "set USER", {"user root"}, ""}};
  inv.warnings = {"layer sha256:d2: truncated listing"};
  r.db = {42, "2026-12-01T00:00:00Z"};
  Finding f;
  f.id = "CVE-2024-1";
  f.aliases = {"DSA-1", "GHSA-x"};
  f.summary = "a bug";
  f.package = inv.view.packages[0];
  f.installed_version = "3.0.11-1~deb12u1";
  f.fixed_version = "3.0.13-1";
  f.severity = SeverityLevel::kHigh;
  f.severity_source = "cvss_v3";
  f.cvss_score = 7.5;
  f.cvss_vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N";
  Finding unfixed = f;
  unfixed.id = "CVE-2024-2";
  unfixed.fixed_version.reset();
  unfixed.cvss_score.reset();
  unfixed.severity = SeverityLevel::kUnknown;
  r.result.kept = {f, unfixed};
  r.result.secrets = inv.view.secrets;
  r.result.misconfigurations = inv.misconfigurations;
  r.result.ignored_by_rule = 1;
  r.result.filtered_by_severity = 2;
  r.result.filtered_unfixed = 3;
  r.result.suppressed_by_vex = 4;
  r.result.vex_justifications = {{"vulnerable_code_not_present", 4}};
  r.warnings = {"CVE-9 for x 1: the comparator refused"};
  return r;
}

TEST(ReportDocument, EveryFormatRendersFromADecodedDocumentAsFromTheReport) {
  const ScanReport report = full_report();
  const std::string document = encode_report_document(report);
  auto decoded = decode_report_document(document, "test");
  ASSERT_TRUE(decoded) << decoded.error().message();
  for (const auto& format : report_formats()) {
    EXPECT_EQ(format.write(*decoded, false), format.write(report, false)) << format.name;
    EXPECT_EQ(format.write(*decoded, true), format.write(report, true)) << format.name;
  }
  EXPECT_EQ(inventory_json(decoded->inventory), inventory_json(report.inventory));
  EXPECT_EQ(encode_report_document(*decoded), document);  // nothing lost on the way
}

TEST(ReportDocument, WhatIsNotADocumentIsAnErrorNamingIt) {
  for (const std::string text : {"", "{", "[]", R"({"schema":"strata.report/v1"})",
                                 R"({"schema":"strata.report-document/v1","inventory":{"view":{"packages":[{"package":{"ecosystem":"cobol"}}]}}})"}) {
    auto decoded = decode_report_document(text, "image sha256:x");
    ASSERT_FALSE(decoded) << text;
    EXPECT_NE(decoded.error().message().find("image sha256:x"), std::string::npos) << decoded.error().message();
  }
}

TEST(ReportFormats, OneTableNamesEveryFormatOnce) {
  EXPECT_EQ(report_format_list(), "json, table, sarif, cyclonedx, csv");
  for (const auto& format : report_formats()) {
    EXPECT_EQ(find_report_format(format.name), &format);
    EXPECT_EQ(&report_format(format.id), &format);
    EXPECT_FALSE(format.mime_type.empty());
  }
  EXPECT_EQ(find_report_format("pdf"), nullptr);
}

}  // namespace
}  // namespace strata
