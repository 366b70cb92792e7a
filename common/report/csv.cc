#include <cstdio>

#include "common/purl.h"
#include "common/report/formats.h"

namespace strata {
namespace {

std::string field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string report_csv(const ScanReport& report) {
  std::string out =
      "id,aliases,ecosystem,package,installed_version,fixed_version,severity,severity_source,cvss_score,layer,path,purl\r\n";
  for (const auto& f : report.result.kept) {
    std::string aliases;
    for (const auto& a : f.aliases) aliases += (aliases.empty() ? "" : " ") + a;
    char score[16] = "";
    if (f.cvss_score) std::snprintf(score, sizeof score, "%.1f", *f.cvss_score);
    const Package& p = f.package.package;
    const std::string cells[] = {f.id, aliases, std::string(to_string(p.ecosystem)), p.name, f.installed_version,
                                 f.fixed_version.value_or(""), std::string(to_string(f.severity)), f.severity_source,
                                 score, f.package.layer, p.path, package_url(p, report.inventory.view.distro)};
    bool first = true;
    for (const auto& c : cells) {
      if (!first) out += ',';
      out += field(c);
      first = false;
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace strata
