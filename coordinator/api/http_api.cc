#include "coordinator/api/http_api.h"

#include <charconv>
#include <cmath>

#include "common/log.h"
#include "coordinator/api/api_json.h"
#include "coordinator/api/dashboard_routes.h"
#include "coordinator/api/health_routes.h"

namespace strata::coordinator {
namespace {

std::string scope_word(Scopes needs) {
  const auto names = scope_names(needs);
  return names.empty() ? "" : names.front();
}

// Binds `server` to host:port (0: any free port); the port, or -1.
int bind_listener(httplib::Server& server, const std::string& host, int port) {
  if (port == 0) return server.bind_to_any_port(host.c_str());
  return server.bind_to_port(host.c_str(), port) ? port : -1;
}

}  // namespace

HttpApi::HttpApi(ApiConfig config, ScanStore& store, ScanRunner& runner, Tenants& tenants, AuditLog& audit, Quotas& quotas,
                 RegistryCredentials& registries, SecretRulesStore& secret_rules, FindingQueries& findings,
                 FleetQueries& fleet, MetricsRegistry& metrics, FeedServices feeds)
    : config_(std::move(config)),
      services_{config_, store, runner, tenants, audit, quotas, registries, secret_rules, findings, fleet, feeds},
      metrics_(metrics),
      guard_(config_.connections, metrics),
      limiter_(config_.requests_per_second, std::max(1.0, 2 * config_.requests_per_second)),
      requests_(metrics.counter("strata_api_requests_total", "HTTP requests served")),
      unauthorized_(metrics.counter("strata_api_unauthorized_total", "Requests refused for a missing or unknown key")),
      forbidden_(metrics.counter("strata_api_forbidden_total", "Requests refused for a key without the route's scope")),
      rate_limited_(metrics.counter("strata_api_rate_limited_total", "Requests refused by a tenant's rate limit or quota")) {}

HttpApi::~HttpApi() { stop(); }

Result<int> HttpApi::start() {
  if (config_.tls_cert_file.empty() != config_.tls_key_file.empty()) {
    return fail(ErrorCode::kInvalidInput, "TLS needs both a certificate (--tls-cert) and its key (--tls-key)");
  }
  const bool tls = !config_.tls_cert_file.empty();
  if (tls) {
    auto ssl = std::make_unique<httplib::SSLServer>(config_.tls_cert_file.c_str(), config_.tls_key_file.c_str());
    if (!ssl->is_valid()) {
      return fail(ErrorCode::kInvalidInput, "cannot serve TLS with certificate " + config_.tls_cert_file + " and key " +
                                                config_.tls_key_file + ": unreadable, not PEM, or not a pair");
    }
    server_ = std::move(ssl);
  } else {
    server_ = std::make_unique<httplib::Server>();
  }
  configure(*server_);
  add_scan_routes(*this, services_);
  add_image_routes(*this, services_);
  add_key_routes(*this, services_);
  add_registry_routes(*this, services_);
  add_audit_routes(*this, services_);
  add_secret_rule_routes(*this, services_);
  add_event_routes(*this, services_);
  add_webhook_routes(*this, services_);
  add_finding_routes(*this, services_);
  add_fleet_routes(*this, services_);
  add_report_routes(*this, services_);
  add_health_route(*server_);
  add_dashboard_routes(*server_);

  const int port = bind_listener(*server_, config_.host, config_.port);
  if (port <= 0) {
    return fail(ErrorCode::kUnavailable, "cannot listen on " + config_.host + ":" + std::to_string(config_.port));
  }
  guard_.guard(*server_, port);
  if (config_.operator_port >= 0) {
    operator_server_ = std::make_unique<httplib::Server>();
    operator_routes();
    operator_port_ = bind_listener(*operator_server_, config_.operator_host, config_.operator_port);
    if (operator_port_ <= 0) {
      return fail(ErrorCode::kUnavailable, "cannot listen on " + config_.operator_host + ":" +
                                               std::to_string(config_.operator_port) + " (the operator's port)");
    }
    guard_.guard(*operator_server_, operator_port_);
    operator_thread_ = std::thread([this] { operator_server_->listen_after_bind(); });
    log_info("api", "operator endpoints (/metrics, /healthz) on http://" + config_.operator_host + ":" +
                        std::to_string(operator_port_));
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  log_info("api", std::string("listening on ") + (tls ? "https://" : "http://") + config_.host + ":" + std::to_string(port));
  return port;
}

void HttpApi::stop() {
  if (thread_.joinable()) {
    server_->stop();
    thread_.join();
  }
  if (operator_thread_.joinable()) {
    operator_server_->stop();
    operator_thread_.join();
  }
}

void HttpApi::configure(httplib::Server& s) {
  s.set_payload_max_length(config_.max_body_bytes);
  s.set_read_timeout(config_.read_timeout_seconds, 0);
  s.set_write_timeout(config_.read_timeout_seconds, 0);
  s.set_keep_alive_timeout(config_.keep_alive_seconds);
  s.set_keep_alive_max_count(100);
  // The guard's deadlines follow each request: its head arrived, its response went out.
  s.set_logger([this](const httplib::Request& req, const httplib::Response&) { guard_.answered(req.remote_addr, req.remote_port); });
  // Refuse oversized bodies by their declared length, before reading them, with a JSON answer.
  s.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    requests_.inc();
    guard_.head_received(req.remote_addr, req.remote_port);
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
}

std::optional<Caller> HttpApi::authenticate(const httplib::Request& req, httplib::Response& res) {
  const std::string auth = req.get_header_value("Authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (!auth.starts_with(kBearer) || auth.size() == kBearer.size()) {
    unauthorized_.inc();
    send_error(res, 401, "missing API key: send \"Authorization: Bearer KEY\"");
    return std::nullopt;
  }
  auto caller = services_.tenants.authenticate(auth.substr(kBearer.size()));
  if (!caller) {
    // The database's own words go to the log: an unauthenticated caller learns only that the
    // service is unavailable, not PostgreSQL's host, user or error text.
    log_error("api", "looking up an API key: " + caller.error().message());
    res.set_header("Retry-After", "5");
    send_error(res, 503, "the service is unavailable; try again shortly");
    return std::nullopt;
  }
  if (!*caller) {
    unauthorized_.inc();
    send_error(res, 401, "unknown, revoked or expired API key");
    return std::nullopt;
  }
  return **caller;
}

void HttpApi::add(Method method, const std::string& pattern, Scopes needs, const std::string& action, Handler handler) {
  auto serve = [this, needs, action, handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
    guard_.handling(req.remote_addr, req.remote_port);  // the body is in; the application works now
    const auto caller = authenticate(req, res);
    if (!caller) return;
    Call call{req, res, *caller, {}};
    if (const auto wait = limiter_.take(caller->tenant)) {
      rate_limited_.inc();
      res.set_header("Retry-After", std::to_string(std::max<std::int64_t>(1, (wait->count() + 999) / 1000)));
      send_error(res, 429, "too many requests from this tenant; at most " +
                               std::to_string(static_cast<int>(config_.requests_per_second)) + " a second");
    } else if ((caller->scopes & needs) != needs) {
      forbidden_.inc();
      send_error(res, 403, "this key lacks the '" + scope_word(needs) + "' scope");
    } else {
      handler(call);
      if (res.status == 429) rate_limited_.inc();
    }
    if (action.empty()) return;
    // Refused calls are recorded too: a tenant sees what was tried with its keys.
    AuditEntry entry{0, caller->tenant, caller->key_id, action, call.target, res.status, req.remote_addr, {}};
    if (auto r = services_.audit.record(entry); !r) {
      log_error("api", "the audit log could not record " + action + " by key " + std::to_string(caller->key_id) + ": " +
                           r.error().message());
    }
  };
  switch (method) {
    case Method::kGet: server_->Get(pattern, serve); break;
    case Method::kPost: server_->Post(pattern, serve); break;
    case Method::kDelete: server_->Delete(pattern, serve); break;
  }
}

void HttpApi::operator_routes() {
  httplib::Server& s = *operator_server_;
  s.set_read_timeout(config_.read_timeout_seconds, 0);
  s.set_logger([this](const httplib::Request& req, const httplib::Response&) { guard_.answered(req.remote_addr, req.remote_port); });
  s.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response&) {
    guard_.head_received(req.remote_addr, req.remote_port);
    return httplib::Server::HandlerResponse::Unhandled;
  });
  add_metrics_route(s, metrics_, services_.store);
  add_health_route(s);
}

}  // namespace strata::coordinator
