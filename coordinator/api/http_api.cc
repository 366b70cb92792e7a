#include "coordinator/api/http_api.h"

#include <httplib.h>

#include <charconv>

#include <nlohmann/json.hpp>

#include "common/image/reference.h"
#include "common/log.h"
#include "coordinator/scan/registry_targets.h"
#include "coordinator/scan/tenant_reference.h"

namespace strata::coordinator {
namespace {

using Json = nlohmann::ordered_json;

void send_error(httplib::Response& res, int status, const std::string& message) {
  res.status = status;
  res.set_content(Json{{"error", {{"status", status}, {"message", message}}}}.dump() + "\n", "application/json");
}

void send_json(httplib::Response& res, int status, const Json& body) {
  res.status = status;
  res.set_content(body.dump(2) + "\n", "application/json");
}

// The scan request's shape, checked field by field so that the error says which one is wrong.
struct ScanRequest {
  std::vector<std::string> images;
  std::vector<std::string> repositories;  // every tag of each
  std::vector<std::string> registries;    // every tag of every repository of each
  Priority priority = Priority::kBulk;
};

Result<ScanRequest> parse_scan_request(const std::string& body, std::size_t max_images,
                                       const std::vector<std::string>& oci_roots) {
  auto bad = [](std::string why) { return fail(ErrorCode::kInvalidInput, std::move(why)); };
  const Json doc = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return bad("the body is not valid JSON");
  if (!doc.is_object()) return bad("the body must be a JSON object");
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
    } else {
      return bad("unknown field \"" + key + "\" (known: images, repositories, registries, priority)");
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
          {"counts", counts},
          {"images", images}};
}

}  // namespace

HttpApi::HttpApi(ApiConfig config, Store& store, ScanRunner& runner, MetricsRegistry& metrics)
    : config_(std::move(config)),
      store_(store),
      runner_(runner),
      metrics_(metrics),
      server_(std::make_unique<httplib::Server>()),
      requests_(metrics.counter("strata_api_requests_total", "HTTP requests served")),
      unauthorized_(metrics.counter("strata_api_unauthorized_total", "Requests refused for a missing or unknown key")) {
  routes();
}

HttpApi::~HttpApi() { stop(); }

