#include "tests/support/cluster.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "tests/support/image_builder.h"
#include "tests/support/process.h"

namespace strata::test {
namespace {

namespace fs = std::filesystem;

}  // namespace

void write_test_feed(const std::string& dir) {
  fs::create_directories(dir);
  std::ofstream(dir + "/debian-openssl.json")
      << R"({"id":"DEBIAN-CVE-2024-0727","aliases":["CVE-2024-0727"],"summary":"PKCS12 NULL dereference",
            "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"}],
            "affected":[{"package":{"ecosystem":"Debian:12","name":"openssl"},
                         "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"3.0.13-1~deb12u1"}]}]}]})";
  std::ofstream(dir + "/debian-curl.json")
      << R"({"id":"DEBIAN-CVE-2024-2398","aliases":["CVE-2024-2398"],"summary":"HTTP/2 push headers memory leak",
            "affected":[{"package":{"ecosystem":"Debian:12","name":"curl"},
                         "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]}]})";
  std::ofstream(dir + "/alpine-musl.json")
      << R"({"id":"ALPINE-CVE-2025-26519","aliases":["CVE-2025-26519"],"summary":"musl iconv out-of-bounds write",
            "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
            "affected":[{"package":{"ecosystem":"Alpine:v3.19","name":"musl"},
                         "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.2.4_git20230717-r5"}]}]}]})";
}

Cluster::Cluster(ClusterOptions options)
    : options_(options),
      dir_(temp_dir()),
      database_url_(options.database_url.empty() ? fresh_database_url() : options.database_url),
      http_port_(free_port()),
      operator_port_(free_port()),
      worker_port_(free_port()) {
  if (options_.redis) {
    if (options_.redis_tls) make_test_certificates(dir_ + "/redis-tls");
    redis_ = std::make_unique<RedisServer>(options_.redis_tls ? dir_ + "/redis-tls" : "");
  }
  if (options_.curve) {
    const std::string keys = std::string(STRATA_COORDINATOR_BINARY) + " keys " + dir_ + "/keys";
    auto made = run_command(keys + " --name coordinator");
    // At least one worker key: the coordinator admits no one without a list.
    for (int i = 0; i < std::max(options_.workers, 1) && made.exit_code == 0; ++i) {
      made = run_command(keys + "/workers --name worker-" + std::to_string(i));
    }
    if (made.exit_code != 0) throw std::runtime_error("strata-coordinator keys: " + made.out);
  }
  if (options_.tls) {
    // A CA, and a certificate for 127.0.0.1 that it signed.
    make_test_certificates(dir_ + "/tls");
    trust_ca_file(ca_file());
  }
  // The key that seals tenants' registry credentials.
  if (auto made = run_command(std::string(STRATA_COORDINATOR_BINARY) + " credentials-key " + dir_ + "/credentials.key");
      made.exit_code != 0) {
    throw std::runtime_error("strata-coordinator credentials-key: " + made.out);
  }
  std::ofstream(dir_ + "/fingerprint.secret") << "test-fingerprint-secret-" << http_port_ << "\n";
  // The cluster's cache secret, shared by the coordinator and the workers.
  std::ofstream(dir_ + "/cache.secret") << "test-cache-secret-" << http_port_ << "-" << worker_port_ << "\n";
  write_test_feed(dir_ + "/feed");
  vulndb_ = dir_ + "/vulndb.sqlite";
  const auto imported = run_command(std::string(STRATA_BINARY) + " db import --db " + vulndb_ + " " + dir_ + "/feed");
  if (imported.exit_code != 0) throw std::runtime_error("strata db import: " + imported.out);
  token_ = create_tenant("tenant-a");
  for (int i = 0; i < options_.workers; ++i) metrics_ports_.push_back(free_port());
  start_coordinator();
  workers_.resize(static_cast<std::size_t>(options_.workers));
  if (options_.start_workers) {
    for (std::size_t i = 0; i < workers_.size(); ++i) start_worker(i);
  }
}

