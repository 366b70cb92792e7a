#include "common/report/formats.h"

namespace strata {
namespace {

const ReportFormatInfo kFormats[] = {
    {ReportFormat::kJson, "json", "application/json", true,
     [](const ScanReport& r, bool) { return report_json(r); }},
    {ReportFormat::kTable, "table", "text/plain", true, report_table},
    {ReportFormat::kSarif, "sarif", "application/sarif+json", false,
     [](const ScanReport& r, bool) { return report_sarif(r); }},
    {ReportFormat::kCycloneDx, "cyclonedx", "application/vnd.cyclonedx+json", false,
     [](const ScanReport& r, bool) { return report_cyclonedx(r); }},
    {ReportFormat::kCsv, "csv", "text/csv", false, [](const ScanReport& r, bool) { return report_csv(r); }},
};

}  // namespace

std::span<const ReportFormatInfo> report_formats() { return kFormats; }

const ReportFormatInfo& report_format(ReportFormat format) { return kFormats[static_cast<std::size_t>(format)]; }

const ReportFormatInfo* find_report_format(std::string_view name) {
  for (const auto& f : kFormats) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::vector<std::string> report_format_names() {
  std::vector<std::string> names;
  for (const auto& f : kFormats) names.emplace_back(f.name);
  return names;
}

std::string report_format_list() {
  std::string out;
  for (const auto& f : kFormats) out += (out.empty() ? "" : ", ") + std::string(f.name);
  return out;
}

}  // namespace strata
