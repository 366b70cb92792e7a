#include "coordinator/dispatch/dispatcher.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <thread>

#include <zmq.hpp>

#include "common/log.h"
#include "common/wire/layer_codec.h"
#include "coordinator/dispatch/curve_auth.h"
#include "coordinator/store/job_log.h"
#include "schema/messages.capnp.h"
#include "common/wire/frames.h"
#include "common/cache/layer_cache.h"
#include "common/wire/job.h"

namespace strata::coordinator {
namespace {

std::string text(capnp::Text::Reader t) { return std::string(t.cStr(), t.size()); }

constexpr auto kHousekeeping = std::chrono::milliseconds(200);
constexpr auto kRecentFor = std::chrono::seconds(30);
constexpr std::size_t kRecentMax = 1024;
constexpr std::size_t kRecentMaxBytes = std::size_t{256} << 20;

}  // namespace

struct Dispatcher::Inbox {
  Inbox() : fd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}
  ~Inbox() { ::close(fd); }
  int fd;
  std::mutex mutex;
  std::vector<LayerNeed> needs;
};

struct Dispatcher::Sockets {
  zmq::context_t context{1};
  zmq::socket_t router{context, zmq::socket_type::router};
};

Dispatcher::Dispatcher(DispatcherConfig config, MetricsRegistry& m, JobLog* log, std::uint64_t first_job_id,
                       const std::map<std::string, std::string>& quarantined)
    : config_(std::move(config)),
      scheduler_(config_.scheduler, first_job_id),
      log_(log),
      inbox_(std::make_unique<Inbox>()),
      sockets_(std::make_unique<Sockets>()),
      analyzed_(m.counter("strata_layers_analyzed_total", "Layer analyses that workers delivered")),
      bytes_read_(m.counter("strata_bytes_read_total", "Layer blob bytes the workers read for delivered analyses")),
      dispatched_(m.counter("strata_jobs_dispatched_total", "Layer jobs sent to workers (retries included)")),
      failed_(m.counter("strata_jobs_failed_total", "Layer job attempts that failed")),
      quarantined_(m.counter("strata_jobs_quarantined_total", "Layers quarantined after failing the same way repeatedly")),
      requeued_(m.counter("strata_jobs_requeued_total", "Leases given back to the queue (silent worker, expired lease)")),
      refused_workers_(m.counter("strata_workers_refused_total", "Workers refused for a different analyzer set or protocol")),
      queued_(m.gauge("strata_jobs_queued", "Layer jobs waiting for a worker")),
      leased_(m.gauge("strata_jobs_leased", "Layer jobs leased to a worker")),
      workers_(m.gauge("strata_workers", "Workers connected")),
      handshakes_refused_(m.gauge("strata_worker_handshakes_refused",
                                  "Connections refused at the CURVE handshake: keys the operator did not authorize")),
      latency_(m.histogram("strata_job_latency_seconds", "From lease to result, per layer job",
                           {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300})) {
  for (const auto& [diff_id, error] : quarantined) scheduler_.quarantine(diff_id, error);
}

Dispatcher::~Dispatcher() { stop(); }

Result<void> Dispatcher::start() {
  try {
    sockets_->router.set(zmq::sockopt::router_mandatory, 1);
    sockets_->router.set(zmq::sockopt::linger, 0);
    sockets_->router.set(zmq::sockopt::maxmsgsize, config_.max_message_bytes);
    if (!config_.curve_secret_key.empty()) {
      authenticator_ = std::make_unique<CurveAuthenticator>(sockets_->context, config_.authorized_workers);
      sockets_->router.set(zmq::sockopt::curve_server, 1);
      sockets_->router.set(zmq::sockopt::curve_secretkey, config_.curve_secret_key);
    } else {
      log_warn("dispatch", "the worker channel is not authenticated (no --curve-key): any peer that reaches " +
                               config_.bind + " can take jobs; use it on a private network only");
    }
    sockets_->router.bind(config_.bind);
  } catch (const zmq::error_t& e) {
    return fail(ErrorCode::kUnavailable, "cannot bind the worker socket to " + config_.bind + ": " + e.what());
  }
  thread_ = std::thread([this] { loop(); });
  log_info("dispatch", "waiting for workers on " + config_.bind);
  return {};
}

void Dispatcher::stop() {
  if (!thread_.joinable()) return;
  stop_.store(true);
  const std::uint64_t one = 1;
  [[maybe_unused]] const ssize_t n = ::write(inbox_->fd, &one, sizeof one);
  thread_.join();
  authenticator_.reset();
}

