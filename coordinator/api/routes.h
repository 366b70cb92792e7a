// The API's routes, one file per resource (scan_routes.cc, key_routes.cc, registry_routes.cc,
// audit_routes.cc, secret_rule_routes.cc, event_routes.cc, webhook_routes.cc,
// finding_routes.cc, fleet_routes.cc, report_routes.cc), all registered through Routes: a route names the scope a key needs and, when
// it changes something, the action the audit log records. Authentication, scopes, rate limits and
// the audit row are HttpApi's; a handler sees only its caller and the request.
#pragma once

#include <functional>
#include <string>

#include "coordinator/tenancy/tenants.h"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace strata::coordinator {

class ScanRunner;
class ScanStore;
class AuditLog;
class Quotas;
class RegistryCredentials;
class SecretRulesStore;
class Rescanner;
class EventStore;
class WebhookStore;
class FindingQueries;
class FleetQueries;
struct ApiConfig;

// What the API serves of the feed store's rescans; each may be null (a coordinator matching with
// a SQLite file has no rescans: no stale documents, no events).
struct FeedServices {
  Rescanner* documents = nullptr;  // assesses a stored document again when the database moved
  EventStore* events = nullptr;
  WebhookStore* webhooks = nullptr;
};

struct Call {
  const httplib::Request& req;
  httplib::Response& res;
  Caller caller;
  std::string target;  // what the call acted on, for the audit log; set by the handler
};
using Handler = std::function<void(Call&)>;

enum class Method { kGet, kPost, kDelete };

class Routes {
 public:
  virtual ~Routes() = default;
  // `action` is empty for reads; every kPost and kDelete route names one and is audited.
  virtual void add(Method method, const std::string& pattern, Scopes needs, const std::string& action,
                   Handler handler) = 0;
};

// What the routes work with.
struct ApiServices {
  const ApiConfig& config;
  ScanStore& store;
  ScanRunner& runner;
  Tenants& tenants;
  AuditLog& audit;
  Quotas& quotas;
  RegistryCredentials& registries;
  SecretRulesStore& secret_rules;
  FindingQueries& findings;
  FleetQueries& fleet;
  FeedServices feeds;
};

void add_scan_routes(Routes& routes, ApiServices& services);
void add_image_routes(Routes& routes, ApiServices& services);
void add_key_routes(Routes& routes, ApiServices& services);
void add_registry_routes(Routes& routes, ApiServices& services);
void add_audit_routes(Routes& routes, ApiServices& services);
void add_secret_rule_routes(Routes& routes, ApiServices& services);
void add_event_routes(Routes& routes, ApiServices& services);
void add_webhook_routes(Routes& routes, ApiServices& services);
void add_finding_routes(Routes& routes, ApiServices& services);
void add_fleet_routes(Routes& routes, ApiServices& services);
void add_report_routes(Routes& routes, ApiServices& services);

}  // namespace strata::coordinator
