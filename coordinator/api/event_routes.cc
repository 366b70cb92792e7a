// What rescans changed in the tenant's findings, for a key with the read scope:
//   GET /v1/events[?after=ID][&limit=N]   oldest first after the cursor ID (default: from the
//                                         start); {"events": [...], "next": ID}, where next is
//                                         the cursor for the following page (the same when none)
#include "coordinator/api/api_json.h"
#include "coordinator/api/http_api.h"
#include "coordinator/store/event_store.h"

namespace strata::coordinator {

void add_event_routes(Routes& routes, ApiServices& s) {
  routes.add(Method::kGet, "/v1/events", kScopeRead, "", [&s](Call& call) {
    const auto page = page_params(call.req, call.res, "after");
    if (!page) return;
    if (s.feeds.events == nullptr) {
      // No feed store, no rescans: an empty log, not an error a client must handle differently.
      return send_json(call.res, 200, {{"events", Json::array()}, {"next", std::to_string(page->cursor)}});
    }
    auto events = s.feeds.events->after(call.caller.tenant, page->cursor, page->limit);
    if (!events) return send_error(call.res, 503, "the events cannot be read now; try again shortly");
    Json list = Json::array();
    for (const auto& e : *events) list.push_back(event_json(e));
    const std::int64_t next = events->empty() ? page->cursor : events->back().id;
    send_json(call.res, 200, {{"events", list}, {"next", std::to_string(next)}});
  });
}

}  // namespace strata::coordinator
