#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>
#include <set>

#include "common/digest.h"
#include "common/image/hygiene.h"
#include "common/purl.h"
#include "common/report/formats.h"

namespace strata {
namespace {

// A name-based UUID (RFC 4122 version 5 layout over sha256): the same image gives the same
// serial number, so equal scans give equal documents.
std::string serial_number(const std::string& seed) {
  const std::string hex = Sha256::of(as_bytes(seed)).hex();
  std::string u = hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-5" + hex.substr(13, 3) + "-";
  const int variant = 8 + (std::stoi(hex.substr(16, 1), nullptr, 16) & 3);
  u += "0123456789abcdef"[variant];
  u += hex.substr(17, 3) + "-" + hex.substr(20, 12);
  return "urn:uuid:" + u;
}

std::string lower(std::string_view s) {
  std::string out;
  for (const char c : s) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string report_cyclonedx(const ScanReport& report) {
  using Json = nlohmann::ordered_json;
  const ImageInventory& inv = report.inventory;
  Json components = Json::array();
  std::set<std::string> refs;
  for (const auto& ip : inv.view.packages) {
    const std::string purl = package_url(ip.package, inv.view.distro);
    if (!refs.insert(purl).second) continue;
    components.push_back({{"bom-ref", purl},
                          {"type", "library"},
                          {"name", ip.package.name},
                          {"version", ip.package.version},
                          {"purl", purl},
                          {"properties",
                           {{{"name", "strata:layer"}, {"value", ip.layer.empty() ? "rootfs" : ip.layer}},
                            {{"name", "strata:path"}, {"value", ip.package.path}}}}});
  }
  Json vulns = Json::array();
  for (const auto& f : report.result.kept) {
    const std::string purl = package_url(f.package.package, inv.view.distro);
    Json rating = {{"severity", f.severity == SeverityLevel::kUnknown ? "unknown" : lower(to_string(f.severity))}};
    if (f.cvss_score) {
      rating["score"] = *f.cvss_score;
      rating["method"] = f.cvss_vector.starts_with("CVSS:4.0")   ? "CVSSv4"
                         : f.cvss_vector.starts_with("CVSS:3.0") ? "CVSSv3"
                                                                 : "CVSSv31";
      rating["vector"] = f.cvss_vector;
    } else {
      rating["method"] = "other";
    }
    rating["source"] = {{"name", f.severity_source.empty() ? "strata" : f.severity_source}};
    Json v = {{"bom-ref", f.id + "/" + purl},
              {"id", f.id},
              {"source", {{"name", f.id.starts_with("CVE-") ? "NVD" : "OSV"}}},
              {"ratings", {rating}},
              {"affects", {{{"ref", purl}, {"versions", {{{"version", f.installed_version}, {"status", "affected"}}}}}}}};
    if (!f.summary.empty()) v["description"] = f.summary;
    if (f.fixed_version) v["recommendation"] = "Upgrade " + f.package.package.name + " to " + *f.fixed_version;
    Json references = Json::array();
    for (const auto& alias : f.aliases) {
      references.push_back({{"id", alias}, {"source", {{"name", alias.starts_with("CVE-") ? "NVD" : "OSV"}}}});
    }
    if (!references.empty()) v["references"] = references;
    vulns.push_back(std::move(v));
  }
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &utc);
  Json image = {{"bom-ref", inv.digest.empty() ? inv.ref : inv.digest}, {"type", "container"}, {"name", inv.ref}};
  if (!inv.digest.empty()) image["hashes"] = {{{"alg", "SHA-256"}, {"content", inv.digest.substr(7)}}};
  // Secrets and configuration findings are properties of the image (CycloneDX has no place of
  // their own for them); a secret only redacted.
  Json properties = Json::array();
  for (const auto& is : report.result.secrets) {
    const SecretFinding& f = is.secret;
    properties.push_back({{"name", "strata:secret"},
                          {"value", f.severity + " " + f.rule_id + " " + f.path +
                                        (f.line > 0 ? ":" + std::to_string(f.line) : "") + " " + f.redacted}});
  }
  for (const auto& m : report.result.misconfigurations) {
    properties.push_back({{"name", "strata:misconfiguration"},
                          {"value", m.severity + " " + m.id + " " + m.title +
                                        (m.evidence.empty() ? std::string() : ": " + m.evidence.front())}});
  }
  if (const std::string hygiene = hygiene_summary(inv); !hygiene.empty()) {
    properties.push_back({{"name", "strata:hygiene"}, {"value", hygiene}});
  }
  if (!properties.empty()) image["properties"] = std::move(properties);
  const Json doc = {{"$schema", "http://cyclonedx.org/schema/bom-1.5.schema.json"},
                    {"bomFormat", "CycloneDX"},
                    {"specVersion", "1.5"},
                    {"serialNumber", serial_number(inv.ref + "\n" + inv.digest)},
                    {"version", 1},
                    {"metadata",
                     {{"timestamp", stamp},
                      {"tools", {{"components", {{{"type", "application"}, {"name", "strata"}, {"version", "0.1.0"}}}}}},
                      {"component", image}}},
                    {"components", components},
                    {"vulnerabilities", vulns}};
  return doc.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace strata
