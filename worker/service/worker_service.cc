#include "worker/service/worker_service.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include <httplib.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>

#include "common/log.h"
#include "worker/api/analyzer_registry.h"
#include "common/wire/frames.h"
#include "worker/service/run_job.h"
#include "worker/service/secret_rule_sets.h"

namespace strata::worker {
namespace {

// Stream buffers, decompressor state, the walk's bookkeeping and the layer's file listing (at most
// 32 MiB, worker/analyzer/file_facts.cc), beyond the largest entry.
constexpr std::uint64_t kJobOverheadBytes = 64ull << 20;

using Clock = std::chrono::steady_clock;

class Completions {
 public:
  Completions() : fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}
  ~Completions() { ::close(fd_); }
  int fd() const { return fd_; }
  void push(JobOutcome outcome) {
    {
      std::lock_guard lock(mutex_);
      queue_.push_back(std::move(outcome));
    }
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = ::write(fd_, &one, sizeof one);
  }
  std::deque<JobOutcome> take() {
    std::uint64_t count = 0;
    [[maybe_unused]] const ssize_t n = ::read(fd_, &count, sizeof count);
    std::lock_guard lock(mutex_);
    return std::exchange(queue_, {});
  }

 private:
  int fd_;
  std::mutex mutex_;
  std::deque<JobOutcome> queue_;
};

class Worker {
 public:
  explicit Worker(const WorkerConfig& config)
      : config_(config),
        registry_(builtin_analyzers()),
        cache_(config.cache, metrics_),
        metrics_view_(metrics_),
        // TBB's pool defaults to one thread per core less one; a worker runs `slots` jobs at once
        // whatever the cores (jobs wait on disks and networks too), and no arena slot is kept for
        // this thread, which only runs the socket loop.
        parallelism_(tbb::global_control::max_allowed_parallelism, config.slots + 1),
        arena_(static_cast<int>(config.slots), 0),
        socket_(context_, zmq::socket_type::dealer) {
    socket_.set(zmq::sockopt::routing_id, config_.name);
    if (!config_.curve_secret_key.empty()) {
      char public_key[41];
      zmq_curve_public(public_key, config_.curve_secret_key.c_str());
      socket_.set(zmq::sockopt::curve_serverkey, config_.curve_server_key);
      socket_.set(zmq::sockopt::curve_publickey, std::string(public_key));
      socket_.set(zmq::sockopt::curve_secretkey, config_.curve_secret_key);
    }
    socket_.set(zmq::sockopt::linger, 2000);
    // Reconnect quickly after a coordinator restart.
    socket_.set(zmq::sockopt::reconnect_ivl, 100);
    socket_.set(zmq::sockopt::reconnect_ivl_max, 1000);
  }

  int run(const std::atomic<bool>& stop) {
    start_metrics_server();
    socket_.connect(config_.coordinator);
    log_info("worker", config_.name + ": connecting to " + config_.coordinator + " with " +
                           std::to_string(config_.slots) + " slots");
    send_ready(config_.slots);
    auto next_heartbeat = Clock::now() + heartbeat_;
    bool draining = false;
    Clock::time_point drain_deadline;
    while (true) {
      if (stop.load() && !draining) {
        draining = true;
        drain_deadline = Clock::now() + config_.drain_timeout;
        log_info("worker", "stopping: finishing " + std::to_string(running_.size()) + " running jobs");
        send_goodbye({});  // withdraws the credits; nothing handed back yet
      }
      if (draining && running_.empty()) break;
      if (draining && Clock::now() >= drain_deadline) {
        std::vector<std::uint64_t> unfinished;
        for (auto& [id, control] : running_) {
          unfinished.push_back(id);
          control->cancelled.store(true);
        }
        log_warn("worker", "drain timeout: handing back " + std::to_string(unfinished.size()) + " jobs");
        send_goodbye(unfinished);
        break;
      }
      const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_heartbeat - Clock::now());
      zmq_pollitem_t items[] = {{socket_.handle(), 0, ZMQ_POLLIN, 0}, {nullptr, completions_.fd(), ZMQ_POLLIN, 0}};
      try {
        zmq::poll(items, 2, std::chrono::milliseconds(std::clamp<long>(wait.count(), 0, 200)));
      } catch (const zmq::error_t& e) {
        // Never std::terminate from this loop: a signal (SIGTERM) retries and the next turn starts
        // draining, the context's end stops, anything else is logged and retried after a pause.
        if (e.num() == EINTR) continue;
        if (e.num() == ETERM) {
          log_warn("worker", "the ZeroMQ context ended: the worker stops");
          break;
        }
        log_error("worker", std::string("polling the coordinator's socket failed: ") + e.what() + "; retrying");
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        continue;
      }
      if ((items[1].revents & ZMQ_POLLIN) != 0) {
        for (auto& outcome : completions_.take()) report(outcome);
      }
      if ((items[0].revents & ZMQ_POLLIN) != 0) receive(draining);
      if (Clock::now() >= next_heartbeat) {
        send_heartbeat();
        next_heartbeat = Clock::now() + heartbeat_;
      }
    }
    if (!running_.empty()) {
      // Handed back: the cancelled jobs stop at their next read. One stuck inside a system call
      // (a hung network file system) cannot be joined, so after a grace period the worker leaves
      // without it; the coordinator has its lease back already.
      const auto grace = Clock::now() + std::chrono::seconds(2);
      while (!running_.empty() && Clock::now() < grace) {
        zmq_pollitem_t item{nullptr, completions_.fd(), ZMQ_POLLIN, 0};
        zmq::poll(&item, 1, std::chrono::milliseconds(50));
        for (const auto& outcome : completions_.take()) running_.erase(outcome.id);
      }
      if (!running_.empty()) {
        log_warn("worker", config_.name + ": " + std::to_string(running_.size()) +
                               " handed-back jobs are stuck in a read; leaving without them");
        socket_.close();
        context_.close();  // waits (up to the linger) until the goodbye is sent
        std::_Exit(0);
      }
    }
    arena_.execute([&] { tasks_.wait(); });
    for (auto& outcome : completions_.take()) report(outcome);
    if (metrics_server_) {
      metrics_server_->stop();
      metrics_thread_.join();
    }
    log_info("worker", config_.name + ": stopped");
    return 0;
  }

