// The coordinator's HTTP API (JSON): scans in, reports and inventories out, and a tenant's own
// keys, registry credentials, quotas and audit log. Every /v1 route needs "Authorization: Bearer
// KEY" with the route's scope and sees only its tenant's rows; an id that belongs to another
// tenant answers 404 exactly like one that does not exist. Errors are JSON: {"error": {"status":
// N, "message": "..."}}. Each tenant's requests are rate limited (429 with Retry-After), and every
// call that changes something is written to the audit log.
//
// Served over TLS when given a certificate. /metrics (the operator's) is served on a separate
// operator listener, never on the tenants' port; /healthz on both.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "common/metrics/metrics.h"
#include "coordinator/api/connection_guard.h"
#include "coordinator/api/rate_limiter.h"
#include "coordinator/api/routes.h"
#include "coordinator/scan/scan_runner.h"
#include "coordinator/store/scan_store.h"
#include "coordinator/tenancy/audit_log.h"
#include "coordinator/tenancy/quotas.h"
#include "coordinator/tenancy/registry_credentials.h"
#include "coordinator/tenancy/secret_rules.h"

namespace httplib {
class Server;
}

namespace strata::coordinator {

struct ApiConfig {
  std::string host = "127.0.0.1";
  int port = 7600;
  // TLS on the tenants' port: a PEM certificate (chain) and its private key. Both or neither.
  std::string tls_cert_file;
  std::string tls_key_file;
  // The operator's listener (/metrics, /healthz); port -1: none.
  std::string operator_host = "127.0.0.1";
  int operator_port = 7602;
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_images_per_scan = 10'000;  // the ceiling no tenant quota can raise
  std::vector<std::string> oci_roots;        // where tenants may name oci: layouts; none by default
  // Threads, queue, per-address limit and deadlines for whole request heads and bodies
  // (coordinator/api/connection_guard.h); each read also times out on its own.
  ConnectionLimits connections;
  int read_timeout_seconds = 10;
  int keep_alive_seconds = 5;
  // Each tenant's request rate (all routes together), with bursts of twice that; 0: unlimited.
  double requests_per_second = 20;
};

class HttpApi : private Routes {
 public:
  HttpApi(ApiConfig config, ScanStore& store, ScanRunner& runner, Tenants& tenants, AuditLog& audit, Quotas& quotas,
          RegistryCredentials& registries, SecretRulesStore& secret_rules, FindingQueries& findings,
          FleetQueries& fleet, MetricsRegistry& metrics, FeedServices feeds = {});
  ~HttpApi() override;

  // Binds both listeners and serves each on a thread of its own; errors name the address or the
  // TLS files. Port 0 picks a free one. Returns the tenants' port.
  Result<int> start();
  // The operator listener's port, once started (-1 when there is none).
  int operator_port() const { return operator_port_; }
  void stop();

 private:
  void add(Method method, const std::string& pattern, Scopes needs, const std::string& action,
           Handler handler) override;
  void configure(httplib::Server& server);
  void operator_routes();
  // The caller a request's bearer key stands for, or nullopt after answering 401 or 503.
  std::optional<Caller> authenticate(const httplib::Request& req, httplib::Response& res);

  ApiConfig config_;
  ApiServices services_;
  MetricsRegistry& metrics_;
  ConnectionGuard guard_;  // declared before the servers: it outlives their connections
  std::unique_ptr<httplib::Server> server_;
  std::unique_ptr<httplib::Server> operator_server_;
  std::thread thread_;
  std::thread operator_thread_;
  int operator_port_ = -1;
  RateLimiter limiter_;
  Counter& requests_;
  Counter& unauthorized_;
  Counter& forbidden_;
  Counter& rate_limited_;
};

}  // namespace strata::coordinator