// Stops a process the test left running; it must drain and exit 0 on SIGTERM, and under the
// sanitizers, exit 0 also means no leak or error was reported.
void stop_cleanly(ChildProcess& p, const std::string& name) {
  if (!p.running()) return;  // the test killed it, and checked what it wanted
  const int status = p.stop(20);
  if (status != 0) ADD_FAILURE() << name << " exited with " << status << " after SIGTERM:\n" << p.log();
}

Cluster::~Cluster() {
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    if (workers_[i]) stop_cleanly(*workers_[i], "worker-" + std::to_string(i));
  }
  if (coordinator_) stop_cleanly(*coordinator_, "the coordinator");
  redis_.reset();
  if (options_.tls) trust_ca_file("");
  fs::remove_all(dir_);
}

std::string Cluster::import_feeds(const std::vector<std::string>& paths) {
  std::string command = std::string(STRATA_COORDINATOR_BINARY) + " --database-url '" + database_url_ + "' feeds import";
  for (const auto& path : paths) command += " '" + path + "'";
  const auto r = run_command(command);
  if (r.exit_code != 0) throw std::runtime_error("feeds import: " + r.out);
  return r.out;
}

std::string Cluster::create_tenant(const std::string& name) {
  const auto r = run_command(std::string(STRATA_COORDINATOR_BINARY) + " --database-url '" + database_url_ +
                                 "' tenant create " + name,
                             /*with_stderr=*/false);
  if (r.exit_code != 0) throw std::runtime_error("tenant create: " + r.out);
  std::string out = r.out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out.substr(out.rfind('\n') + 1);
}

void Cluster::start_coordinator() {
  std::vector<std::string> argv = {STRATA_COORDINATOR_BINARY,
                                   "--database-url", database_url_,
                                   "serve",
                                   "--http-port", std::to_string(http_port_),
                                   "--operator-port", std::to_string(operator_port_),
                                   "--credentials-key-file", dir_ + "/credentials.key",
                                   "--fingerprint-secret-file", dir_ + "/fingerprint.secret",
                                   "--worker-bind", "tcp://127.0.0.1:" + std::to_string(worker_port_),
                                   "--heartbeat-ms", std::to_string(options_.heartbeat_ms),
                                   "--worker-timeout-ms", std::to_string(options_.worker_timeout_ms)};
  if (redis_) {
    argv.push_back("--redis");
    argv.push_back(redis_->url());
    argv.push_back("--cache-secret-file");
    argv.push_back(dir_ + "/cache.secret");
    if (options_.redis_tls) {
      argv.push_back("--redis-ca-file");
      argv.push_back(dir_ + "/redis-tls/ca.pem");
    }
  }
  if (options_.feed_store) {
    argv.insert(argv.end(), {"--feed-poll-ms", "300"});
  } else {
    argv.insert(argv.end(), {"--db", vulndb_});
  }
  if (options_.allow_private_registries) argv.push_back("--allow-private-registries");
  if (options_.tls) {
    argv.insert(argv.end(), {"--tls-cert", dir_ + "/tls/server.pem", "--tls-key", dir_ + "/tls/server.key"});
  }
  if (!options_.api_limits) {
    argv.insert(argv.end(), {"--requests-per-second", "0", "--quota-scans-per-minute", "100000"});
  }
  if (options_.curve) {
    argv.insert(argv.end(), {"--curve-key", dir_ + "/keys/coordinator.key", "--authorized-workers", dir_ + "/keys/workers"});
  }
  argv.insert(argv.end(), options_.coordinator_args.begin(), options_.coordinator_args.end());
  for (const auto& root : options_.oci_roots) {
    argv.push_back("--oci-root");
    argv.push_back(root);
  }
  coordinator_ = std::make_unique<ChildProcess>(argv, dir_ + "/coordinator-" + std::to_string(coordinator_starts_++) + ".log");
  if (!eventually(20, [&] { return http_get(server() + "/healthz").status == 200; })) {
    throw std::runtime_error("the coordinator did not come up: " + coordinator_->log());
  }
}

