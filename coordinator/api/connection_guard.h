// Keeps slow and greedy clients from holding the API's threads (slowloris). cpp-httplib (0.11 in
// Debian 12) serves each connection on a pool thread and times out each read on its own, so a
// client that drips one byte every few seconds holds a thread for as long as it likes; it has no
// deadline for a whole request and hands no accepted socket to the application.
//
// The guard is the server's task queue. httplib calls enqueue() on its listener thread right after
// accept(), so the one connected socket of this listener that the guard does not know yet is the
// new connection: found by its inode in /proc/self/fd. The guard then
//   - refuses it at once (shutdown) when the queue of connections waiting for a thread is full, or
//     its address already holds `max_per_address` connections;
//   - gives it `header_deadline` from the moment it is accepted (or its previous response was
//     sent) to deliver a whole request head, TLS handshake included, and `body_deadline` for the
//     body after that; a watchdog shuts down a connection that misses either, which ends its
//     thread's reads at once.
// HttpApi tells the guard when a request's head has arrived and when its handler starts.
#pragma once

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/metrics/metrics.h"

namespace strata::coordinator {

struct ConnectionLimits {
  unsigned threads = 64;
  std::size_t max_queued = 1024;                   // connections accepted, waiting for a thread
  std::size_t max_per_address = 32;                // 0: unlimited (behind a proxy, every client is one address)
  std::chrono::milliseconds header_deadline{10'000};
  std::chrono::milliseconds body_deadline{30'000};
};

class ConnectionGuard {
 public:
  ConnectionGuard(ConnectionLimits limits, MetricsRegistry& metrics);
  ~ConnectionGuard();
  ConnectionGuard(const ConnectionGuard&) = delete;
  ConnectionGuard& operator=(const ConnectionGuard&) = delete;

  // Installs the guard as `server`'s task queue for connections accepted on `port`.
  void guard(httplib::Server& server, int port);

  // From the request's thread: its head arrived (the body may follow); its handler starts (no
  // deadline while the application works); its response was sent (the next request's head is due).
  void head_received(const std::string& address, int port);
  void handling(const std::string& address, int port);
  void answered(const std::string& address, int port);

 private:
  enum class Phase { kHead, kBody, kHandling };
  struct Connection {
    int fd = -1;
    unsigned long inode = 0;
    std::string address;
    int port = 0;
    Phase phase = Phase::kHead;
    std::chrono::steady_clock::time_point since;
    bool cut = false;
  };
  class Queue;

  // The new connection on `listen_port`: registered, or refused. Returns its key (inode), 0 if none.
  unsigned long admit(int listen_port, std::size_t queued);
  void closed(unsigned long inode);
  void set_phase(const std::string& address, int port, Phase phase);
  void watch();

  ConnectionLimits limits_;
  std::mutex mutex_;
  std::map<unsigned long, Connection> connections_;  // by socket inode
  bool stopping_ = false;
  std::condition_variable stop_;
  std::thread watchdog_;
  Counter& cut_;
  Counter& refused_;
};

}  // namespace strata::coordinator
