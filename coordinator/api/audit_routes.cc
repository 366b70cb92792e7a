// The tenant's audit log, for a key with the read scope:
//   GET /v1/audit[?limit=N][&before=ID]   newest first; page with before= the last id seen
#include "coordinator/api/api_json.h"
#include "coordinator/api/http_api.h"

namespace strata::coordinator {

void add_audit_routes(Routes& routes, ApiServices& s) {
  routes.add(Method::kGet, "/v1/audit", kScopeRead, "", [&s](Call& call) {
    const auto page = page_params(call.req, call.res, "before");
    if (!page) return;
    auto entries = s.audit.entries(call.caller.tenant, page->cursor, static_cast<int>(page->limit));
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
