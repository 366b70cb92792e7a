#include "common/registry/responses.h"

#include <nlohmann/json.hpp>

#include "common/json_fields.h"

namespace strata {
namespace {

constexpr std::size_t kMaxDescribed = 200;

// A registry's words go into errors and logs: printable ASCII only, bounded.
std::string printable(std::string_view text) {
  std::string out;
  for (const char c : text.substr(0, kMaxDescribed)) {
    out += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  return out;
}

}  // namespace

std::string describe_error_document(std::string_view body) {
  const auto json = nlohmann::json::parse(body, nullptr, false);
  if (!json.is_object()) return {};
  const auto errors = json.find("errors");
  if (errors == json.end() || !errors->is_array() || errors->empty()) return {};
  const auto& first = (*errors)[0];
  const std::string code = printable(json_fields::string_or(first, "code"));
  const std::string message = printable(json_fields::string_or(first, "message"));
  if (code.empty() && message.empty()) return {};
  return " " + code + (message.empty() ? "" : ": " + message);
}

Result<void> append_listing_page(std::string_view body, std::string_view field, std::size_t max_total,
                                 std::vector<std::string>& out) {
  const auto json = nlohmann::json::parse(body, nullptr, false);
  if (!json.is_object()) return fail(ErrorCode::kCorrupt, "not a JSON object");
  const auto it = json.find(field);
  if (it == json.end() || !it->is_array()) return {};
  for (const auto& v : *it) {
    if (!v.is_string()) continue;
    if (out.size() >= max_total) {
      return fail(ErrorCode::kLimitExceeded, "more than " + std::to_string(max_total) + " " + std::string(field) +
                                                 " listed; the limit is " + std::to_string(max_total));
    }
    out.push_back(v.get<std::string>());
  }
  return {};
}

}  // namespace strata
