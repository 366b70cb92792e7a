// The images scans stored, each as one report document rendered on request:
//   GET    /v1/images/DIGEST[?format=F]    read   an image's report in a format of the format table
//                                                 (common/report/formats.h; default json)
//   GET    /v1/images/DIGEST/inventory     read   an image's inventory
//   DELETE /v1/images/DIGEST               scan   forget a stored image
#include <httplib.h>

#include "common/report/formats.h"
#include "common/report/inventory_json.h"
#include "common/report/report_document.h"
#include "coordinator/api/api_json.h"
#include "coordinator/api/routes.h"
#include "coordinator/feeds/rescanner.h"
#include "coordinator/store/scan_store.h"

namespace strata::coordinator {
namespace {

constexpr const char* kDigestRoute = R"(/v1/images/(sha256:[0-9a-f]{64}))";

// Answers with the stored image rendered by `render` (from its document), or for an image stored
// before documents, with what was pre-rendered as `format`.
template <class Render>
void send_rendered(ApiServices& s, Call& call, const std::string& format, std::string_view mime_type, Render&& render) {
  const std::string digest = call.req.matches[1];
  auto stored = s.store.image_report(call.caller.tenant, digest, format);
  if (!stored) return send_error(call.res, 503, "the image cannot be read now; try again shortly");
  if (!*stored) return send_error(call.res, 404, "no image " + digest);
  if ((*stored)->document) {
    std::string document = std::move(*(*stored)->document);
    if (s.feeds.documents != nullptr) {
      // Assessed again first when a rescan or a newer generation moved it: what is served is what
      // `strata image` prints with the database as it is now.
      auto current = s.feeds.documents->current_document(call.caller.tenant, digest, std::move(document),
                                                         (*stored)->db_generation, (*stored)->stale);
      if (!current) return send_error(call.res, 503, "the image cannot be read now; try again shortly");
      document = std::move(*current);
    }
    auto report = decode_report_document(document, "image " + digest);
    if (!report) return send_error(call.res, 500, report.error().message());
    return call.res.set_content(render(*report), std::string(mime_type));
  }
  if (!(*stored)->rendered) {
    return send_error(call.res, 404, "image " + digest + " was stored before " + format +
                                         " could be rendered on request; scan it again");
  }
  call.res.set_content(*(*stored)->rendered, std::string(mime_type));
}

}  // namespace

void add_image_routes(Routes& routes, ApiServices& s) {
  routes.add(Method::kGet, kDigestRoute, kScopeRead, "", [&s](Call& call) {
    // ?format= as `strata image --format`: the same bytes, from the same writer.
    const std::string name = call.req.has_param("format") ? call.req.get_param_value("format") : "json";
    const ReportFormatInfo* format = find_report_format(name);
    if (format == nullptr) {
      return send_error(call.res, 400, "format '" + name + "' is not one of " + report_format_list());
    }
    send_rendered(s, call, name, format->mime_type,
                  [format](const ScanReport& report) { return format->write(report, /*color=*/false); });
  });

  routes.add(Method::kGet, std::string(kDigestRoute) + "/inventory", kScopeRead, "", [&s](Call& call) {
    send_rendered(s, call, "inventory", "application/json",
                  [](const ScanReport& report) { return inventory_json(report.inventory); });
  });

  routes.add(Method::kDelete, kDigestRoute, kScopeScan, "image.delete", [&s](Call& call) {
    call.target = call.req.matches[1];
    auto deleted = s.store.delete_image(call.caller.tenant, call.target);
    if (!deleted) return send_error(call.res, 503, "the image cannot be deleted now; try again shortly");
    if (!*deleted) return send_error(call.res, 404, "no image " + call.target);
    call.res.status = 204;
  });
}

}  // namespace strata::coordinator
