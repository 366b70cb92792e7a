#include <map>
#include <nlohmann/json.hpp>

#include "common/purl.h"
#include "common/report/formats.h"

namespace strata {

std::string report_sarif(const ScanReport& report) {
  using Json = nlohmann::ordered_json;
  const ImageInventory& inv = report.inventory;
  Json rules = Json::array();
  Json results = Json::array();
  std::map<std::string, std::size_t> rule_index;
  auto level_of = [](SeverityLevel s) {
    return s >= SeverityLevel::kHigh ? "error" : s == SeverityLevel::kMedium ? "warning" : "note";
  };
  for (const auto& f : report.result.kept) {
    const std::string severity(to_string(f.severity));
    auto [it, fresh] = rule_index.emplace(f.id, rules.size());
    if (fresh) {
      Json rule = {{"id", f.id},
                   {"name", "OsPackageVulnerability"},
                   {"shortDescription", {{"text", f.id + " in " + f.package.package.name}}},
                   {"fullDescription", {{"text", f.summary.empty() ? f.id : f.summary}}},
                   {"defaultConfiguration", {{"level", level_of(f.severity)}}},
                   {"help", {{"text", "Aliases: " + [&] {
                                std::string a;
                                for (const auto& x : f.aliases) a += (a.empty() ? "" : ", ") + x;
                                return a.empty() ? std::string("none") : a;
                              }()}}},
                   {"properties", {{"tags", {"vulnerability", "security", severity}}}}};
      if (f.cvss_score) {
        char score[8];
        std::snprintf(score, sizeof score, "%.1f", *f.cvss_score);
        rule["properties"]["security-severity"] = score;
      }
      rules.push_back(std::move(rule));
    }
    const Package& p = f.package.package;
    std::string text = "Package: " + p.name + "\nInstalled version: " + f.installed_version +
                       "\nFixed version: " + f.fixed_version.value_or("none") + "\nSeverity: " + severity +
                       "\nImage: " + inv.ref;
    results.push_back({{"ruleId", f.id},
                       {"ruleIndex", it->second},
                       {"level", level_of(f.severity)},
                       {"message", {{"text", text}}},
                       {"locations",
                        {{{"physicalLocation",
                           {{"artifactLocation", {{"uri", p.path}, {"uriBaseId", "ROOTPATH"}}},
                            {"region", {{"startLine", 1}}}}},
                          {"message", {{"text", inv.ref + ": " + p.path}}}}}},
                       {"partialFingerprints", {{"strataFinding/v1", f.id + ":" + p.name + ":" + f.installed_version}}},
                       {"properties", {{"purl", package_url(p, inv.view.distro)}, {"layer", f.package.layer}}}});
  }
  const Json doc = {
      {"version", "2.1.0"},
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"runs",
       {{{"tool", {{"driver", {{"name", "strata"}, {"version", "0.1.0"}, {"rules", rules}}}}},
         {"originalUriBaseIds", {{"ROOTPATH", {{"uri", "file:///"}}}}},
         {"results", results},
         {"properties", {{"image", inv.ref}, {"digest", inv.digest}}}}}}};
  return doc.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace strata
