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
    const auto limit = number_param(call.req, "limit", 100, 1000);
    const auto after = number_param(call.req, "after", 0, std::numeric_limits<std::int64_t>::max());
    if (!limit || *limit == 0) return send_error(call.res, 400, "limit must be a whole number from 1 to 1000");
    if (!after) return send_error(call.res, 400, "after must be an event id");
    if (s.feeds.events == nullptr) {
      // No feed store, no rescans: an empty log, not an error a client must handle differently.
      return send_json(call.res, 200, {{"events", Json::array()}, {"next", std::to_string(*after)}});
    }
    auto events = s.feeds.events->after(call.caller.tenant, *after, static_cast<std::size_t>(*limit));
    if (!events) return send_error(call.res, 503, "the events cannot be read now; try again shortly");
    Json list = Json::array();
    for (const auto& e : *events) list.push_back(event_json(e));
    const std::int64_t next = events->empty() ? *after : events->back().id;
    send_json(call.res, 200, {{"events", list}, {"next", std::to_string(next)}});
  });
}

}  // namespace strata::coordinator
