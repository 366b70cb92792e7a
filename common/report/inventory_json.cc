#include "common/report/inventory_json.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/purl.h"
#include "common/report/finding_json.h"

namespace strata {
namespace {

using Json = nlohmann::ordered_json;

Json or_null(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

Json document(const ImageInventory& inv) {
  Json distro = nullptr;
  if (inv.view.distro) {
    distro = {{"id", inv.view.distro->id},
              {"version", inv.view.distro->version},
              {"namespace", or_null(inv.view.distro->namespace_)}};
  }
  Json packages = Json::array();
  for (const auto& ip : inv.view.packages) {
    const Package& p = ip.package;
    Json package = {{"ecosystem", std::string(to_string(p.ecosystem))},
                    {"name", p.name},
                    {"version", p.version},
                    {"source_name", p.source_name},
                    {"source_version", p.source_version},
                    {"arch", or_null(p.arch)},
                    {"layer", or_null(ip.layer)},
                    {"path", p.path},
                    {"purl", package_url(p, inv.view.distro)}};
    if (!is_os_ecosystem(p.ecosystem)) {
      package["os_managed"] = !p.os_owner.empty();
      package["os_package"] = or_null(p.os_owner);
    }
    packages.push_back(std::move(package));
  }
  Json secrets = Json::array();
  for (const auto& is : inv.view.secrets) secrets.push_back(secret_json(is));
  Json misconfigurations = Json::array();
  for (const auto& m : inv.misconfigurations) misconfigurations.push_back(misconfiguration_json(m));
  return Json{{"schema", "strata.inventory/v1"},
              {"image",
               {{"ref", inv.ref},
                {"digest", or_null(inv.digest)},
                {"config_digest", or_null(inv.config_digest)},
                {"os", or_null(inv.os)},
                {"arch", or_null(inv.arch)},
                {"layers", layers_json(inv)}}},
              {"distro", std::move(distro)},
              {"packages", std::move(packages)},
              {"secrets", std::move(secrets)},
              {"misconfigurations", std::move(misconfigurations)},
              {"hygiene", hygiene_json(inv)},
              {"warnings", inv.warnings}};
}

}  // namespace

std::string inventory_json(const ImageInventory& inventory) {
  return document(inventory).dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

std::string inventory_json(std::span<const ImageInventory> inventories) {
  Json all = Json::array();
  for (const auto& inv : inventories) all.push_back(document(inv));
  return all.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

std::string inventory_table(std::span<const ImageInventory> inventories) {
  std::string out;
  for (const auto& inv : inventories) {
    out += inv.ref;
    if (!inv.os.empty()) out += " (" + inv.os + "/" + inv.arch + ")";
    if (inv.view.distro) out += "  " + inv.view.distro->namespace_;
    out += "  " + std::to_string(inv.layers.size()) + " layers, " +
           std::to_string(inv.view.packages.size()) + " packages\n";
    if (const std::string hygiene = hygiene_summary(inv); !hygiene.empty()) out += hygiene + "\n";
    std::size_t type_w = 4, name_w = 4, version_w = 7;
    for (const auto& ip : inv.view.packages) {
      type_w = std::max(type_w, to_string(ip.package.ecosystem).size());
      name_w = std::max(name_w, ip.package.name.size());
      version_w = std::max(version_w, ip.package.version.size());
    }
    auto pad = [](const std::string& s, std::size_t w) { return s + std::string(w - s.size() + 2, ' '); };
    out += pad("TYPE", type_w) + pad("NAME", name_w) + pad("VERSION", version_w) + "LAYER\n";
    for (const auto& ip : inv.view.packages) {
      const std::string layer = ip.layer.size() > 19 ? ip.layer.substr(0, 19) : ip.layer;
      out += pad(std::string(to_string(ip.package.ecosystem)), type_w) + pad(ip.package.name, name_w) +
             pad(ip.package.version, version_w) + layer + "\n";
    }
    if (!inv.view.secrets.empty()) {
      out += "\nSECRETS\n";
      for (const auto& is : inv.view.secrets) {
        const SecretFinding& f = is.secret;
        out += f.severity + "  " + f.rule_id + "  " + f.path + (f.line > 0 ? ":" + std::to_string(f.line) : "") +
               "  " + f.redacted + (is.removed_later ? "  (deleted in a later layer, still in the image)" : "") + "\n";
      }
    }
    if (!inv.misconfigurations.empty()) {
      out += "\nMISCONFIGURATIONS\n";
      for (const auto& m : inv.misconfigurations) {
        out += m.severity + "  " + m.id + "  " + m.title;
        if (!m.evidence.empty()) out += ": " + m.evidence.front() + (m.evidence.size() > 1 ? ", …" : "");
        out += "\n";
      }
    }
    for (const auto& w : inv.warnings) out += "warning: " + w + "\n";
    out += "\n";
  }
  return out;
}

}  // namespace strata