 private:
  void start_metrics_server() {
    if (config_.metrics_port == 0) return;
    metrics_server_ = std::make_unique<httplib::Server>();
    metrics_server_->Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(metrics_.render(), "text/plain; version=0.0.4");
    });
    metrics_server_->Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("ok\n", "text/plain");
    });
    if (!metrics_server_->bind_to_port(config_.metrics_host.c_str(), config_.metrics_port)) {
      log_error("worker", "cannot listen on " + config_.metrics_host + ":" + std::to_string(config_.metrics_port) +
                              " for metrics; going on without them");
      metrics_server_.reset();
      return;
    }
    metrics_thread_ = std::thread([this] { metrics_server_->listen_after_bind(); });
  }

  void send(capnp::MessageBuilder& message) { socket_.send(to_frame(message), zmq::send_flags::dontwait); }

  void send_ready(unsigned free_slots) {
    capnp::MallocMessageBuilder message;
    auto ready = message.initRoot<wire::WorkerMessage>().initReady();
    ready.setName(config_.name);
    ready.setSlots(free_slots);
    ready.setAnalyzerSet(registry_.set_version());
    ready.setProtocol(wire::PROTOCOL_VERSION);
    send(message);
  }

  void send_heartbeat() {
    capnp::MallocMessageBuilder message;
    auto hb = message.initRoot<wire::WorkerMessage>().initHeartbeat();
    auto ids = hb.initRunning(static_cast<unsigned>(running_.size()));
    auto bytes = hb.initBytesRead(static_cast<unsigned>(running_.size()));
    unsigned i = 0;
    for (const auto& [id, control] : running_) {
      bytes.set(i, control->bytes_read.load(std::memory_order_relaxed));
      ids.set(i++, id);
    }
    send(message);
  }

  void send_goodbye(const std::vector<std::uint64_t>& handed_back) {
    capnp::MallocMessageBuilder message;
    auto bye = message.initRoot<wire::WorkerMessage>().initGoodbye();
    auto ids = bye.initHandedBack(static_cast<unsigned>(handed_back.size()));
    for (unsigned i = 0; i < handed_back.size(); ++i) ids.set(i, handed_back[i]);
    send(message);
  }

  void receive(bool draining) {
    while (true) {
      zmq::message_t frame;
      if (!socket_.recv(frame, zmq::recv_flags::dontwait)) return;
      try {
        FrameReader reader(frame);
        auto msg = reader.root<wire::CoordinatorMessage>();
        switch (msg.which()) {
          case wire::CoordinatorMessage::JOB: start(from_wire(msg.getJob()), draining); break;
          case wire::CoordinatorMessage::CANCEL: {
            const auto it = running_.find(msg.getCancel().getJobId());
            if (it != running_.end()) it->second->cancelled.store(true);
            break;
          }
          case wire::CoordinatorMessage::WELCOME: {
            const auto w = msg.getWelcome();
            if (w.getHeartbeatMillis() > 0) heartbeat_ = std::chrono::milliseconds(w.getHeartbeatMillis());
            if (w.getAnnounce() && !draining) {
              log_info("worker", "the coordinator does not know this worker (it restarted?): announcing again");
              send_ready(config_.slots - static_cast<unsigned>(running_.size()));
            }
            break;
          }
        }
      } catch (const kj::Exception& e) {
        log_warn("worker", std::string("dropped a malformed message from the coordinator: ") + e.getDescription().cStr());
      }
    }
  }

  void start(JobSpec job, bool draining) {
    const std::uint64_t need = job.limits.max_entry_bytes + kJobOverheadBytes;
    if (draining || need > config_.job_memory_bytes) {
      JobOutcome refused;
      refused.id = job.id;
      refused.diff_id = job.diff_id;
      refused.digest = job.digest;
      refused.retryable = true;
      refused.error_code = std::string(to_string(draining ? ErrorCode::kUnavailable : ErrorCode::kLimitExceeded));
      refused.error = draining ? "worker " + config_.name + " is stopping"
                               : "layer " + job.digest + ": the job's limits allow " + std::to_string(need >> 20) +
                                     " MiB, more than this worker's per-job memory of " +
                                     std::to_string(config_.job_memory_bytes >> 20) + " MiB";
      report(refused);
      return;
    }
    auto control = std::make_shared<JobControl>();
    running_.emplace(job.id, control);
    metrics_view_.busy_slots.set(static_cast<std::int64_t>(running_.size()));
    arena_.execute([&] {
      tasks_.run([this, job = std::move(job), control] {
        // A tenant's own secret rules: their analyzer set, compiled here (on a task, not on the
        // loop that answers the coordinator) the first time a job names them.
        std::shared_ptr<const AnalyzerRegistry> custom;
        if (!job.secret_rules.empty()) {
          auto set = secret_rule_sets_.get(job.secret_rules);
          if (!set) {
            JobOutcome refused;
            refused.id = job.id;
            refused.diff_id = job.diff_id;
            refused.digest = job.digest;
            refused.error_code = std::string(to_string(set.error().code()));
            refused.error = "layer " + job.digest + ": " + set.error().message();
            completions_.push(std::move(refused));
            return;
          }
          custom = std::move(*set);
        }
        completions_.push(run_job(job, custom ? *custom : registry_, cache_, metrics_view_, &control->cancelled,
                                  config_.registry, &control->bytes_read));
      });
    });
  }

  void report(const JobOutcome& outcome) {
    running_.erase(outcome.id);
    metrics_view_.busy_slots.set(static_cast<std::int64_t>(running_.size()));
    capnp::MallocMessageBuilder message;
    auto root = message.initRoot<wire::WorkerMessage>();
    if (outcome.ok) {
      auto r = root.initResult();
      r.setJobId(outcome.id);
      r.setDiffId(outcome.diff_id);
      r.setDigest(outcome.digest);
      r.setAnalysis(kj::arrayPtr(reinterpret_cast<const kj::byte*>(outcome.analysis.data()), outcome.analysis.size()));
      r.setCached(outcome.cached);
      r.setBytesRead(outcome.bytes_read);
      r.setMicros(outcome.micros);
    } else {
      auto f = root.initFailure();
      f.setJobId(outcome.id);
      f.setCode(outcome.error_code);
      f.setMessage(outcome.error);
      f.setRetryable(outcome.retryable);
      f.setVerified(outcome.verified);
      log_warn("worker", outcome.error);
    }
    send(message);
  }

  const WorkerConfig& config_;
  MetricsRegistry metrics_;
  AnalyzerRegistry registry_;
  SecretRuleSets secret_rule_sets_;
  LayerCache cache_;
  WorkerMetrics metrics_view_;
  tbb::global_control parallelism_;
  tbb::task_arena arena_;
  tbb::task_group tasks_;
  Completions completions_;
  zmq::context_t context_;
  zmq::socket_t socket_;
  // What the service and a running job share: the cancel flag, and the bytes read so far.
  struct JobControl {
    std::atomic<bool> cancelled{false};
    std::atomic<std::uint64_t> bytes_read{0};
  };
  std::map<std::uint64_t, std::shared_ptr<JobControl>> running_;
  std::chrono::milliseconds heartbeat_{config_.heartbeat};
  std::unique_ptr<httplib::Server> metrics_server_;
  std::thread metrics_thread_;
};

}  // namespace

int run_worker(const WorkerConfig& config, const std::atomic<bool>& stop) {
  Worker worker(config);
  return worker.run(stop);
}

}  // namespace strata::worker
