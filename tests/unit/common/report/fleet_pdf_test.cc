// The fleet report's PDF read back by poppler's pdftotext: every figure and name it was given is
// in its text, a long table runs onto further pages, and a name too wide for its column is cut
// with an ellipsis without splitting a UTF-8 character.
#include "common/report/fleet_report.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/support/image_builder.h"
#include "tests/support/process.h"

namespace strata {
namespace {

// The text of `pdf` as `pdftotext -layout` lays it out, and its page count.
std::pair<std::string, int> pdf_text(const std::string& pdf) {
  const std::string dir = test::temp_dir();
  const std::string path = dir + "/report.pdf";
  std::ofstream(path, std::ios::binary) << pdf;
  const auto text = test::run_command("pdftotext -layout -enc UTF-8 " + path + " -");
  EXPECT_EQ(text.exit_code, 0) << text.out;
  const auto info = test::run_command("pdfinfo " + path + " | sed -n 's/^Pages: *//p'");
  std::filesystem::remove_all(dir);
  return {text.out, std::atoi(info.out.c_str())};
}

FleetReport small_fleet() {
  FleetReport r;
  r.tenant = "payments";
  r.generated_at = "2026-12-08 02:00 UTC";
  r.images = 3412;
  r.open = {5, 120, 340, 800, 12};
  r.fixable = {4, 100, 200, 300, 0};
  r.trend = {{41, "2026-12-01T00:00:00Z", {6, 130, 350, 810, 12}}, {42, "2026-12-02T00:00:00Z", {5, 120, 340, 800, 12}}};
  r.vulnerabilities = {{"CVE-2024-3094", "CRITICAL", 3400, 3400, 3400}, {"GHSA-xxxx-yyyy-zzzz", "HIGH", 12, 14, 0}};
  r.worst_images = {{"registry.example/payments/api:1.4", "sha256:aa", {2, 7, 9, 30, 1}, 20}};
  r.layers = {{"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", 3412, 41200, 39000}};
  return r;
}

TEST(FleetPdf, EveryFigureAndNameIsInTheText) {
  auto pdf = fleet_report_pdf(small_fleet());
  ASSERT_TRUE(pdf) << pdf.error().message();
  ASSERT_TRUE(pdf->starts_with("%PDF-"));
  const auto [text, pages] = pdf_text(*pdf);
  EXPECT_EQ(pages, 1) << text;
  for (const char* expected :
       {"strata fleet report", "Tenant: payments", "Images: 3412", "Open findings: 1277", "Fixable: 604",
        "Critical: 5 (4 fixable)", "High: 120 (100 fixable)", "Unknown: 12 (0 fixable)", "gen 41", "gen 42", "1308",
        "CVE-2024-3094", "GHSA-xxxx-yyyy-zzzz", "registry.example/payments/api:1.4", "41200", "39000",
        "sha256:0123456789abcdef"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << " not in:\n" << text;
  }
}

TEST(FleetPdf, LongTablesRunOntoMorePagesAndWideNamesAreCut) {
  FleetReport r = small_fleet();
  for (int i = 0; i < 150; ++i) r.vulnerabilities.push_back({"CVE-2025-" + std::to_string(10000 + i), "LOW", 1, 1, 0});
  r.worst_images.push_back({"registry.example/" + std::string(60, 'x') + "/ünïcödé-" + std::string(40, 'y') + ":1",
                            "sha256:bb", {0, 0, 0, 1, 0}, 0});
  auto pdf = fleet_report_pdf(r);
  ASSERT_TRUE(pdf) << pdf.error().message();
  const auto [text, pages] = pdf_text(*pdf);
  EXPECT_GE(pages, 3) << text;
  EXPECT_NE(text.find("CVE-2025-10149"), std::string::npos);  // the last row, pages later
  EXPECT_NE(text.find("registry.example/xxxx"), std::string::npos);
  EXPECT_NE(text.find("…"), std::string::npos);
  EXPECT_EQ(text.find(std::string(40, 'y') + ":1"), std::string::npos);  // the cut end
}

TEST(FleetPdf, AnEmptyFleetIsAReportToo) {
  FleetReport r;
  r.tenant = "new";
  auto pdf = fleet_report_pdf(r);
  ASSERT_TRUE(pdf) << pdf.error().message();
  const auto [text, pages] = pdf_text(*pdf);
  EXPECT_NE(text.find("Open findings: 0"), std::string::npos) << text;
  EXPECT_NE(text.find("No feed generation"), std::string::npos) << text;
  EXPECT_NE(text.find("None."), std::string::npos) << text;
}

}  // namespace
}  // namespace strata
