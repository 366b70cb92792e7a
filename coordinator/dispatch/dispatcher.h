// The coordinator's link to its workers: a ROUTER socket, the Scheduler, and one thread that owns
// both. Other threads hand it layer requests through a locked inbox and an eventfd that wakes
// its poll; it answers each request, on its own thread, through the request's callback once the
// layer's analysis arrives or the layer is given up on (quarantined, out of attempts).
#pragma once

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <capnp/message.h>

#include "common/image/layer_analysis.h"
#include "common/metrics/metrics.h"
#include "coordinator/scheduler/scheduler.h"
#include "common/wire/walk_limits.h"

namespace strata::coordinator {

class CurveAuthenticator;

class JobLog;

using LayerCallback = std::function<void(Result<std::shared_ptr<const LayerAnalysis>>)>;

struct LayerNeed {
  LayerRequest layer;
  Priority priority = Priority::kBulk;
  TenantId tenant = 0;
  LayerCallback done;  // called on the dispatcher thread; keep it short
};

struct DispatcherConfig {
  std::string bind = "tcp://127.0.0.1:7601";
  SchedulerConfig scheduler;
  WalkLimits limits;
  std::uint32_t cache_ttl_seconds = 14 * 24 * 3600;
  std::chrono::milliseconds heartbeat{1000};
  std::uint64_t analyzer_set = 0;  // workers announcing another set are refused
  // A peer sending a larger message is disconnected by ZeroMQ before it is read into memory.
  std::int64_t max_message_bytes = std::int64_t{512} << 20;
  // CurveZMQ (curve_auth.h): the coordinator's secret key and the workers' public keys it admits.
  // Both empty: a plain socket, for a private network only.
  std::string curve_secret_key;
  std::set<std::string> authorized_workers;
};

class Dispatcher {
 public:
  Dispatcher(DispatcherConfig config, MetricsRegistry& metrics, JobLog* log, std::uint64_t first_job_id,
             const std::map<std::string, std::string>& quarantined);
  ~Dispatcher();

  // Binds the socket; errors name the address.
  Result<void> start();
  void stop();
  // Thread-safe.
  void request(std::vector<LayerNeed> needs);

 private:
  struct Inbox;
  void loop();
  void handle_requests();
  void handle_worker_message();
  void send_jobs();
  void send(const std::string& worker, capnp::MessageBuilder& message);
  void finish(const JobEnd& end, Result<std::shared_ptr<const LayerAnalysis>> result);
  void publish_gauges();
  void remember(const std::string& key, const std::shared_ptr<const LayerAnalysis>& analysis, std::size_t bytes);
  // A recent analysis for LayerRequest::job_key() `key`: the same blob, diff_id and secret rules
  // (anything else: nothing).
  std::shared_ptr<const LayerAnalysis> recall(const std::string& key);

  DispatcherConfig config_;
  Scheduler scheduler_;
  JobLog* log_;
  std::unique_ptr<Inbox> inbox_;
  struct Waiter {
    TenantId tenant = 0;
    LayerCallback done;
  };
  std::map<WaiterId, Waiter> waiters_;
  WaiterId next_waiter_ = 1;
  // Layers that finished moments ago. An image that looked the cache up just before a layer's
  // result was stored there, and asks for it just after its job ended, gets it from here instead
  // of analysing it a second time. Bounded by age and count.
  struct Recent {
    std::shared_ptr<const LayerAnalysis> analysis;
    Clock::time_point at;
    std::size_t bytes = 0;  // its encoded size, for the bound on all of them
  };
  std::map<std::string, Recent, std::less<>> recent_;
  std::deque<std::string> recent_order_;
  std::size_t recent_bytes_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  struct Sockets;
  std::unique_ptr<Sockets> sockets_;
  std::unique_ptr<CurveAuthenticator> authenticator_;  // constructed before the socket binds

  Counter& analyzed_;
  Counter& bytes_read_;
  Counter& dispatched_;
  Counter& failed_;
  Counter& quarantined_;
  Counter& requeued_;
  Counter& refused_workers_;
  Gauge& queued_;
  Gauge& leased_;
  Gauge& workers_;
  Gauge& handshakes_refused_;
  Histogram& latency_;
};

}  // namespace strata::coordinator
