#include "coordinator/api/dashboard_routes.h"

#include <httplib.h>

#include <string_view>

#include "coordinator/api/api_json.h"

namespace strata::coordinator {
namespace {

struct DashboardFile {
  std::string_view path;  // under /ui/
  std::string_view mime_type;
  std::string_view content;
};

constexpr DashboardFile kFiles[] =
#include "coordinator/dashboard_files.inc"
    ;

void secure(httplib::Response& res) {
  res.set_header("Content-Security-Policy",
                 "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
                 "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Cache-Control", "no-cache");
}

}  // namespace

void add_dashboard_routes(httplib::Server& server) {
  server.Get("/", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/ui/"); });
  server.Get("/ui", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/ui/"); });
  server.Get(R"(/ui/(.*))", [](const httplib::Request& req, httplib::Response& res) {
    const std::string path = req.matches[1].str().empty() ? "index.html" : req.matches[1].str();
    for (const auto& file : kFiles) {
      if (file.path == path) {
        secure(res);
        res.set_content(std::string(file.content), std::string(file.mime_type));
        return;
      }
    }
    send_error(res, 404, "no such file: /ui/" + path.substr(0, 200));
  });
}

}  // namespace strata::coordinator
