// Scans and the tenant's quotas:
//   POST   /v1/scans                       scan   submit images, repositories or registries (listed
//                                                 later, off the API's threads: "listing" until then)
//   GET    /v1/scans/ID                    read   a scan and its images' states
//   GET    /v1/quotas                      read   the tenant's quotas and what it used
#include <algorithm>
#include <cctype>

#include "coordinator/api/api_json.h"
#include "coordinator/api/http_api.h"
#include "coordinator/scan/registry_targets.h"
#include "coordinator/scan/tenant_reference.h"

namespace strata::coordinator {
namespace {

// The scan request's shape, checked field by field so that the error says which one is wrong.
struct ScanRequest {
  std::vector<std::string> images;
  std::vector<std::string> repositories;  // every tag of each
  std::vector<std::string> registries;    // every tag of every repository of each
  Priority priority = Priority::kBulk;
  std::map<std::string, std::string> labels;
};

constexpr std::size_t kMaxLabels = 32;
constexpr std::size_t kMaxLabelName = 63;
constexpr std::size_t kMaxLabelValue = 255;

// "labels": {"name": "value", ...}, as Kubernetes spells a label's name (letters, digits, '.',
// '_', '-', '/'); a value is any text without control characters.
Result<std::map<std::string, std::string>> parse_labels(const Json& value) {
  auto bad = [](std::string why) { return fail(ErrorCode::kInvalidInput, "\"labels\": " + std::move(why)); };
  if (!value.is_object()) return bad("must be an object of names to string values");
  if (value.size() > kMaxLabels) return bad("at most " + std::to_string(kMaxLabels) + " labels a scan");
  std::map<std::string, std::string> out;
  for (const auto& [name, v] : value.items()) {
    const bool name_ok = !name.empty() && name.size() <= kMaxLabelName &&
                         std::all_of(name.begin(), name.end(), [](unsigned char c) {
                           return std::isalnum(c) != 0 || c == '.' || c == '_' || c == '-' || c == '/';
                         });
    if (!name_ok) {
      return bad("name \"" + name.substr(0, kMaxLabelName) + "\" must be 1 to " + std::to_string(kMaxLabelName) +
                 " letters, digits, '.', '_', '-' or '/'");
    }
    if (!v.is_string()) return bad("the value of \"" + name + "\" must be a string");
    const std::string text = v.get<std::string>();
    if (text.size() > kMaxLabelValue || std::any_of(text.begin(), text.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; })) {
      return bad("the value of \"" + name + "\" must be at most " + std::to_string(kMaxLabelValue) +
                 " bytes without control characters");
    }
    out.emplace(name, text);
  }
  return out;
}

Result<ScanRequest> parse_scan_request(const Json& doc, std::size_t max_images, const std::vector<std::string>& oci_roots) {
  auto bad = [](std::string why) { return fail(ErrorCode::kInvalidInput, std::move(why)); };
  ScanRequest out;
  for (const auto& [key, value] : doc.items()) {
    if (key == "images" || key == "repositories" || key == "registries") {
      auto& list = key == "images" ? out.images : key == "repositories" ? out.repositories : out.registries;
      if (!value.is_array()) return bad("\"" + key + "\" must be an array of strings");
      for (const auto& v : value) {
        if (!v.is_string() || v.get<std::string>().empty()) return bad("\"" + key + "\" must hold non-empty strings");
        list.push_back(v.get<std::string>());
      }
    } else if (key == "priority") {
      if (!value.is_string()) return bad("\"priority\" must be \"interactive\" or \"bulk\"");
      const auto p = parse_priority(value.get<std::string>());
      if (!p) return bad("\"priority\" must be \"interactive\" or \"bulk\", not \"" + value.get<std::string>() + "\"");
      out.priority = *p;
    } else if (key == "labels") {
      auto labels = parse_labels(value);
      if (!labels) return std::unexpected(labels.error());
      out.labels = std::move(*labels);
    } else {
      return bad("unknown field \"" + key + "\" (known: images, repositories, registries, priority, labels)");
    }
  }
  if (out.images.empty() && out.repositories.empty() && out.registries.empty()) {
    return bad("name something to scan: \"images\", \"repositories\" (every tag) or \"registries\" (every repository)");
  }
  if (out.images.size() > max_images) {
    return bad("\"images\" names " + std::to_string(out.images.size()) + " images; at most " +
               std::to_string(max_images) + " per scan");
  }
  for (const auto& ref : out.images) {
    if (auto parsed = parse_tenant_reference(ref, oci_roots); !parsed) return bad(parsed.error().message());
  }
  return out;
}

Json scan_json(const ScanRow& scan) {
  Json images = Json::array();
  std::map<std::string, int> counts{{"queued", 0}, {"analyzing", 0}, {"done", 0}, {"failed", 0}};
  for (const auto& i : scan.images) {
    ++counts[i.state];
    images.push_back({{"ref", i.ref},
                      {"state", i.state},
                      {"digest", i.digest ? Json(*i.digest) : Json(nullptr)},
                      {"layers", i.layers_total},
                      {"layers_cached", i.layers_cached},
                      {"error", i.error ? Json(*i.error) : Json(nullptr)}});
  }
  return {{"id", scan.id},
          {"state", scan.state},
          {"priority", std::string(to_string(scan.priority))},
          {"created_at", scan.created_at},
          {"finished_at", scan.finished_at ? Json(*scan.finished_at) : Json(nullptr)},
          {"listing", scan.targets.has_value()},
          {"error", scan.error ? Json(*scan.error) : Json(nullptr)},
          {"counts", counts},
          {"images", images}};
}

void refuse(httplib::Response& res, const QuotaRefusal& refusal) {
  if (refusal.retry_after.count() > 0) res.set_header("Retry-After", std::to_string(refusal.retry_after.count()));
  send_error(res, 429, refusal.message);
}

}  // namespace

