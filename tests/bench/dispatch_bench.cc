// Coordinator dispatch rate: layer jobs per second from request to answered callback, through
// the real Dispatcher and ZeroMQ over TCP loopback, with workers that answer every job at once
// (an empty analysis, encoded as a real worker encodes it). What is measured is the scheduler,
// the Cap'n Proto messages, the sockets and the result decoding: everything but the analysis.
// The target: at least 20,000 jobs/s, so that dispatch is never what limits a fleet scan.
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <thread>

#include "common/wire/layer_codec.h"
#include "coordinator/dispatch/dispatcher.h"
#include "schema/messages.capnp.h"
#include "common/wire/frames.h"

namespace strata::coordinator {
namespace {

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// A worker that answers every job immediately.
class EchoWorker {
 public:
  EchoWorker(const std::string& address, int slots, const std::string& name) {
    thread_ = std::thread([=, this] {
      zmq::context_t context;
      zmq::socket_t socket(context, zmq::socket_type::dealer);
      socket.set(zmq::sockopt::routing_id, name);
      socket.set(zmq::sockopt::linger, 0);
      socket.set(zmq::sockopt::rcvtimeo, 100);
      socket.connect(address);
      {
        capnp::MallocMessageBuilder m;
        auto ready = m.initRoot<wire::WorkerMessage>().initReady();
        ready.setName(name);
        ready.setSlots(static_cast<unsigned>(slots));
        ready.setProtocol(wire::PROTOCOL_VERSION);
        socket.send(strata::to_frame(m), zmq::send_flags::none);
      }
      const auto empty = encode_layer_analysis(LayerAnalysis{});
      while (!stop_.load()) {
        zmq::message_t frame;
        if (!socket.recv(frame)) continue;
        strata::FrameReader reader(frame);
        const auto msg = reader.root<wire::CoordinatorMessage>();
        if (msg.which() != wire::CoordinatorMessage::JOB) continue;
        const auto job = msg.getJob();
        capnp::MallocMessageBuilder m;
        auto r = m.initRoot<wire::WorkerMessage>().initResult();
        r.setJobId(job.getJobId());
        r.setDiffId(job.getDiffId());
        r.setDigest(job.getDigest());
        r.setAnalysis(kj::arrayPtr(reinterpret_cast<const kj::byte*>(empty.data()), empty.size()));
        socket.send(strata::to_frame(m), zmq::send_flags::none);
      }
    });
  }
  ~EchoWorker() {
    stop_.store(true);
    thread_.join();
  }

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

void BM_DispatchRate(benchmark::State& state) {
  const int workers = static_cast<int>(state.range(0));
  const int slots = static_cast<int>(state.range(1));
  constexpr int kJobs = 20'000;
  MetricsRegistry metrics;
  DispatcherConfig config;
  config.bind = "tcp://127.0.0.1:" + std::to_string(free_port());
  Dispatcher dispatcher(config, metrics, nullptr, 1, {});
  if (!dispatcher.start()) {
    state.SkipWithError("cannot bind");
    return;
  }
  std::vector<std::unique_ptr<EchoWorker>> fleet;
  for (int w = 0; w < workers; ++w) fleet.push_back(std::make_unique<EchoWorker>(config.bind, slots, "echo-" + std::to_string(w)));
  std::uint64_t round = 0;
  for (auto _ : state) {
    std::mutex mutex;
    std::condition_variable all_done;
    int remaining = kJobs;
    std::vector<LayerNeed> needs;
    needs.reserve(kJobs);
    for (int i = 0; i < kJobs; ++i) {
      LayerNeed need;
      const std::string id = std::to_string(round) + "-" + std::to_string(i);
      need.layer = {"sha256:" + id, "sha256:b" + id, "application/vnd.oci.image.layer.v1.tar", 1, {"/none", "", ""}, "", nullptr, ""};
      need.tenant = i % 4;
      need.done = [&](Result<std::shared_ptr<const LayerAnalysis>>) {
        std::lock_guard lock(mutex);
        if (--remaining == 0) all_done.notify_one();
      };
      needs.push_back(std::move(need));
    }
    ++round;
    dispatcher.request(std::move(needs));
    std::unique_lock lock(mutex);
    all_done.wait(lock, [&] { return remaining == 0; });
  }
  state.SetItemsProcessed(state.iterations() * kJobs);
  state.counters["jobs_per_s"] = benchmark::Counter(static_cast<double>(state.iterations() * kJobs), benchmark::Counter::kIsRate);
  fleet.clear();
  dispatcher.stop();
}
// (workers, slots per worker)
BENCHMARK(BM_DispatchRate)->Args({1, 16})->Args({2, 16})->Args({8, 4})->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace strata::coordinator

BENCHMARK_MAIN();
