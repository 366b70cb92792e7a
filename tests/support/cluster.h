// A strata cluster as separate processes for end-to-end tests: a coordinator and N workers on
// free loopback ports, a fresh PostgreSQL database, a Redis server of its own, a vulnerability
// database imported from a small feed, and a tenant. Every part can be killed and started again.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/servers.h"

namespace strata::test {

struct ClusterOptions {
  int workers = 2;
  bool start_workers = true;  // false: start them with start_worker()
  int slots = 2;
  bool redis = true;
  bool redis_tls = false;  // Redis speaks TLS only (rediss://, the test's own CA)
  int heartbeat_ms = 200;
  int worker_timeout_ms = 1500;
  std::vector<std::string> worker_args{};  // extra flags for every worker
  std::vector<std::string> coordinator_args{};  // extra flags for the coordinator's serve
  // Where tenants may name oci: layouts (the tests write theirs under /tmp).
  std::vector<std::string> oci_roots{"/tmp"};
  // The tests' registries listen on loopback, which a real deployment refuses tenants.
  bool allow_private_registries = true;
  // A database of the test's own (a PostgreSQL it may stop); default: a fresh one on the shared server.
  std::string database_url{};
  // CurveZMQ on the worker channel, with a key pair per worker (keys/ in the cluster's directory).
  bool curve = true;
  // The API's per-tenant limits at their defaults; off, the tests' polling and bursts of scans
  // are never refused (no request rate limit, 100,000 scans a minute).
  bool api_limits = false;
  // The API over TLS, with a certificate for 127.0.0.1 from a CA of the test's own (trusted by
  // the test's HTTP helpers): server() is then https://.
  bool tls = false;
  // Match with the PostgreSQL feed store (rescanned after every import, polled every 300 ms)
  // instead of the SQLite file vulndb(); it starts empty: import_feeds() fills it.
  bool feed_store = false;
};

class Cluster {
 public:
  explicit Cluster(ClusterOptions options = {});
  ~Cluster();

  void start_coordinator();
  ChildProcess& coordinator() { return *coordinator_; }
  void start_worker(std::size_t i);
  ChildProcess& worker(std::size_t i) { return *workers_.at(i); }
  std::size_t worker_count() const { return workers_.size(); }
  RedisServer& redis() { return *redis_; }

  std::string server() const {
    return (options_.tls ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(http_port_);
  }
  // With tls: the CA that signed the API's certificate.
  std::string ca_file() const { return dir_ + "/tls/ca.pem"; }
  // The operator's listener: /metrics.
  std::string operator_server() const { return "http://127.0.0.1:" + std::to_string(operator_port_); }
  std::string worker_metrics_url(std::size_t i) const {
    return "http://127.0.0.1:" + std::to_string(metrics_ports_.at(i)) + "/metrics";
  }
  const std::string& dir() const { return dir_; }
  std::string worker_address() const { return "tcp://127.0.0.1:" + std::to_string(worker_port_); }
  const std::string& vulndb() const { return vulndb_; }
  // The test feed vulndb() was made from (one OSV file per record).
  std::string feed_dir() const { return dir_ + "/feed"; }
  // `strata-coordinator feeds import PATH...` on the cluster's database; its output (throws when
  // it fails).
  std::string import_feeds(const std::vector<std::string>& paths);
  const std::string& token() const { return token_; }
  const std::string& database_url() const { return database_url_; }
  std::string create_tenant(const std::string& name);

  // POST /v1/scans as the given tenant (default: the cluster's own); the scan id.
  std::string submit(const std::vector<std::string>& refs, const std::string& priority = "bulk",
                     const std::string& token = "");
  // Polls until the scan is done; the scan document (null JSON on timeout).
  nlohmann::json wait(const std::string& scan_id, double seconds = 120, const std::string& token = "");
  nlohmann::json status(const std::string& scan_id, const std::string& token = "");
  // POST /v1/scans with `body` (fleet targets are listed after the answer), then the finished scan
  // document; throws when it is refused or does not finish in `seconds`.
  nlohmann::json scan_request(const nlohmann::json& body, const std::string& token = "", double seconds = 120);
  std::string metrics() const;
  // Everything the processes logged, for failure messages.
  std::string logs() const;

 private:
  ClusterOptions options_;
  std::string dir_;
  std::string database_url_;
  std::unique_ptr<RedisServer> redis_;
  std::string vulndb_;
  std::string token_;
  int http_port_;
  int operator_port_;
  int worker_port_;
  std::vector<int> metrics_ports_;
  std::unique_ptr<ChildProcess> coordinator_;
  std::vector<std::unique_ptr<ChildProcess>> workers_;
  int coordinator_starts_ = 0;
};

// Writes a small OSV feed that gives the fleet's Debian and Alpine bases findings.
void write_test_feed(const std::string& dir);

}  // namespace strata::test
