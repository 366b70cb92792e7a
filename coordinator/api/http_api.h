// The coordinator's HTTP API (JSON): scans in, reports and inventories out, metrics for
// Prometheus. Every /v1 route needs "Authorization: Bearer KEY" and sees only its tenant's rows;
// an id that belongs to another tenant answers 404 exactly like one that does not exist. Errors
// are JSON: {"error": {"status": N, "message": "..."}}.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "common/metrics/metrics.h"
#include "coordinator/scan/scan_runner.h"
#include "coordinator/store/store.h"

namespace httplib {
class Server;
}

namespace strata::coordinator {

struct ApiConfig {
  std::string host = "127.0.0.1";
  int port = 7600;
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_images_per_scan = 10'000;
  std::vector<std::string> oci_roots;  // where tenants may name oci: layouts; none by default
};

class HttpApi {
 public:
  HttpApi(ApiConfig config, Store& store, ScanRunner& runner, MetricsRegistry& metrics);
  ~HttpApi();

  // Binds and serves on a thread of its own; errors name the address. Port 0 picks a free one.
  Result<int> start();
  void stop();

 private:
  void routes();

  ApiConfig config_;
  Store& store_;
  ScanRunner& runner_;
  MetricsRegistry& metrics_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  Counter& requests_;
  Counter& unauthorized_;
};

}  // namespace strata::coordinator
