// CurveZMQ for the worker channel: the coordinator's ROUTER is a CURVE server, and a ZAP handler
// (ZeroMQ RFC 27) admits only clients whose public key the operator listed, so a peer without a
// listed key never completes the handshake and never sees a job, a token or a blob location
// (issue 14, defect 6). Key files: common/wire/curve_key.h, made by `strata-coordinator keys`. The handler runs on a thread of its own in the socket's context;
// it must be constructed before the ROUTER binds, and outlive it.
#pragma once

#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "common/error.h"

namespace zmq {
class context_t;
}

namespace strata::coordinator {

// The Z85 public keys in every `*.pub` file of `dir`.
Result<std::set<std::string>> read_authorized_keys(const std::string& dir);

// Writes a new key pair as NAME.key (secret, mode 0600) and NAME.pub in `dir`; returns the public key.
Result<std::string> write_key_pair(const std::string& dir, const std::string& name);

class CurveAuthenticator {
 public:
  CurveAuthenticator(zmq::context_t& context, std::set<std::string> allowed_public_keys);
  ~CurveAuthenticator();
  CurveAuthenticator(const CurveAuthenticator&) = delete;
  CurveAuthenticator& operator=(const CurveAuthenticator&) = delete;

  std::uint64_t refused() const { return refused_.load(); }

 private:
  void loop();

  zmq::context_t& context_;
  std::set<std::string> allowed_;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> refused_{0};
  std::atomic<bool> bound_{false};
  std::thread thread_;
};

}  // namespace strata::coordinator
