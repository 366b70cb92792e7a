// Real servers for integration tests: a PostgreSQL server shared by the test process (the one the
// ctest fixture started, named by STRATA_TEST_SERVICES_ENV, or else one this process starts with
// deploy/local/services.sh and stops at exit) with a fresh database per test; a Redis server per
// test that the test can stop and start again; and child processes the test can kill -9.
#pragma once

#include <sys/types.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "tests/support/ports.h"

namespace strata::test {

// A PostgreSQL URL of a database no other test uses.
std::string fresh_database_url();
// Drops the database `url` names (made by fresh_database_url), ending its connections.
void drop_database(const std::string& url);

// A TCP connection to 127.0.0.1:port; the socket, or -1.
int connect_loopback(int port);

// A CA of the test's own (DIR/ca.pem) and a certificate it signed for 127.0.0.1 (DIR/server.pem,
// DIR/server.key), made with the openssl program; throws if it fails.
void make_test_certificates(const std::string& dir);

class RedisServer {
 public:
  // Starts it; with `tls_dir` (from make_test_certificates), it speaks TLS only.
  explicit RedisServer(std::string tls_dir = "");
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;
  std::string url() const { return (tls_dir_.empty() ? "redis://127.0.0.1:" : "rediss://127.0.0.1:") + std::to_string(port_); }
  int port() const { return port_; }
  void stop();
  void start();

 private:
  std::string dir_;
  std::string tls_dir_;
  int port_;
  pid_t pid_ = -1;
};

// A child process with extra environment, its output in a log file.
class ChildProcess {
 public:
  ChildProcess(std::vector<std::string> argv, std::string log_path);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  pid_t pid() const { return pid_; }
  bool running();
  void signal(int sig);
  // Sends SIGTERM and waits up to `seconds`; SIGKILL after. Returns the exit status (or -signal).
  int stop(int seconds = 30);
  int wait();
  std::string log() const;

 private:
  pid_t pid_ = -1;
  std::string log_path_;
  int status_ = 0;
  bool reaped_ = false;
};

// Waits until `predicate` holds, polling every 20 ms; false after `seconds`.
bool eventually(double seconds, const std::function<bool()>& predicate);

// HTTP for tests: a GET, POST or DELETE with optional bearer key; status, body and headers
// (names lowercased). Status 0: no answer (refused, reset, TLS failed). `ca_file` trusts that CA
// for https URLs.
struct HttpAnswer {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;
};
HttpAnswer http_request(const std::string& method, const std::string& url, const std::string* body,
                        const std::string& token = "", const std::string& ca_file = "");
// Trusts this CA file for every later https request that names none (a test's own CA).
void trust_ca_file(const std::string& ca_file);
HttpAnswer http_get(const std::string& url, const std::string& token = "");
HttpAnswer http_post(const std::string& url, const std::string& body, const std::string& token = "");
HttpAnswer http_delete(const std::string& url, const std::string& token = "");

// The value of an unlabelled (or exactly labelled, e.g. `strata_scans{state="done"}`) metric in
// a Prometheus text page; -1 when absent.
double metric(const std::string& page, const std::string& name);

}  // namespace strata::test
