#include <cstdio>

#include "common/purl.h"
#include "common/report/csv_row.h"
#include "common/report/formats.h"

namespace strata {
void append_csv_row(std::string& out, std::initializer_list<std::string_view> cells) {
  bool first = true;
  for (const std::string_view cell : cells) {
    if (!first) out += ',';
    first = false;
    const bool formula = !cell.empty() && std::string_view("=+-@\t\r").find(cell.front()) != std::string_view::npos;
    if (!formula && cell.find_first_of(",\"\r\n") == std::string_view::npos) {
      out += cell;
      continue;
    }
    out += '"';
    if (formula) out += '\'';
    for (const char c : cell) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
  }
  out += "\r\n";
}

std::string report_csv(const ScanReport& report) {
  std::string out =
      "id,aliases,ecosystem,package,installed_version,fixed_version,severity,severity_source,cvss_score,layer,path,purl\r\n";
  for (const auto& f : report.result.kept) {
    std::string aliases;
    for (const auto& a : f.aliases) aliases += (aliases.empty() ? "" : " ") + a;
    char score[16] = "";
    if (f.cvss_score) std::snprintf(score, sizeof score, "%.1f", *f.cvss_score);
    const Package& p = f.package.package;
    append_csv_row(out, {f.id, aliases, std::string(to_string(p.ecosystem)), p.name, f.installed_version,
              f.fixed_version.value_or(""), std::string(to_string(f.severity)), f.severity_source, score,
              f.package.layer, p.path, package_url(p, report.inventory.view.distro)});
  }
  // Secrets and configuration findings in the same columns: the kind in "ecosystem", what was
  // found in "package" (a secret only redacted), the place in "path".
  for (const auto& is : report.result.secrets) {
    const SecretFinding& f = is.secret;
    append_csv_row(out, {f.rule_id, "", "secret", f.redacted, "", "", f.severity, "strata", "", is.layer,
              f.line > 0 ? f.path + ":" + std::to_string(f.line) : f.path, ""});
  }
  for (const auto& m : report.result.misconfigurations) {
    append_csv_row(out, {m.id, "", "config", m.title, "", "", m.severity, "strata", "", m.layer,
              m.evidence.empty() ? "" : m.evidence.front(), ""});
  }
  return out;
}

}  // namespace strata
