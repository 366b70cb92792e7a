// The fleet report, for a key with the read scope:
//   GET /v1/reports/fleet.pdf[?generations=N][&rows=N]   a PDF (common/report/fleet_report.h): the
//       summary, open findings by severity, the trend over the newest N feed generations (10, at
//       most 100), and the top `rows` (15, at most 100) vulnerabilities, images and layers, drawn
//       from the same queries the fleet routes answer.
#include "common/log.h"
#include "common/report/fleet_report.h"
#include "coordinator/api/api_json.h"
#include "coordinator/api/routes.h"
#include "coordinator/store/fleet_queries.h"

namespace strata::coordinator {

void add_report_routes(Routes& routes, ApiServices& s) {
  routes.add(Method::kGet, "/v1/reports/fleet.pdf", kScopeRead, "", [&s](Call& call) {
    for (const auto& [name, value] : call.req.params) {
      if (name != "generations" && name != "rows") {
        return send_error(call.res, 400, "unknown parameter '" + name + "' (known: generations, rows)");
      }
    }
    const auto generations = number_param(call.req, "generations", 10, 100);
    if (!generations || *generations == 0) return send_error(call.res, 400, "generations must be a whole number from 1 to 100");
    const auto rows = number_param(call.req, "rows", 15, 100);
    if (!rows || *rows == 0) return send_error(call.res, 400, "rows must be a whole number from 1 to 100");
    auto report = s.fleet.report(call.caller.tenant, static_cast<std::size_t>(*generations), static_cast<std::size_t>(*rows));
    if (!report) {
      log_error("api", "reading the fleet report: " + report.error().message());
      return send_error(call.res, 503, "the fleet cannot be read now; try again shortly");
    }
    auto pdf = fleet_report_pdf(*report);
    if (!pdf) {
      log_error("api", pdf.error().message());
      return send_error(call.res, 500, "the report could not be drawn");
    }
    call.res.set_header("Content-Disposition", "inline; filename=\"fleet.pdf\"");
    call.res.set_content(std::move(*pdf), "application/pdf");
  });
}

}  // namespace strata::coordinator
