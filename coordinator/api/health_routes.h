// Health and metrics, outside the tenants' routes and their keys:
//   GET /healthz   on both listeners     "ok" while the process serves
//   GET /metrics   on the operator's     the Prometheus text page, with scans by state read from
//                                        the store so that every coordinator of a deployment agrees
#pragma once

namespace httplib {
class Server;
}

namespace strata {
class MetricsRegistry;
}

namespace strata::coordinator {

class ScanStore;

void add_health_route(httplib::Server& server);
void add_metrics_route(httplib::Server& server, MetricsRegistry& metrics, ScanStore& store);

}  // namespace strata::coordinator