Result<int> HttpApi::start() {
  int port = config_.port;
  if (port == 0) {
    port = server_->bind_to_any_port(config_.host.c_str());
  } else if (!server_->bind_to_port(config_.host.c_str(), port)) {
    port = -1;
  }
  if (port <= 0) {
    return fail(ErrorCode::kUnavailable, "cannot listen on " + config_.host + ":" + std::to_string(config_.port));
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  log_info("api", "listening on http://" + config_.host + ":" + std::to_string(port));
  return port;
}

void HttpApi::stop() {
  if (!thread_.joinable()) return;
  server_->stop();
  thread_.join();
}

void HttpApi::routes() {
  httplib::Server& s = *server_;
  s.set_payload_max_length(config_.max_body_bytes);
  // Refuse oversized bodies by their declared length, before reading them, with a JSON answer.
  s.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    requests_.inc();
    if (req.has_header("Content-Length")) {
      const std::string len = req.get_header_value("Content-Length");
      std::uint64_t n = 0;
      const auto [end, ec] = std::from_chars(len.data(), len.data() + len.size(), n);
      if (ec == std::errc::result_out_of_range || (ec == std::errc() && n > config_.max_body_bytes)) {
        send_error(res, 413, "the body is larger than " + std::to_string(config_.max_body_bytes) + " bytes");
        return httplib::Server::HandlerResponse::Handled;
      }
      if (ec != std::errc() || end != len.data() + len.size()) {
        send_error(res, 400, "Content-Length '" + len + "' is not a number");
        return httplib::Server::HandlerResponse::Handled;
      }
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  s.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    const std::string message = res.status == 404   ? "no such resource: " + req.path
                                : res.status == 413 ? "the body is too large"
                                : res.status == 405 ? "method not allowed"
                                                    : "request failed";
    send_error(res, res.status, message);
  });
  s.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "internal error";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    log_error("api", what);
    send_error(res, 500, "internal error");
  });

  // Resolves the tenant from the bearer key, or answers 401 and returns nullopt.
  auto tenant_of = [this](const httplib::Request& req, httplib::Response& res) -> std::optional<TenantId> {
    const std::string auth = req.get_header_value("Authorization");
    constexpr std::string_view kBearer = "Bearer ";
    if (!auth.starts_with(kBearer) || auth.size() == kBearer.size()) {
      unauthorized_.inc();
      send_error(res, 401, "missing API key: send \"Authorization: Bearer KEY\"");
      return std::nullopt;
    }
    auto tenant = store_.tenant_for_key(auth.substr(kBearer.size()));
    if (!tenant) {
      // The database's own words go to the log: an unauthenticated caller learns only that the
      // service is unavailable, not PostgreSQL's host, user or error text.
      log_error("api", "looking up an API key: " + tenant.error().message());
      res.set_header("Retry-After", "5");
      send_error(res, 503, "the service is unavailable; try again shortly");
      return std::nullopt;
    }
    if (!*tenant) {
      unauthorized_.inc();
      send_error(res, 401, "unknown or revoked API key");
      return std::nullopt;
    }
    return **tenant;
  };

  s.Post("/v1/scans", [this, tenant_of](const httplib::Request& req, httplib::Response& res) {
    const auto tenant = tenant_of(req, res);
    if (!tenant) return;
    auto request = parse_scan_request(req.body, config_.max_images_per_scan, config_.oci_roots);
    if (!request) return send_error(res, 400, request.error().message());
    if (!request->repositories.empty() || !request->registries.empty()) {
      const std::size_t room = config_.max_images_per_scan - request->images.size();
      auto listed = expand_registry_targets(request->repositories, request->registries, *runner_.registries(), room);
      if (!listed) {
        const bool theirs = listed.error().code() == ErrorCode::kUnavailable || listed.error().code() == ErrorCode::kDenied;
        return send_error(res, theirs ? 502 : 400, listed.error().message());
      }
      if (listed->empty()) return send_error(res, 400, "the repositories and registries named hold no tagged images");
      request->images.insert(request->images.end(), listed->begin(), listed->end());
    }
    auto id = store_.create_scan(*tenant, request->priority, request->images);
    if (!id) return send_error(res, 503, id.error().message());
    // Durable from here: the scan is committed, and a restart resumes it.
    auto scan = store_.scan(*tenant, *id);
    if (scan && *scan) runner_.submit(**scan);
    send_json(res, 202, {{"id", *id}, {"state", "queued"}, {"images", request->images.size()}});
  });

  s.Get(R"(/v1/scans/([A-Za-z0-9-]{1,64}))", [this, tenant_of](const httplib::Request& req, httplib::Response& res) {
    const auto tenant = tenant_of(req, res);
    if (!tenant) return;
    auto scan = store_.scan(*tenant, req.matches[1]);
    if (!scan) return send_error(res, 503, scan.error().message());
    if (!*scan) return send_error(res, 404, "no scan " + std::string(req.matches[1]));
    send_json(res, 200, scan_json(**scan));
  });

  s.Get(R"(/v1/images/(sha256:[0-9a-f]{64}))", [this, tenant_of](const httplib::Request& req, httplib::Response& res) {
    const auto tenant = tenant_of(req, res);
    if (!tenant) return;
    // ?format= as `strata image --format`: the same bytes.
    static const std::map<std::string, std::string, std::less<>> kTypes = {
        {"json", "application/json"}, {"sarif", "application/sarif+json"},
        {"cyclonedx", "application/vnd.cyclonedx+json"}, {"csv", "text/csv"}, {"table", "text/plain"}};
    const std::string format = req.has_param("format") ? req.get_param_value("format") : "json";
    const auto type = kTypes.find(format);
    if (type == kTypes.end()) {
      return send_error(res, 400, "format '" + format + "' is not one of json, sarif, cyclonedx, csv, table");
    }
    auto report = store_.image_report(*tenant, req.matches[1], format);
    if (!report) return send_error(res, 503, report.error().message());
    if (!*report) return send_error(res, 404, "no image " + std::string(req.matches[1]));
    res.set_content(**report, type->second);
  });

  s.Get(R"(/v1/images/(sha256:[0-9a-f]{64})/inventory)",
        [this, tenant_of](const httplib::Request& req, httplib::Response& res) {
          const auto tenant = tenant_of(req, res);
          if (!tenant) return;
          auto inventory = store_.image_inventory(*tenant, req.matches[1]);
          if (!inventory) return send_error(res, 503, inventory.error().message());
          if (!*inventory) return send_error(res, 404, "no image " + std::string(req.matches[1]));
          res.set_content(**inventory, "application/json");
        });

  s.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    std::string body = metrics_.render();
    // Scans by state come from the store, so that every coordinator of a deployment agrees.
    if (auto states = store_.scans_by_state()) {
      body += "# HELP strata_scans Scans by state\n# TYPE strata_scans gauge\n";
      for (const char* state : {"queued", "running", "done"}) {
        const auto it = states->find(state);
        body += std::string("strata_scans{state=\"") + state + "\"} " +
                std::to_string(it == states->end() ? 0 : it->second) + "\n";
      }
    }
    res.set_content(body, "text/plain; version=0.0.4");
  });
  s.Get("/healthz", [](const httplib::Request&, httplib::Response& res) { res.set_content("ok\n", "text/plain"); });
}

}  // namespace strata::coordinator
