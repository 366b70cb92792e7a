// Reading untrusted JSON without exceptions: nlohmann's value() throws when a field has another
// type than asked; these return empty instead.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "common/error.h"

namespace strata::worker {

inline std::string string_field(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return {};
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

inline Result<nlohmann::json> parse_json_object(std::string_view text) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return fail(ErrorCode::kCorrupt, "not valid JSON");
  if (!doc.is_object()) return fail(ErrorCode::kCorrupt, "the JSON document is not an object");
  return doc;
}

}  // namespace strata::worker
