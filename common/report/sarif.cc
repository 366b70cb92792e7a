#include <algorithm>
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
  auto level_of_text = [&](const std::string& severity) {
    return level_of(parse_severity_level(severity).value_or(SeverityLevel::kUnknown));
  };
  auto rule_for = [&](const std::string& id, const std::string& name, const std::string& title,
                      const std::string& help, const std::string& severity, const char* tag) {
    auto [it, fresh] = rule_index.emplace(id, rules.size());
    if (fresh) {
      rules.push_back({{"id", id},
                       {"name", name},
                       {"shortDescription", {{"text", title}}},
                       {"fullDescription", {{"text", title}}},
                       {"defaultConfiguration", {{"level", level_of_text(severity)}}},
                       {"help", {{"text", help}}},
                       {"properties", {{"tags", {tag, "security", severity}}}}});
    }
    return it->second;
  };
  // Secrets: located at their file and line (or the config field and its index), never quoted.
  for (const auto& is : report.result.secrets) {
    const SecretFinding& f = is.secret;
    const std::size_t index = rule_for(f.rule_id, "Secret", f.title, "Remove the secret from the image and rotate it: "
                                       "it is readable by anyone who can pull the image.", f.severity, "secret");
    results.push_back({{"ruleId", f.rule_id},
                       {"ruleIndex", index},
                       {"level", level_of_text(f.severity)},
                       {"message", {{"text", "Secret: " + f.title + " (" + f.redacted + ")" +
                                                 (is.removed_later ? ", deleted in a later layer but still in the image" : "") +
                                                 "\nImage: " + inv.ref}}},
                       {"locations",
                        {{{"physicalLocation",
                           {{"artifactLocation", {{"uri", f.path}, {"uriBaseId", "ROOTPATH"}}},
                            {"region", {{"startLine", std::max<std::uint32_t>(f.line, 1)}}}}},
                          {"message", {{"text", inv.ref + ": " + f.path}}}}}},
                       {"partialFingerprints", {{"strataSecret/v1", f.fingerprint}}},
                       {"properties", {{"layer", is.layer}}}});
  }
  // Configuration findings: located at the file they name, else at the image config.
  for (const auto& m : report.result.misconfigurations) {
    const std::size_t index = rule_for(m.id, "Misconfiguration", m.title, m.fix, m.severity, "misconfiguration");
    std::string where = "image-config";
    if (m.id.starts_with("STRATA-FS-") && !m.evidence.empty()) where = m.evidence.front().substr(0, m.evidence.front().find(' '));
    std::string text = m.title + "\nFix: " + m.fix;
    for (const auto& e : m.evidence) text += "\n" + e;
    results.push_back({{"ruleId", m.id},
                       {"ruleIndex", index},
                       {"level", level_of_text(m.severity)},
                       {"message", {{"text", text}}},
                       {"locations",
                        {{{"physicalLocation",
                           {{"artifactLocation", {{"uri", where}, {"uriBaseId", "ROOTPATH"}}},
                            {"region", {{"startLine", 1}}}}},
                          {"message", {{"text", inv.ref + ": " + where}}}}}},
                       {"partialFingerprints", {{"strataMisconfiguration/v1", m.id + ":" + where}}},
                       {"properties", {{"layer", m.layer}}}});
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
