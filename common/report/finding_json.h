// How layers, a secret, a configuration finding and the image's hygiene read in JSON: the same
// in the inventory document and in the report.
#pragma once

#include <nlohmann/json.hpp>

#include "common/image/hygiene.h"
#include "common/inventory.h"

namespace strata {

inline nlohmann::ordered_json secret_json(const ImageSecret& is) {
  const SecretFinding& f = is.secret;
  nlohmann::ordered_json j = {{"rule", f.rule_id},
                              {"title", f.title},
                              {"severity", f.severity},
                              {"path", f.path},
                              {"line", f.line},
                              {"layer", is.layer.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(is.layer)},
                              {"match", f.redacted},
                              {"fingerprint", f.fingerprint}};
  if (is.removed_later) j["removed_in_later_layer"] = true;
  return j;
}

inline nlohmann::ordered_json misconfiguration_json(const Misconfiguration& m) {
  return {{"id", m.id},
          {"title", m.title},
          {"severity", m.severity},
          {"fix", m.fix},
          {"evidence", m.evidence},
          {"layer", m.layer.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(m.layer)}};
}

// The image's layers, each with its efficiency when the layers were listed (the config scanner).
inline nlohmann::ordered_json layers_json(const ImageInventory& inv) {
  auto or_null = [](const std::string& s) { return s.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s); };
  nlohmann::ordered_json layers = nlohmann::ordered_json::array();
  for (const auto& l : inv.layers) {
    nlohmann::ordered_json layer = {{"digest", or_null(l.digest)},
                                    {"diff_id", or_null(l.diff_id)},
                                    {"size", l.size},
                                    {"media_type", or_null(l.media_type)}};
    if (l.foreign) layer["foreign"] = true;
    if (inv.view.efficiency.measured) {
      for (const auto& e : inv.view.efficiency.layers) {
        if (e.layer != l.diff_id) continue;
        layer["efficiency"] = {{"bytes_added", e.bytes_added},
                               {"files_added", e.files_added},
                               {"bytes_wasted", e.bytes_wasted},
                               {"files_wasted", e.files_wasted}};
        break;
      }
    }
    layers.push_back(std::move(layer));
  }
  return layers;
}

// Efficiency of the whole image and whether it is distroless; null when the layers were not
// listed (the config scanner was off).
inline nlohmann::ordered_json hygiene_json(const ImageInventory& inv) {
  const ImageEfficiency& e = inv.view.efficiency;
  if (!e.measured) return nullptr;
  nlohmann::ordered_json largest = nlohmann::ordered_json::array();
  for (const auto& w : e.largest_wasted) {
    largest.push_back({{"path", w.path},
                       {"bytes", w.bytes},
                       {"layer", w.layer},
                       {"hidden_by", w.hidden_by},
                       {"how", w.deleted ? "deleted" : "overwritten"}});
  }
  const BaseTools tools = base_tools(inv.view.facts);
  return {{"efficiency",
           {{"score", e.score},
            {"total_bytes", e.total_bytes},
            {"wasted_bytes", e.wasted_bytes},
            {"largest_wasted", std::move(largest)}}},
          {"distroless", tools.distroless()},
          {"shells", tools.shells},
          {"package_managers", tools.package_managers}};
}

}  // namespace strata
