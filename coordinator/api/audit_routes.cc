// The tenant's audit log, for a key with the read scope:
//   GET /v1/audit[?limit=N][&before=ID]   newest first; page with before= the last id seen
#include "coordinator/api/api_json.h"
#include "coordinator/api/http_api.h"

namespace strata::coordinator {

void add_audit_routes(Routes& routes, ApiServices& s) {
  routes.add(Method::kGet, "/v1/audit", kScopeRead, "", [&s](Call& call) {
    const auto limit = number_param(call.req, "limit", 100, 1000);
    const auto before = number_param(call.req, "before", 0, std::numeric_limits<std::int64_t>::max());
    if (!limit || *limit == 0) return send_error(call.res, 400, "limit must be a whole number from 1 to 1000");
    if (!before) return send_error(call.res, 400, "before must be an entry id");
    auto entries = s.audit.entries(call.caller.tenant, *before, static_cast<int>(*limit));
    if (!entries) return send_error(call.res, 503, "the audit log cannot be read now; try again shortly");
    Json list = Json::array();
    for (const auto& e : *entries) {
      list.push_back({{"id", std::to_string(e.id)},
                      {"at", e.at},
                      {"key_id", e.key_id ? Json(std::to_string(*e.key_id)) : Json(nullptr)},
                      {"actor", e.key_id ? "key" : "operator"},
                      {"action", e.action},
                      {"target", e.target},
                      {"status", e.status},
                      {"remote_addr", e.remote_addr}});
    }
    send_json(call.res, 200, {{"entries", list}});
  });
}

}  // namespace strata::coordinator
