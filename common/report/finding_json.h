// How a secret and a configuration finding read in JSON: the same in the inventory document
// and in the report.
#pragma once

#include <nlohmann/json.hpp>

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

}  // namespace strata