void Cluster::start_worker(std::size_t i) {
  std::vector<std::string> argv = {STRATA_WORKER_BINARY,
                                   "--coordinator", "tcp://127.0.0.1:" + std::to_string(worker_port_),
                                   "--name", "worker-" + std::to_string(i),
                                   "--slots", std::to_string(options_.slots),
                                   "--metrics-port", std::to_string(metrics_ports_[i])};
  if (redis_) {
    argv.push_back("--redis");
    argv.push_back(redis_->url());
    argv.push_back("--cache-secret-file");
    argv.push_back(dir_ + "/cache.secret");
    if (options_.redis_tls) {
      argv.push_back("--redis-ca-file");
      argv.push_back(dir_ + "/redis-tls/ca.pem");
    }
  }
  if (options_.allow_private_registries) argv.push_back("--allow-private-registries");
  if (options_.curve) {
    argv.insert(argv.end(), {"--curve-key", dir_ + "/keys/workers/worker-" + std::to_string(i) + ".key",
                             "--coordinator-key", dir_ + "/keys/coordinator.pub"});
  }
  argv.insert(argv.end(), options_.worker_args.begin(), options_.worker_args.end());
  workers_[i] = std::make_unique<ChildProcess>(argv, dir_ + "/worker-" + std::to_string(i) + ".log");
  if (!eventually(20, [&] { return http_get(worker_metrics_url(i)).status == 200; })) {
    throw std::runtime_error("worker " + std::to_string(i) + " did not come up: " + workers_[i]->log());
  }
}

std::string Cluster::submit(const std::vector<std::string>& refs, const std::string& priority,
                            const std::string& token) {
  const nlohmann::json body = {{"images", refs}, {"priority", priority}};
  const auto r = http_post(server() + "/v1/scans", body.dump(), token.empty() ? token_ : token);
  if (r.status != 202) throw std::runtime_error("POST /v1/scans: HTTP " + std::to_string(r.status) + ": " + r.body);
  return nlohmann::json::parse(r.body)["id"];
}

nlohmann::json Cluster::scan_request(const nlohmann::json& body, const std::string& token, double seconds) {
  const std::string key = token.empty() ? token_ : token;
  const auto r = http_post(server() + "/v1/scans", body.dump(), key);
  if (r.status != 202) throw std::runtime_error("POST /v1/scans: HTTP " + std::to_string(r.status) + ": " + r.body);
  auto done = wait(nlohmann::json::parse(r.body)["id"], seconds, key);
  if (done.is_null()) throw std::runtime_error("the scan did not finish: " + logs());
  return done;
}

nlohmann::json Cluster::status(const std::string& scan_id, const std::string& token) {
  const auto r = http_get(server() + "/v1/scans/" + scan_id, token.empty() ? token_ : token);
  return r.status == 200 ? nlohmann::json::parse(r.body) : nlohmann::json();
}

nlohmann::json Cluster::wait(const std::string& scan_id, double seconds, const std::string& token) {
  nlohmann::json doc;
  const bool done = eventually(seconds, [&] {
    doc = status(scan_id, token);
    return !doc.is_null() && doc["state"] == "done";
  });
  return done ? doc : nlohmann::json();
}

std::string Cluster::metrics() const { return http_get(operator_server() + "/metrics").body; }

std::string Cluster::logs() const {
  std::string out;
  for (const auto& entry : fs::directory_iterator(dir_)) {
    if (entry.path().extension() == ".log") {
      out += "==== " + entry.path().filename().string() + "\n";
      std::ifstream in(entry.path());
      out.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
  }
  return out;
}

}  // namespace strata::test
