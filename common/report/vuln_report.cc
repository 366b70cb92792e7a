#include "common/report/vuln_report.h"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "common/purl.h"
#include "common/report/finding_json.h"

namespace strata {
namespace {

using Json = nlohmann::ordered_json;

Json or_null(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

}  // namespace

std::string report_json(const ScanReport& report) {
  const ImageInventory& inv = report.inventory;
  Json distro = nullptr;
  if (inv.view.distro) {
    distro = {{"id", inv.view.distro->id}, {"version", inv.view.distro->version},
              {"namespace", or_null(inv.view.distro->namespace_)}};
  }
  Json vulns = Json::array();
  std::array<std::size_t, 5> counts{};
  for (const auto& f : report.result.kept) {
    ++counts[static_cast<std::size_t>(f.severity)];
    const Package& p = f.package.package;
    vulns.push_back({{"id", f.id},
                     {"aliases", f.aliases},
                     {"ecosystem", std::string(to_string(p.ecosystem))},
                     {"package", p.name},
                     {"installed_version", f.installed_version},
                     {"fixed_version", f.fixed_version ? Json(*f.fixed_version) : Json(nullptr)},
                     {"severity", std::string(to_string(f.severity))},
                     {"severity_source", or_null(f.severity_source)},
                     {"cvss_score", f.cvss_score ? Json(*f.cvss_score) : Json(nullptr)},
                     {"layer", or_null(f.package.layer)},
                     {"path", p.path},
                     {"purl", package_url(p, inv.view.distro)},
                     {"title", or_null(f.summary)}});
  }
  Json secrets = Json::array();
  for (const auto& is : report.result.secrets) secrets.push_back(secret_json(is));
  Json misconfigurations = Json::array();
  for (const auto& m : report.result.misconfigurations) misconfigurations.push_back(misconfiguration_json(m));
  Json doc = {{"schema", "strata.report/v1"},
              {"image",
               {{"ref", inv.ref}, {"digest", or_null(inv.digest)}, {"config_digest", or_null(inv.config_digest)},
                {"os", or_null(inv.os)}, {"arch", or_null(inv.arch)}, {"layers", layers_json(inv)}}},
              {"distro", distro},
              {"db", {{"generation", report.db.generation}, {"updated_at", or_null(report.db.updated_at)}}},
              {"vulnerabilities", vulns},
              {"secrets", secrets},
              {"misconfigurations", misconfigurations},
              {"hygiene", hygiene_json(inv)},
              {"summary",
               {{"critical", counts[4]}, {"high", counts[3]}, {"medium", counts[2]}, {"low", counts[1]},
                {"unknown", counts[0]}}},
              {"suppressed",
               {{"ignore_file", report.result.ignored_by_rule},
                {"severity", report.result.filtered_by_severity},
                {"unfixed", report.result.filtered_unfixed},
                {"vex", report.result.suppressed_by_vex},
                {"vex_justifications", report.result.vex_justifications}}},
              {"warnings", [&] {
                 std::vector<std::string> all = inv.warnings;
                 all.insert(all.end(), report.warnings.begin(), report.warnings.end());
                 return all;
               }()}};
  return doc.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

std::string report_table(const ScanReport& report, bool color) {
  static constexpr std::array<const char*, 5> kColors = {"\033[90m", "\033[36m", "\033[33m", "\033[31m",
                                                         "\033[1;31m"};
  const ImageInventory& inv = report.inventory;
  std::string out = inv.ref;
  if (inv.view.distro) out += " (" + inv.view.distro->namespace_ + ")";
  out += "\n";
  std::size_t wp = 7, wi = 2, wv = 9, wf = 5;
  for (const auto& f : report.result.kept) {
    wp = std::max(wp, f.package.package.name.size());
    wi = std::max(wi, f.id.size());
    wv = std::max(wv, f.installed_version.size());
    wf = std::max(wf, f.fixed_version.value_or("").size());
  }
  auto pad = [](const std::string& s, std::size_t w) { return s + std::string(w > s.size() ? w - s.size() + 2 : 2, ' '); };
  out += pad("PACKAGE", wp) + pad("VULNERABILITY", std::max<std::size_t>(wi, 13)) + pad("SEVERITY", 8) +
         pad("INSTALLED", wv) + pad("FIXED", wf) + "\n";
  std::array<std::size_t, 5> counts{};
  for (const auto& f : report.result.kept) {
    ++counts[static_cast<std::size_t>(f.severity)];
    const std::string sev(to_string(f.severity));
    const std::string sev_cell = color ? std::string(kColors[static_cast<std::size_t>(f.severity)]) + pad(sev, 8) + "\033[0m"
                                       : pad(sev, 8);
    out += pad(f.package.package.name, wp) + pad(f.id, std::max<std::size_t>(wi, 13)) + sev_cell +
           pad(f.installed_version, wv) + pad(f.fixed_version.value_or(""), wf) + "\n";
  }
  out += "\nTotal: " + std::to_string(report.result.kept.size()) + " (CRITICAL: " + std::to_string(counts[4]) +
         ", HIGH: " + std::to_string(counts[3]) + ", MEDIUM: " + std::to_string(counts[2]) +
         ", LOW: " + std::to_string(counts[1]) + ", UNKNOWN: " + std::to_string(counts[0]) + ")";
  const std::size_t suppressed = report.result.ignored_by_rule + report.result.filtered_by_severity +
                                 report.result.filtered_unfixed + report.result.suppressed_by_vex;
  if (suppressed > 0) {
    out += "; not shown: " + std::to_string(report.result.ignored_by_rule) + " ignored, " +
           std::to_string(report.result.filtered_by_severity) + " below the severity filter, " +
           std::to_string(report.result.filtered_unfixed) + " unfixed, " +
           std::to_string(report.result.suppressed_by_vex) + " not affected by VEX";
    for (const auto& [why, n] : report.result.vex_justifications) out += " (" + why + ": " + std::to_string(n) + ")";
  }
  out += "\n";
  if (const std::string hygiene = hygiene_summary(inv); !hygiene.empty()) out += "Image: " + hygiene + "\n";
  if (!report.result.secrets.empty()) {
    out += "\nSECRETS\n";
    for (const auto& is : report.result.secrets) {
      const SecretFinding& f = is.secret;
      out += pad(f.severity, 9) + pad(f.rule_id, 26) + f.path + (f.line > 0 ? ":" + std::to_string(f.line) : "") + "  " +
             f.redacted + (is.removed_later ? "  (deleted in a later layer, still in the image)" : "") + "\n";
    }
  }
  if (!report.result.misconfigurations.empty()) {
    out += "\nMISCONFIGURATIONS\n";
    for (const auto& m : report.result.misconfigurations) {
      out += pad(m.severity, 9) + pad(m.id, 16) + m.title;
      if (!m.evidence.empty()) out += ": " + m.evidence.front() + (m.evidence.size() > 1 ? " (+" + std::to_string(m.evidence.size() - 1) + ")" : "");
      out += "\n      fix: " + m.fix + "\n";
    }
  }
  return out;
}

}  // namespace strata
