// The tenant's own secret rules (gitleaks TOML, as `strata image --secret-config`), for a key
// with the admin scope:
//   GET    /v1/secret-rules     the rules as stored, their digest, when; 404 when the built-in rules apply
//   POST   /v1/secret-rules     {"toml": "..."}: checked by compiling them, then used for every later scan
//   DELETE /v1/secret-rules     back to the built-in rules
// Layers are analysed again for a tenant with its own rules (their digest is in the cache key);
// tenants with the built-in rules go on sharing every layer.
#include "coordinator/api/api_json.h"
#include "coordinator/api/http_api.h"
#include "worker/api/secret_rules.h"

namespace strata::coordinator {

void add_secret_rule_routes(Routes& routes, ApiServices& s) {
  routes.add(Method::kGet, "/v1/secret-rules", kScopeAdmin, "", [&s](Call& call) {
    auto stored = s.secret_rules.get(call.caller.tenant);
    if (!stored) return send_error(call.res, 503, "the secret rules cannot be read now; try again shortly");
    if (!*stored) return send_error(call.res, 404, "no secret rules of this tenant's own: the built-in rules apply");
    send_json(call.res, 200,
              {{"toml", (*stored)->toml}, {"digest", "sha256:" + (*stored)->digest}, {"updated_at", (*stored)->updated_at}});
  });

  routes.add(Method::kPost, "/v1/secret-rules", kScopeAdmin, "secret-rules.store", [&s](Call& call) {
    const auto doc = json_body(call.req, call.res);
    if (!doc) return;
    for (const auto& [field, value] : doc->items()) {
      if (field != "toml") return send_error(call.res, 400, "unknown field \"" + field + "\" (known: toml)");
    }
    if (!doc->contains("toml") || !(*doc)["toml"].is_string()) {
      return send_error(call.res, 400, "\"toml\" must hold the rules file's text");
    }
    auto stored = s.secret_rules.put(call.caller.tenant, (*doc)["toml"].get<std::string>());
    if (!stored) {
      if (stored.error().code() == ErrorCode::kInvalidInput) return send_error(call.res, 400, stored.error().message());
      return send_error(call.res, 503, "the secret rules could not be stored now; try again shortly");
    }
    const std::string digest = "sha256:" + worker::secret_rules_digest((*doc)["toml"].get<std::string>());
    call.target = digest;
    send_json(call.res, 201, {{"digest", digest}, {"skipped", *stored}});
  });

  routes.add(Method::kDelete, "/v1/secret-rules", kScopeAdmin, "secret-rules.delete", [&s](Call& call) {
    auto removed = s.secret_rules.remove(call.caller.tenant);
    if (!removed) return send_error(call.res, 503, "the secret rules could not be deleted now; try again shortly");
    if (!*removed) return send_error(call.res, 404, "no secret rules of this tenant's own");
    call.res.status = 204;
  });
}

}  // namespace strata::coordinator
