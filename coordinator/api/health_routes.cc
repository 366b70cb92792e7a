#include "coordinator/api/health_routes.h"

#include <httplib.h>

#include "common/metrics/metrics.h"
#include "coordinator/store/scan_store.h"

namespace strata::coordinator {

void add_health_route(httplib::Server& server) {
  server.Get("/healthz", [](const httplib::Request&, httplib::Response& res) { res.set_content("ok\n", "text/plain"); });
}

void add_metrics_route(httplib::Server& server, MetricsRegistry& metrics, ScanStore& store) {
  server.Get("/metrics", [&metrics, &store](const httplib::Request&, httplib::Response& res) {
    std::string body = metrics.render();
    if (auto states = store.scans_by_state()) {
      body += "# HELP strata_scans Scans by state\n# TYPE strata_scans gauge\n";
      for (const char* state : {"queued", "running", "done"}) {
        const auto it = states->find(state);
        body += std::string("strata_scans{state=\"") + state + "\"} " +
                std::to_string(it == states->end() ? 0 : it->second) + "\n";
      }
    }
    res.set_content(body, "text/plain; version=0.0.4");
  });
}

}  // namespace strata::coordinator
