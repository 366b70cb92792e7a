// The fleet's questions besides the findings list (finding_routes.cc), for a key with the read
// scope:
//   GET /v1/images[?after=ID][&limit=N]         the tenant's images, oldest first: refs, last scan,
//                                               open findings by severity and how many are fixable
//   GET /v1/images?order=risk[&limit=N]         the images with the most critical findings, then
//                                               high, then medium, … (one page)
//   GET /v1/vulnerabilities[?limit=N]           the vulnerabilities open in the most images (20)
//   GET /v1/images/DIGEST/layers                an image's findings by the layer that brought their
//                                               package in, bottom layer first, with the stored
//                                               base image whose layers this image starts with
//   GET /v1/vulnerabilities/ID[?after=&limit=]  the blast radius of an id or any alias: how many
//                                               images and findings, the repositories, and each
//                                               image's affected packages with layer and fix
//   GET /v1/summary[?generations=N]             open findings by severity and fixability, the
//                                               trend over the newest N feed generations (10)
//   GET /v1/layers/top[?limit=N]                layers ranked by the findings that upgrading their
//                                               packages to the fixed versions removes (20)
// A page size over the maximum is capped and "notice" says so; an unknown parameter is a 400.
#include <algorithm>
#include <charconv>
#include <limits>
#include <set>

#include "common/log.h"
#include "coordinator/api/api_json.h"
#include "coordinator/api/routes.h"
#include "coordinator/store/fleet_queries.h"

namespace strata::coordinator {
namespace {

// The store's own words go to the log, not to the caller.
void unavailable(httplib::Response& res, const Error& error) {
  log_error("api", "reading the fleet: " + error.message());
  send_error(res, 503, "the fleet cannot be read now; try again shortly");
}

// Refuses (400) a parameter not in `known`, or one given twice; true when all are fine.
bool known_params(const httplib::Request& req, httplib::Response& res, std::initializer_list<std::string_view> known) {
  std::set<std::string> seen;
  for (const auto& [name, value] : query_params(req)) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::string list;
      for (const auto k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      send_error(res, 400, "unknown parameter '" + name + "'" + (list.empty() ? " (this route takes none)" : " (known: " + list + ")"));
      return false;
    }
    if (!seen.insert(name).second) {
      send_error(res, 400, name + " is given more than once");
      return false;
    }
  }
  return true;
}

// A whole number parameter from 1, `fallback` when absent, capped at `max` (with a notice).
std::optional<std::size_t> bounded(const httplib::Request& req, httplib::Response& res, const char* name,
                                   std::size_t fallback, std::size_t max, std::optional<std::string>& notice) {
  if (!req.has_param(name)) return fallback;
  const std::string text = req.get_param_value(name);
  std::uint64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec == std::errc::result_out_of_range) n = std::numeric_limits<std::uint64_t>::max();
  else if (ec != std::errc() || end != text.data() + text.size() || n == 0) {
    send_error(res, 400, std::string(name) + " must be a whole number from 1");
    return std::nullopt;
  }
  if (n > max) {
    notice = std::string(name) + " " + text + " is over the maximum of " + std::to_string(max) + "; " +
             std::to_string(max) + " it is";
    return max;
  }
  return static_cast<std::size_t>(n);
}

// An id cursor (?after=ID): 0 when absent.
std::optional<std::int64_t> after_param(const httplib::Request& req, httplib::Response& res) {
  const auto at = number_param(req, "after", 0, std::numeric_limits<std::int64_t>::max());
  if (!at) send_error(res, 400, "after must be the \"next\" of a page");
  return at;
}

Json counts_json(const SeverityCounts& c) {
  return {{"critical", c[0]}, {"high", c[1]}, {"medium", c[2]}, {"low", c[3]}, {"unknown", c[4]},
          {"total", c[0] + c[1] + c[2] + c[3] + c[4]}};
}

Json optional_text(const std::optional<std::string>& text) { return text ? Json(*text) : Json(nullptr); }

Json package_json(const AffectedPackage& p) {
  return {{"name", p.name}, {"version", p.version}, {"ecosystem", p.ecosystem}, {"installed_version", p.installed_version},
          {"fixed_version", optional_text(p.fixed_version)}, {"severity", p.severity},
          {"layer", p.layer.empty() ? Json(nullptr) : Json(p.layer)}, {"first_seen", p.first_seen}};
}

void with_notice(Json& body, const std::optional<std::string>& notice) {
  if (notice) body["notice"] = *notice;
}

}  // namespace

