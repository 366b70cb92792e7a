// JSON answers of the API: errors are {"error": {"status": N, "message": "..."}}.
#pragma once

#include <httplib.h>

#include <charconv>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace strata::coordinator {

using Json = nlohmann::ordered_json;

inline void send_error(httplib::Response& res, int status, const std::string& message) {
  res.status = status;
  res.set_content(Json{{"error", {{"status", status}, {"message", message}}}}.dump() + "\n", "application/json");
}

inline void send_json(httplib::Response& res, int status, const Json& body) {
  res.status = status;
  res.set_content(body.dump(2) + "\n", "application/json");
}

// A request body as a JSON object, or nullopt after answering 400.
inline std::optional<Json> json_body(const httplib::Request& req, httplib::Response& res) {
  Json doc = Json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    send_error(res, 400, "the body is not valid JSON");
    return std::nullopt;
  }
  if (!doc.is_object()) {
    send_error(res, 400, "the body must be a JSON object");
    return std::nullopt;
  }
  return doc;
}

// A whole-number query parameter from 0 to `max`; `fallback` when absent, nullopt when malformed.
inline std::optional<std::int64_t> number_param(const httplib::Request& req, const char* name, std::int64_t fallback,
                                                std::int64_t max) {
  if (!req.has_param(name)) return fallback;
  const std::string text = req.get_param_value(name);
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < 0 || n > max) return std::nullopt;
  return n;
}

}  // namespace strata::coordinator