void add_scan_routes(Routes& routes, ApiServices& s) {
  routes.add(Method::kPost, "/v1/scans", kScopeScan, "scan.create", [&s](Call& call) {
    auto& res = call.res;
    const auto doc = json_body(call.req, res);
    if (!doc) return;
    auto request = parse_scan_request(*doc, s.config.max_images_per_scan, s.config.oci_roots);
    if (!request) return send_error(res, 400, request.error().message());
    // Fleet targets are checked now and listed later, off the API's threads: the scan is accepted
    // at once, and its images appear as the coordinator lists them.
    const RegistryTargets targets{request->repositories, request->registries};
    if (auto checked = check_registry_targets(targets); !checked) return send_error(res, 400, checked.error().message());
    std::optional<QuotaRefusal> refused;
    auto admit = [&](PgConnection& db) -> Result<void> {
      auto admitted = s.quotas.admit_scan(db, call.caller.tenant, request->images.size());
      if (!admitted) return std::unexpected(admitted.error());
      if (*admitted) {
        refused = std::move(*admitted);
        return fail(ErrorCode::kLimitExceeded, refused->message);
      }
      return {};
    };
    auto id = s.store.create_scan(call.caller.tenant, request->priority, request->images, admit,
                                  targets.empty() ? std::nullopt : std::optional<std::string>(targets_json(targets)),
                                  request->labels);
    if (refused) return refuse(res, *refused);
    if (!id) return send_error(res, 503, "the scan could not be stored; try again shortly");
    call.target = *id;
    // Durable from here: the scan is committed, and a restart resumes it.
    auto scan = s.store.scan(call.caller.tenant, *id);
    if (scan && *scan) s.runner.submit(**scan);
    send_json(res, 202, {{"id", *id}, {"state", "queued"}, {"images", request->images.size()},
                         {"listing", !targets.empty()}});
  });

  routes.add(Method::kGet, R"(/v1/scans/([A-Za-z0-9-]{1,64}))", kScopeRead, "", [&s](Call& call) {
    auto scan = s.store.scan(call.caller.tenant, call.req.matches[1]);
    if (!scan) return send_error(call.res, 503, "the scan cannot be read now; try again shortly");
    if (!*scan) return send_error(call.res, 404, "no scan " + std::string(call.req.matches[1]));
    send_json(call.res, 200, scan_json(**scan));
  });

  routes.add(Method::kGet, "/v1/quotas", kScopeRead, "", [&s](Call& call) {
    auto usage = s.quotas.usage(call.caller.tenant);
    if (!usage) return send_error(call.res, 503, "the quotas cannot be read now; try again shortly");
    const QuotaLimits& l = usage->limits;
    send_json(call.res, 200,
              {{"scans_per_minute", {{"limit", l.scans_per_minute}, {"used", usage->scans_last_minute}}},
               {"images_per_scan", {{"limit", std::min<std::int64_t>(l.images_per_scan, s.config.max_images_per_scan)}}},
               {"stored_images", {{"limit", l.stored_images}, {"used", usage->stored_images}}},
               {"bytes_pulled_per_day", {{"limit", l.bytes_pulled_per_day}, {"used", usage->bytes_pulled_today}}},
               {"requests_per_second", s.config.requests_per_second}});
  });
}

}  // namespace strata::coordinator
