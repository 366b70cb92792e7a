// Report formats, one table: each format's name, MIME type and writer. `strata image --format`,
// the API's `?format=` and `strata submit --format` all read it. Each writer is a pure function of
// the report: strata.report/v1 JSON and the terminal table (vuln_report.h), SARIF 2.1.0
// (code-scanning dashboards), CycloneDX 1.5 JSON (an SBOM with its vulnerabilities) and CSV
// (spreadsheets).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/report/vuln_report.h"

namespace strata {

enum class ReportFormat { kJson, kTable, kSarif, kCycloneDx, kCsv };

struct ReportFormatInfo {
  ReportFormat id;
  std::string_view name;
  std::string_view mime_type;
  bool many_images;  // several reports (--platform all) make one output: json as an array, table one after another
  std::string (*write)(const ScanReport& report, bool color);
};

std::span<const ReportFormatInfo> report_formats();
const ReportFormatInfo& report_format(ReportFormat format);
const ReportFormatInfo* find_report_format(std::string_view name);  // null for an unknown name
std::vector<std::string> report_format_names();
std::string report_format_list();  // "json, table, sarif, cyclonedx, csv"

// https://docs.oasis-open.org/sarif/sarif/v2.1.0/ : one rule per vulnerability id, one result
// per finding located at the package database that lists the package.
std::string report_sarif(const ScanReport& report);

// https://cyclonedx.org/docs/1.5/json/ : every package as a component (bom-ref = purl), the
// image as metadata.component, and one vulnerability entry per finding affecting its package.
std::string report_cyclonedx(const ScanReport& report);

// RFC 4180, one row per finding, with a header row.
std::string report_csv(const ScanReport& report);

}  // namespace strata
