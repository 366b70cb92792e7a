// JSON answers of the API: errors are {"error": {"status": N, "message": "..."}}.
#pragma once

#include <httplib.h>

#include <charconv>
#include <nlohmann/json.hpp>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

// The query's parameters split at the first '=' of each, then decoded. (cpp-httplib 0.11 keeps
// what follows the last '=', so "label=team=payments" came out as label "payments".)
inline std::vector<std::pair<std::string, std::string>> query_params(const httplib::Request& req) {
  std::vector<std::pair<std::string, std::string>> out;
  const std::size_t q = req.target.find('?');
  if (q == std::string::npos) return out;
  std::string_view rest = std::string_view(req.target).substr(q + 1);
  while (!rest.empty()) {
    const std::size_t amp = rest.find('&');
    const std::string_view item = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (item.empty()) continue;
    const std::size_t eq = item.find('=');
    const std::string name(item.substr(0, eq));
    const std::string value(eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1));
    out.emplace_back(httplib::detail::decode_url(name, true), httplib::detail::decode_url(value, true));
  }
  return out;
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

// A page of a tenant's log: ?limit=N (1 to 1000, default 100) and the cursor parameter named
// `cursor` (an entry id, default 0). Nothing when either is malformed, after a 400 naming it.
struct Page {
  std::size_t limit = 100;
  std::int64_t cursor = 0;
};
inline std::optional<Page> page_params(const httplib::Request& req, httplib::Response& res, const char* cursor) {
  const auto limit = number_param(req, "limit", 100, 1000);
  const auto at = number_param(req, cursor, 0, std::numeric_limits<std::int64_t>::max());
  if (!limit || *limit == 0) {
    send_error(res, 400, "limit must be a whole number from 1 to 1000");
    return std::nullopt;
  }
  if (!at) {
    send_error(res, 400, std::string(cursor) + " must be an entry id");
    return std::nullopt;
  }
  return Page{static_cast<std::size_t>(*limit), *at};
}

}  // namespace strata::coordinator
