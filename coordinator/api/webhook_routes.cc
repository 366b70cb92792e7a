// The tenant's webhooks, for a key with the admin scope:
//   GET    /v1/webhooks        id, url, min_severity, created_at, and a failing batch's attempts
//                              and last error (never the secret)
//   POST   /v1/webhooks        {"url", "secret", "min_severity"}: 201 {id, ...}; the receiver gets
//                              the events made from now on (coordinator/notify/webhook_sender.h)
//   DELETE /v1/webhooks/ID     forget it and its undelivered batches
#include "coordinator/api/api_json.h"
#include "coordinator/api/http_api.h"
#include "coordinator/notify/webhook_sender.h"
#include "coordinator/notify/webhook_store.h"

namespace strata::coordinator {
namespace {

constexpr std::size_t kMaxWebhooksPerTenant = 20;

Json webhook_json(const Webhook& w) {
  Json out = {{"id", w.id}, {"url", w.url}, {"min_severity", w.min_severity}, {"created_at", w.created_at}};
  if (w.last_error) out["failing"] = {{"attempts", w.failed_attempts}, {"last_error", *w.last_error}};
  return out;
}

}  // namespace

void add_webhook_routes(Routes& routes, ApiServices& s) {
  routes.add(Method::kGet, "/v1/webhooks", kScopeAdmin, "", [&s](Call& call) {
    if (s.feeds.webhooks == nullptr) return send_json(call.res, 200, {{"webhooks", Json::array()}});
    auto stored = s.feeds.webhooks->list(call.caller.tenant);
    if (!stored) return send_error(call.res, 503, "the webhooks cannot be read now; try again shortly");
    Json list = Json::array();
    for (const auto& w : *stored) list.push_back(webhook_json(w));
    send_json(call.res, 200, {{"webhooks", list}});
  });

  routes.add(Method::kPost, "/v1/webhooks", kScopeAdmin, "webhook.create", [&s](Call& call) {
    if (s.feeds.webhooks == nullptr || !s.feeds.webhooks->can_store()) {
      return send_error(call.res, 501, "this service keeps no webhooks: its operator set no credentials key (or it "
                                       "matches with a database file, which makes no events)");
    }
    const auto doc = json_body(call.req, call.res);
    if (!doc) return;
    std::map<std::string, std::string> fields;
    for (const auto& [field, value] : doc->items()) {
      if (field != "url" && field != "secret" && field != "min_severity") {
        return send_error(call.res, 400, "unknown field \"" + field + "\" (known: url, secret, min_severity)");
      }
      if (!value.is_string()) return send_error(call.res, 400, "\"" + field + "\" must be a string");
      fields[field] = value.get<std::string>();
    }
    const std::string& url = fields["url"];
    if (url.empty()) return send_error(call.res, 400, "\"url\" is required");
    if (url.size() > 2048) return send_error(call.res, 400, "\"url\" is longer than 2048 bytes");
    if (const std::string problem = webhook_url_problem(url); !problem.empty()) {
      return send_error(call.res, 400, "\"url\" " + problem);
    }
    const std::string& secret = fields["secret"];
    if (secret.size() < 16 || secret.size() > 1024) {
      return send_error(call.res, 400, "\"secret\" must be 16 to 1024 bytes: the receiver checks each batch's "
                                       "X-Strata-Signature with it");
    }
    SeverityLevel min_severity = SeverityLevel::kUnknown;
    if (!fields["min_severity"].empty()) {
      const auto level = parse_severity_level(fields["min_severity"]);
      if (!level) return send_error(call.res, 400, "\"min_severity\" must be one of UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL");
      min_severity = *level;
    }
    auto existing = s.feeds.webhooks->list(call.caller.tenant);
    if (!existing) return send_error(call.res, 503, "the webhook could not be stored now; try again shortly");
    if (existing->size() >= kMaxWebhooksPerTenant) {
      return send_error(call.res, 409, "a tenant may keep at most " + std::to_string(kMaxWebhooksPerTenant) +
                                           " webhooks; delete one first");
    }
    auto made = s.feeds.webhooks->create(call.caller.tenant, url, secret, min_severity);
    if (!made) return send_error(call.res, 503, "the webhook could not be stored now; try again shortly");
    call.target = made->id;
    send_json(call.res, 201, webhook_json(*made));
  });

  routes.add(Method::kDelete, R"(/v1/webhooks/([0-9a-f]{1,64}))", kScopeAdmin, "webhook.delete", [&s](Call& call) {
    call.target = call.req.matches[1];
    if (s.feeds.webhooks == nullptr) return send_error(call.res, 404, "no webhook " + call.target);
    auto removed = s.feeds.webhooks->remove(call.caller.tenant, call.target);
    if (!removed) return send_error(call.res, 503, "the webhook could not be deleted now; try again shortly");
    if (!*removed) return send_error(call.res, 404, "no webhook " + call.target);
    call.res.status = 204;
  });
}

}  // namespace strata::coordinator