void Dispatcher::request(std::vector<LayerNeed> needs) {
  {
    std::lock_guard lock(inbox_->mutex);
    inbox_->needs.insert(inbox_->needs.end(), std::make_move_iterator(needs.begin()),
                         std::make_move_iterator(needs.end()));
  }
  const std::uint64_t one = 1;
  [[maybe_unused]] const ssize_t n = ::write(inbox_->fd, &one, sizeof one);
}

void Dispatcher::send(const std::string& worker, capnp::MessageBuilder& message) {
  try {
    sockets_->router.send(zmq::buffer(worker), zmq::send_flags::sndmore);
    sockets_->router.send(to_frame(message), zmq::send_flags::none);
  } catch (const zmq::error_t& e) {
    // ROUTER_MANDATORY: the peer is gone. Its leases expire with its silence.
    log_warn("dispatch", "cannot reach worker " + worker + ": " + e.what());
  }
}

void Dispatcher::loop() {
  auto next_housekeeping = Clock::now() + kHousekeeping;
  while (!stop_.load()) {
    zmq_pollitem_t items[] = {{sockets_->router.handle(), 0, ZMQ_POLLIN, 0}, {nullptr, inbox_->fd, ZMQ_POLLIN, 0}};
    try {
      zmq::poll(items, 2, kHousekeeping);
    } catch (const zmq::error_t& e) {
      // Never std::terminate from this thread: a signal retries, the context's end stops the
      // loop cleanly, anything else is logged and retried after a pause.
      if (e.num() == EINTR) continue;
      if (e.num() == ETERM) {
        log_warn("dispatch", "the ZeroMQ context ended: the dispatcher stops");
        break;
      }
      log_error("dispatch", std::string("polling the worker socket failed: ") + e.what() + "; retrying");
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    if ((items[1].revents & ZMQ_POLLIN) != 0) handle_requests();
    if ((items[0].revents & ZMQ_POLLIN) != 0) handle_worker_message();
    const auto now = Clock::now();
    if (now >= next_housekeeping) {
      if (log_ != nullptr) {
        for (const auto& diff_id : log_->take_lifted()) scheduler_.lift(diff_id);
      }
      Scheduler::Expired expired = scheduler_.expire(now);
      for (const auto& w : expired.dead_workers) log_warn("dispatch", "worker " + w + " went silent; its jobs return to the queue");
      requeued_.inc(expired.requeued);
      for (const JobEnd& end : expired.ended) {
        log_error("dispatch", end.error);
        finish(end, fail(ErrorCode::kUnavailable, end.error));
      }
      for (const auto& [w, id] : expired.cancels) {
        capnp::MallocMessageBuilder message;
        message.initRoot<wire::CoordinatorMessage>().initCancel().setJobId(id);
        send(w, message);
      }
      next_housekeeping = now + kHousekeeping;
    }
    send_jobs();
    auto events = scheduler_.take_events();
    if (log_ != nullptr) log_->record(std::move(events));
    publish_gauges();
  }
}

void Dispatcher::publish_gauges() {
  queued_.set(static_cast<std::int64_t>(scheduler_.queued()));
  leased_.set(static_cast<std::int64_t>(scheduler_.leased()));
  workers_.set(static_cast<std::int64_t>(scheduler_.workers()));
  if (authenticator_) handshakes_refused_.set(static_cast<std::int64_t>(authenticator_->refused()));
}

void Dispatcher::handle_requests() {
  std::uint64_t count = 0;
  [[maybe_unused]] const ssize_t n = ::read(inbox_->fd, &count, sizeof count);
  std::vector<LayerNeed> needs;
  {
    std::lock_guard lock(inbox_->mutex);
    needs.swap(inbox_->needs);
  }
  for (auto& need : needs) {
    if (auto analysis = recall(need.layer.job_key())) {
      need.done(std::move(analysis));
      continue;
    }
    const WaiterId id = next_waiter_++;
    if (auto quarantined = scheduler_.request(need.layer, need.priority, need.tenant, id)) {
      need.done(fail(ErrorCode::kCorrupt, "layer " + need.layer.digest + " is quarantined: " + *quarantined));
      continue;
    }
    waiters_.emplace(id, Waiter{need.tenant, std::move(need.done)});
  }
}

void Dispatcher::remember(const std::string& key, const std::shared_ptr<const LayerAnalysis>& analysis,
                          std::size_t bytes) {
  if (const auto old = recent_.find(key); old != recent_.end()) recent_bytes_ -= old->second.bytes;
  if (recent_.insert_or_assign(key, Recent{analysis, Clock::now(), bytes}).second) {
    recent_order_.push_back(key);
  }
  recent_bytes_ += bytes;
  // Bounded in count and in bytes (issue 14, defect 8): a few huge analyses must not pin memory.
  while (recent_order_.size() > kRecentMax || (recent_bytes_ > kRecentMaxBytes && recent_order_.size() > 1)) {
    if (const auto it = recent_.find(recent_order_.front()); it != recent_.end()) {
      recent_bytes_ -= it->second.bytes;
      recent_.erase(it);
    }
    recent_order_.pop_front();
  }
}

std::shared_ptr<const LayerAnalysis> Dispatcher::recall(const std::string& key) {
  // Expire from the old end first, so the map never holds stale entries for long.
  const auto now = Clock::now();
  while (!recent_order_.empty()) {
    const auto it = recent_.find(recent_order_.front());
    if (it != recent_.end() && now - it->second.at < kRecentFor) break;
    if (it != recent_.end()) {
      recent_bytes_ -= it->second.bytes;
      recent_.erase(it);
    }
    recent_order_.pop_front();
  }
  const auto it = recent_.find(key);
  return it == recent_.end() ? nullptr : it->second.analysis;
}

void Dispatcher::send_jobs() {
  for (const Dispatch& d : scheduler_.dispatch(Clock::now())) {
    JobSpec spec;
    spec.id = d.job->id;
    spec.diff_id = d.job->layer.diff_id;
    spec.digest = d.job->layer.digest;
    spec.media_type = d.job->layer.media_type;
    spec.size = d.job->layer.size;
    spec.source = d.job->layer.source;
    spec.token = d.job->layer.token;
    spec.limits = config_.limits;
    const auto& rules = d.job->layer.secret_rules;
    if (rules) spec.secret_rules = *rules;
    spec.cache_key = layer_cache_key(spec.diff_id, config_.analyzer_set, config_.limits,
                                             d.job->layer.secret_rules_digest);
    spec.cache_ttl_seconds = config_.cache_ttl_seconds;
    spec.lease_seconds = static_cast<std::uint32_t>(config_.scheduler.lease.count());
    capnp::MallocMessageBuilder message;
    to_wire(spec, message.initRoot<wire::CoordinatorMessage>().initJob());
    send(d.worker, message);
    dispatched_.inc();
  }
}

void Dispatcher::finish(const JobEnd& end, Result<std::shared_ptr<const LayerAnalysis>> result) {
  // A failure is told in full only to the tenant whose source the job fetched from: its words
  // may name that tenant's registry and repository. Others learn which layer failed and how.
  Result<std::shared_ptr<const LayerAnalysis>> for_others = result;
  if (!result && !end.quarantined) {
    for_others = fail(result.error().code(), "layer " + end.digest +
                                                 " could not be fetched or analysed from another image's source; it "
                                                 "is tried again on the next scan");
  }
  for (const WaiterId w : end.waiters) {
    const auto it = waiters_.find(w);
    if (it == waiters_.end()) continue;
    Waiter waiter = std::move(it->second);
    waiters_.erase(it);
    waiter.done(waiter.tenant == end.source_tenant ? result : for_others);
  }
}

void Dispatcher::handle_worker_message() {
  while (true) {
    zmq::message_t identity;
    zmq::message_t frame;
    if (!sockets_->router.recv(identity, zmq::recv_flags::dontwait)) return;
    if (!identity.more() || !sockets_->router.recv(frame, zmq::recv_flags::none)) continue;
    while (frame.more()) {  // a well-behaved worker sends one frame; drain anything else
      zmq::message_t extra;
      if (!sockets_->router.recv(extra, zmq::recv_flags::none)) break;
    }
    const std::string worker = identity.to_string();
    const auto now = Clock::now();
    try {
      FrameReader reader(frame);
      auto msg = reader.root<wire::WorkerMessage>();
      if (msg.which() != wire::WorkerMessage::READY && !scheduler_.known(worker)) {
        // A worker from before a restart: ask it to announce its free slots again.
        capnp::MallocMessageBuilder welcome;
        auto w = welcome.initRoot<wire::CoordinatorMessage>().initWelcome();
        w.setHeartbeatMillis(static_cast<std::uint32_t>(config_.heartbeat.count()));
        w.setAnnounce(true);
        send(worker, welcome);
        if (msg.which() != wire::WorkerMessage::RESULT) continue;  // a result is still worth having
      }
      switch (msg.which()) {
        case wire::WorkerMessage::READY: {
          const auto ready = msg.getReady();
          if (ready.getProtocol() != wire::PROTOCOL_VERSION || ready.getAnalyzerSet() != config_.analyzer_set) {
            refused_workers_.inc();
            log_error("dispatch", "worker " + worker + " runs analyzer set " + std::to_string(ready.getAnalyzerSet()) +
                                      " (protocol " + std::to_string(ready.getProtocol()) + "); this coordinator wants " +
                                      std::to_string(config_.analyzer_set) + " (protocol " +
                                      std::to_string(wire::PROTOCOL_VERSION) + "): giving it no work");
            break;
          }
          scheduler_.ready(worker, ready.getSlots(), now);
          capnp::MallocMessageBuilder welcome;
          welcome.initRoot<wire::CoordinatorMessage>().initWelcome().setHeartbeatMillis(
              static_cast<std::uint32_t>(config_.heartbeat.count()));
          send(worker, welcome);
          log_info("dispatch", "worker " + worker + " ready with " + std::to_string(ready.getSlots()) + " slots");
          break;
        }
        case wire::WorkerMessage::HEARTBEAT: {
          std::vector<std::uint64_t> running;
          std::vector<std::uint64_t> bytes_read;
          for (const auto id : msg.getHeartbeat().getRunning()) running.push_back(id);
          for (const auto n : msg.getHeartbeat().getBytesRead()) bytes_read.push_back(n);
          for (const std::uint64_t id : scheduler_.heartbeat(worker, running, now, bytes_read)) {
            capnp::MallocMessageBuilder cancel;
            cancel.initRoot<wire::CoordinatorMessage>().initCancel().setJobId(id);
            send(worker, cancel);
          }
          break;
        }
        case wire::WorkerMessage::RESULT: {
          const auto r = msg.getResult();
          auto end = scheduler_.succeeded(worker, r.getJobId(), text(r.getDiffId()), now);
          if (!end) break;
          const auto data = r.getAnalysis();
          auto analysis = decode_layer_analysis(std::as_bytes(std::span(data.begin(), data.size())));
          analyzed_.inc();
          bytes_read_.inc(r.getBytesRead());
          latency_.observe(end->seconds);
          if (!analysis) {
            finish(*end, std::unexpected(analysis.error().with_context("worker " + worker + ": layer " + end->diff_id)));
            break;
          }
          auto shared = std::make_shared<const LayerAnalysis>(std::move(*analysis));
          remember(end->key, shared, data.size());
          finish(*end, std::move(shared));
          break;
        }
        case wire::WorkerMessage::FAILURE: {
          const auto f = msg.getFailure();
          // A job the coordinator cancelled (its images ended) reports back; that is no failed attempt.
          if (scheduler_.holds_lease(worker, f.getJobId())) failed_.inc();
          const std::string message = text(f.getMessage());
          auto end = scheduler_.failed(worker, f.getJobId(),
                                       {text(f.getCode()), message, f.getRetryable(), f.getVerified()}, now);
          if (!end) break;
          if (end->quarantined) {
            quarantined_.inc();
            log_error("dispatch", "quarantined " + end->diff_id + " after repeated failures: " + message);
            if (log_ != nullptr) log_->quarantine(end->diff_id, end->digest, config_.scheduler.quarantine_after, message);
          }
          finish(*end, fail(ErrorCode::kCorrupt, (end->quarantined ? "quarantined: " : "") + message));
          break;
        }
        case wire::WorkerMessage::GOODBYE: {
          std::vector<std::uint64_t> back;
          for (const auto id : msg.getGoodbye().getHandedBack()) back.push_back(id);
          requeued_.inc(back.size());
          scheduler_.goodbye(worker, back);
          log_info("dispatch", "worker " + worker + " is leaving" +
                                   (back.empty() ? std::string() : "; " + std::to_string(back.size()) + " jobs handed back"));
          break;
        }
      }
    } catch (const kj::Exception& e) {
      log_warn("dispatch", "dropped a malformed message from " + worker + ": " + e.getDescription().cStr());
    }
  }
}

}  // namespace strata::coordinator
