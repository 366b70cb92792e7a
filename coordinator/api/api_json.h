// JSON answers of the API: errors are {"error": {"status": N, "message": "..."}}.
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>
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

}  // namespace strata::coordinator
