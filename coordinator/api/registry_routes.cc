// The tenant's registry credentials, for a key with the admin scope:
//   GET    /v1/registries             which registries have credentials stored, and when (no secret)
//   POST   /v1/registries             {"registry", "username", "password"}: store or replace
//   DELETE /v1/registries/REGISTRY    forget
// The password is sealed before it is stored and is never answered, logged or audited.
#include "coordinator/api/api_json.h"
#include "coordinator/api/http_api.h"

namespace strata::coordinator {

void add_registry_routes(Routes& routes, ApiServices& s) {
  routes.add(Method::kGet, "/v1/registries", kScopeAdmin, "", [&s](Call& call) {
    auto stored = s.registries.list(call.caller.tenant);
    if (!stored) return send_error(call.res, 503, "the registries cannot be read now; try again shortly");
    Json list = Json::array();
    for (const auto& r : *stored) {
      list.push_back({{"registry", r.registry}, {"created_at", r.created_at}, {"updated_at", r.updated_at}});
    }
    send_json(call.res, 200, {{"registries", list}});
  });

  routes.add(Method::kPost, "/v1/registries", kScopeAdmin, "registry.store", [&s](Call& call) {
    if (!s.registries.enabled()) {
      return send_error(call.res, 501, "this service stores no registry credentials: its operator set no credentials key");
    }
    const auto doc = json_body(call.req, call.res);
    if (!doc) return;
    std::map<std::string, std::string> fields;
    for (const auto& [field, value] : doc->items()) {
      if (field != "registry" && field != "username" && field != "password") {
        return send_error(call.res, 400, "unknown field \"" + field + "\" (known: registry, username, password)");
      }
      if (!value.is_string()) return send_error(call.res, 400, "\"" + field + "\" must be a string");
      fields[field] = value.get<std::string>();
    }
    for (const char* required : {"registry", "username", "password"}) {
      if (fields[required].empty()) return send_error(call.res, 400, std::string("\"") + required + "\" is required");
    }
    if (fields["username"].size() > 1024 || fields["password"].size() > 16384) {
      return send_error(call.res, 400, "the username or password is too long");
    }
    auto registry = registry_api_host(fields["registry"]);
    if (!registry) return send_error(call.res, 400, registry.error().message());
    call.target = *registry;
    if (auto stored = s.registries.put(call.caller.tenant, *registry, {fields["username"], fields["password"]}); !stored) {
      return send_error(call.res, 503, "the credentials could not be stored now; try again shortly");
    }
    s.runner.registries().forget(call.caller.tenant);
    send_json(call.res, 201, {{"registry", *registry}});
  });

  routes.add(Method::kDelete, R"(/v1/registries/([^/]{1,256}))", kScopeAdmin, "registry.delete", [&s](Call& call) {
    auto registry = registry_api_host(std::string(call.req.matches[1]));
    call.target = registry ? *registry : std::string(call.req.matches[1]);
    if (!registry) return send_error(call.res, 404, "no credentials for " + call.target);
    auto removed = s.registries.remove(call.caller.tenant, *registry);
    if (!removed) return send_error(call.res, 503, "the credentials could not be deleted now; try again shortly");
    if (!*removed) return send_error(call.res, 404, "no credentials for " + *registry);
    s.runner.registries().forget(call.caller.tenant);
    call.res.status = 204;
  });
}

}  // namespace strata::coordinator