void add_fleet_routes(Routes& routes, ApiServices& s) {
  routes.add(Method::kGet, "/v1/images", kScopeRead, "", [&s](Call& call) {
    if (!known_params(call.req, call.res, {"after", "limit", "order"})) return;
    std::optional<std::string> notice;
    const auto limit = bounded(call.req, call.res, "limit", 100, 1000, notice);
    if (!limit) return;
    const auto after = after_param(call.req, call.res);
    if (!after) return;
    const std::string order = call.req.has_param("order") ? call.req.get_param_value("order") : "id";
    if (order != "id" && order != "risk") return send_error(call.res, 400, "order must be id or risk, not '" + order + "'");
    if (order == "risk" && *after != 0) return send_error(call.res, 400, "after pages order=id only; order=risk is one page");
    auto images = order == "risk" ? s.fleet.worst_images(call.caller.tenant, *limit)
                                  : s.fleet.images(call.caller.tenant, *after, *limit);
    if (!images) return unavailable(call.res, images.error());
    Json list = Json::array();
    for (const auto& i : *images) {
      list.push_back({{"digest", i.digest}, {"refs", i.refs}, {"last_scanned", i.last_scanned},
                      {"db_generation", i.db_generation}, {"open", counts_json(i.open)}, {"fixable", i.fixable}});
    }
    Json body = {{"images", list},
                 {"next", order == "id" && images->size() == *limit ? Json(std::to_string(images->back().id)) : Json(nullptr)},
                 {"limit", *limit}};
    with_notice(body, notice);
    send_json(call.res, 200, body);
  });

  routes.add(Method::kGet, R"(/v1/images/(sha256:[0-9a-f]{64})/layers)", kScopeRead, "", [&s](Call& call) {
    if (!known_params(call.req, call.res, {})) return;
    const std::string digest = call.req.matches[1];
    auto layers = s.fleet.image_layers(call.caller.tenant, digest);
    if (!layers) return unavailable(call.res, layers.error());
    if (!*layers) return send_error(call.res, 404, "no image " + digest);
    Json list = Json::array();
    for (const auto& l : **layers) {
      Json findings = Json::array();
      for (std::size_t k = 0; k < l.findings.size(); ++k) {
        Json f = package_json(l.findings[k]);
        f.erase("layer");
        findings.push_back({{"vulnerability", l.vuln_ids[k]}, {"package", f}});
      }
      list.push_back({{"position", l.position < 0 ? Json(nullptr) : Json(l.position)},
                      {"diff_id", l.diff_id.empty() ? Json(nullptr) : Json(l.diff_id)},
                      {"base_image", l.base_image ? Json{{"digest", *l.base_image}, {"refs", l.base_refs}} : Json(nullptr)},
                      {"open", counts_json(l.open)},
                      {"findings", findings}});
    }
    send_json(call.res, 200, {{"image", digest}, {"layers", list}});
  });

  routes.add(Method::kGet, R"(/v1/vulnerabilities/([A-Za-z0-9][A-Za-z0-9._:+-]{0,127}))", kScopeRead, "",
             [&s](Call& call) {
               if (!known_params(call.req, call.res, {"after", "limit"})) return;
               std::optional<std::string> notice;
               const auto limit = bounded(call.req, call.res, "limit", 100, 1000, notice);
               if (!limit) return;
               const auto after = after_param(call.req, call.res);
               if (!after) return;
               const std::string id = call.req.matches[1];
               auto radius = s.fleet.vulnerability(call.caller.tenant, id, *after, *limit);
               if (!radius) return unavailable(call.res, radius.error());
               if (!*radius) return send_error(call.res, 404, "no finding of " + id + " or of an alias of it");
               const BlastRadius& r = **radius;
               Json affected = Json::array();
               for (const auto& image : r.page) {
                 Json packages = Json::array();
                 for (const auto& p : image.packages) packages.push_back(package_json(p));
                 affected.push_back({{"image", {{"digest", image.digest}, {"refs", image.refs}}}, {"packages", packages}});
               }
               Json body = {{"id", id},
                            {"known_as", r.ids},
                            {"images", r.images},
                            {"findings", r.findings},
                            {"repositories", r.repositories},
                            {"affected", affected},
                            {"next", r.page.size() == *limit ? Json(std::to_string(r.page.back().id)) : Json(nullptr)},
                            {"limit", *limit}};
               with_notice(body, notice);
               send_json(call.res, 200, body);
             });

  routes.add(Method::kGet, "/v1/vulnerabilities", kScopeRead, "", [&s](Call& call) {
    if (!known_params(call.req, call.res, {"limit"})) return;
    std::optional<std::string> notice;
    const auto limit = bounded(call.req, call.res, "limit", 20, 1000, notice);
    if (!limit) return;
    auto top = s.fleet.top_vulnerabilities(call.caller.tenant, *limit);
    if (!top) return unavailable(call.res, top.error());
    Json list = Json::array();
    for (const auto& v : *top) {
      list.push_back({{"id", v.id}, {"severity", v.severity}, {"images", v.images}, {"findings", v.findings},
                      {"fixable", v.fixable}});
    }
    Json body = {{"vulnerabilities", list}};
    with_notice(body, notice);
    send_json(call.res, 200, body);
  });

  routes.add(Method::kGet, "/v1/summary", kScopeRead, "", [&s](Call& call) {
    if (!known_params(call.req, call.res, {"generations"})) return;
    std::optional<std::string> notice;
    const auto generations = bounded(call.req, call.res, "generations", 10, 100, notice);
    if (!generations) return;
    auto summary = s.fleet.summary(call.caller.tenant, *generations);
    if (!summary) return unavailable(call.res, summary.error());
    Json trend = Json::array();
    for (const auto& g : summary->trend) {
      trend.push_back({{"generation", g.generation}, {"imported_at", g.imported_at}, {"open", counts_json(g.open)}});
    }
    Json body = {{"counted_at", summary->counted_at},
                 {"images", summary->images},
                 {"open", counts_json(summary->open)},
                 {"fixable", counts_json(summary->fixable)},
                 {"trend", trend}};
    with_notice(body, notice);
    send_json(call.res, 200, body);
  });

  routes.add(Method::kGet, "/v1/layers/top", kScopeRead, "", [&s](Call& call) {
    if (!known_params(call.req, call.res, {"limit"})) return;
    std::optional<std::string> notice;
    const auto limit = bounded(call.req, call.res, "limit", 20, 100, notice);
    if (!limit) return;
    auto layers = s.fleet.top_layers(call.caller.tenant, *limit);
    if (!layers) return unavailable(call.res, layers.error());
    Json list = Json::array();
    for (const auto& l : *layers) {
      list.push_back({{"diff_id", l.diff_id}, {"images", l.images}, {"findings", l.findings},
                      {"fixable", l.fixable}, {"open", counts_json(l.open)}});
    }
    Json body = {{"layers", list}};
    with_notice(body, notice);
    send_json(call.res, 200, body);
  });
}

}  // namespace strata::coordinator
