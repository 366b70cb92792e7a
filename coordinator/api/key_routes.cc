// The tenant's API keys, for a key with the admin scope:
//   GET    /v1/keys                 the keys (never the secrets): name, prefix, scopes, dates
//   POST   /v1/keys                 {"name", "scopes": [...], "expires_in_days"} → the new key, once
//   DELETE /v1/keys/ID              revoke
//   POST   /v1/keys/ID/rotate       {"grace_seconds"} → a successor, once; the old key ends after the grace
// A key cannot grant more than it holds: an admin key makes keys of any scope, and only admin
// keys reach these routes.
#include <charconv>

#include "coordinator/api/api_json.h"
#include "coordinator/api/http_api.h"

namespace strata::coordinator {
namespace {

Json key_json(const KeyRow& k) {
  auto optional = [](const std::optional<std::string>& v) { return v ? Json(*v) : Json(nullptr); };
  return {{"id", std::to_string(k.id)},
          {"name", k.name},
          {"prefix", k.prefix},
          {"scopes", scope_names(k.scopes)},
          {"created_at", k.created_at},
          {"expires_at", optional(k.expires_at)},
          {"last_used_at", optional(k.last_used_at)},
          {"revoked_at", optional(k.revoked_at)},
          {"replaced_by", k.replaced_by ? Json(std::to_string(*k.replaced_by)) : Json(nullptr)}};
}

Json new_key_json(const NewKey& k) {
  Json out = key_json(k.row);
  out["key"] = k.secret;
  return out;
}

std::optional<std::int64_t> key_id(const std::string& text) {
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

// A non-negative whole number at `key`, or `fallback` when absent; an error names the field.
Result<std::optional<std::int64_t>> whole_number(const Json& doc, const char* key, std::int64_t max) {
  if (!doc.contains(key) || doc[key].is_null()) return std::optional<std::int64_t>();
  const Json& v = doc[key];
  if (!v.is_number_integer() || v.get<std::int64_t>() < 0 || v.get<std::int64_t>() > max) {
    return fail(ErrorCode::kInvalidInput, std::string("\"") + key + "\" must be a whole number from 0 to " + std::to_string(max));
  }
  return std::optional<std::int64_t>(v.get<std::int64_t>());
}

// What POST /v1/keys asks for; an error names the field that is wrong.
struct KeyRequest {
  std::string name;
  Scopes scopes = 0;
  std::optional<std::chrono::seconds> lifetime;
};

Result<KeyRequest> parse_key_request(const Json& doc) {
  KeyRequest request;
  for (const auto& [field, value] : doc.items()) {
    if (field == "name") {
      if (!value.is_string()) return fail(ErrorCode::kInvalidInput, "\"name\" must be a string");
      request.name = value.get<std::string>();
    } else if (field == "scopes") {
      if (!value.is_array() || value.empty()) {
        return fail(ErrorCode::kInvalidInput, "\"scopes\" must be a non-empty array of read, scan, admin");
      }
      for (const auto& v : value) {
        auto scope = v.is_string() ? parse_scope(v.get<std::string>())
                                   : Result<Scope>(fail(ErrorCode::kInvalidInput, "\"scopes\" must hold strings"));
        if (!scope) return std::unexpected(scope.error());
        request.scopes |= *scope;
      }
    } else if (field != "expires_in_days") {
      return fail(ErrorCode::kInvalidInput, "unknown field \"" + field + "\" (known: name, scopes, expires_in_days)");
    }
  }
  if (request.scopes == 0) return fail(ErrorCode::kInvalidInput, "name the new key's \"scopes\": any of read, scan, admin");
  auto days = whole_number(doc, "expires_in_days", 3650);
  if (!days) return std::unexpected(days.error());
  if (*days && **days == 0) return fail(ErrorCode::kInvalidInput, "\"expires_in_days\" must be at least 1");
  if (*days) request.lifetime = std::chrono::seconds(**days * 86400);
  return request;
}

void list_keys(ApiServices& s, Call& call) {
  auto keys = s.tenants.keys(call.caller.tenant);
  if (!keys) return send_error(call.res, 503, "the keys cannot be read now; try again shortly");
  Json list = Json::array();
  for (const auto& k : *keys) list.push_back(key_json(k));
  send_json(call.res, 200, {{"keys", list}});
}

void create_key(ApiServices& s, Call& call) {
  const auto doc = json_body(call.req, call.res);
  if (!doc) return;
  auto request = parse_key_request(*doc);
  if (!request) return send_error(call.res, 400, request.error().message());
  auto key = s.tenants.create_key(call.caller.tenant, request->name, request->scopes, request->lifetime);
  if (!key) {
    if (key.error().code() == ErrorCode::kInvalidInput) return send_error(call.res, 400, key.error().message());
    return send_error(call.res, 503, "the key could not be made now; try again shortly");
  }
  call.target = "key " + std::to_string(key->row.id);
  send_json(call.res, 201, new_key_json(*key));
}

void revoke_key(ApiServices& s, Call& call) {
  call.target = "key " + std::string(call.req.matches[1]);
  const auto id = key_id(call.req.matches[1]);
  if (!id) return send_error(call.res, 404, "no key " + std::string(call.req.matches[1]));
  auto revoked = s.tenants.revoke_key(call.caller.tenant, *id);
  if (!revoked) return send_error(call.res, 503, "the key could not be revoked now; try again shortly");
  if (!*revoked) return send_error(call.res, 404, "no key " + std::to_string(*id));
  call.res.status = 204;
}

void rotate_key(ApiServices& s, Call& call) {
  call.target = "key " + std::string(call.req.matches[1]);
  const auto id = key_id(call.req.matches[1]);
  if (!id) return send_error(call.res, 404, "no key " + std::string(call.req.matches[1]));
  std::int64_t grace = 0;
  if (!call.req.body.empty()) {
    const auto doc = json_body(call.req, call.res);
    if (!doc) return;
    for (const auto& [field, value] : doc->items()) {
      if (field != "grace_seconds") return send_error(call.res, 400, "unknown field \"" + field + "\" (known: grace_seconds)");
    }
    auto g = whole_number(*doc, "grace_seconds", 30 * 86400);
    if (!g) return send_error(call.res, 400, g.error().message());
    grace = g->value_or(0);
  }
  auto rotated = s.tenants.rotate_key(call.caller.tenant, *id, std::chrono::seconds(grace));
  if (!rotated) return send_error(call.res, 503, "the key could not be rotated now; try again shortly");
  if (!*rotated) return send_error(call.res, 404, "no live key " + std::to_string(*id));
  call.target += " -> key " + std::to_string((*rotated)->row.id);
  send_json(call.res, 201, new_key_json(**rotated));
}

}  // namespace

void add_key_routes(Routes& routes, ApiServices& s) {
  routes.add(Method::kGet, "/v1/keys", kScopeAdmin, "", [&s](Call& call) { list_keys(s, call); });
  routes.add(Method::kPost, "/v1/keys", kScopeAdmin, "key.create", [&s](Call& call) { create_key(s, call); });
  routes.add(Method::kDelete, R"(/v1/keys/([^/]{1,32}))", kScopeAdmin, "key.revoke",
             [&s](Call& call) { revoke_key(s, call); });
  routes.add(Method::kPost, R"(/v1/keys/([^/]{1,32})/rotate)", kScopeAdmin, "key.rotate",
             [&s](Call& call) { rotate_key(s, call); });
}

}  // namespace strata::coordinator
