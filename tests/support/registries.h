// Registries for tests, on loopback: the real one from Debian's `docker-registry` package (with
// htpasswd basic auth when asked), images pushed to it with `skopeo` from OCI layouts the tests
// build; and tests/support/fault_registry.py, which misbehaves on purpose and logs what it saw.
// Both are child processes stopped (by pid) when the object dies.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/process.h"
#include "tests/support/servers.h"

namespace strata::test {

// Whether the registry tools are installed; tests skip, saying so, when they are not.
bool have_registry_tools();

class RealRegistry {
 public:
  // With a user, the registry wants HTTP basic auth (htpasswd, bcrypt).
  explicit RealRegistry(const std::string& user = "", const std::string& password = "");
  ~RealRegistry();
  RealRegistry(const RealRegistry&) = delete;
  RealRegistry& operator=(const RealRegistry&) = delete;

  bool ready() const { return ready_; }
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
  // skopeo copy SOURCE (e.g. "oci:DIR:TAG") to HOST/DESTINATION (e.g. "team/app:1.0"); `all`
  // copies every image of an index.
  CommandResult push(const std::string& source, const std::string& destination, bool all = false) const;
  std::string log() const;

 private:
  std::string dir_;
  int port_ = 0;
  std::string user_;
  std::string password_;
  bool ready_ = false;
  std::unique_ptr<ChildProcess> process_;
};

class FaultRegistry {
 public:
  FaultRegistry(const std::string& layout_dir, const std::string& repository, const std::vector<std::string>& faults);
  ~FaultRegistry();
  FaultRegistry(const FaultRegistry&) = delete;
  FaultRegistry& operator=(const FaultRegistry&) = delete;

  bool ready() const { return port_ > 0; }
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
  // Every request answered so far, oldest first.
  std::vector<nlohmann::json> requests() const;

 private:
  std::string dir_;
  int port_ = 0;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace strata::test
