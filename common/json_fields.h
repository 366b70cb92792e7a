// Typed reads of JSON that came from outside strata: feeds, registries, image documents, VEX
// files, API bodies. nlohmann's value() and get() throw type_error when a field holds another
// type than the caller expects ({"distroversion": [...]} where a string belongs), and an
// exception from bytes a tenant or a feed controls must never end a process. These never throw.
// Stateless; safe from any thread.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"

namespace strata::json_fields {

// The name of a JSON value's type, for errors: "an array", "a number".
inline std::string type_phrase(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::object: return "an object";
    case nlohmann::json::value_t::array: return "an array";
    case nlohmann::json::value_t::string: return "a string";
    case nlohmann::json::value_t::boolean: return "a boolean";
    case nlohmann::json::value_t::binary: return "binary";
    case nlohmann::json::value_t::discarded: return "invalid";
    default: return "a number";
  }
}

// The string at `key` of `object`. Absent (or `object` not an object) or null: nullopt. Any
// other type: an kInvalidInput error "SUBJECT: "KEY" is an array, not a string".
inline Result<std::optional<std::string>> optional_string(const nlohmann::json& object, std::string_view key,
                                                          std::string_view subject) {
  if (!object.is_object()) return std::nullopt;
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) {
    return fail(ErrorCode::kInvalidInput,
                std::string(subject) + ": \"" + std::string(key) + "\" is " + type_phrase(*it) + ", not a string");
  }
  return it->get<std::string>();
}

// Like optional_string, with `fallback` for an absent or null field.
inline Result<std::string> string_field(const nlohmann::json& object, std::string_view key, std::string_view subject,
                                        std::string fallback = {}) {
  auto value = optional_string(object, key, subject);
  if (!value) return std::unexpected(value.error());
  return value->value_or(std::move(fallback));
}

// For text whose wrong type is harmless to ignore (an error message, a description): the string
// at `key`, or `fallback` when it is absent or not a string.
inline std::string string_or(const nlohmann::json& object, std::string_view key, std::string fallback = {}) {
  if (!object.is_object()) return fallback;
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

}  // namespace strata::json_fields
