#include "tests/support/scripted_worker.h"

#include <optional>
#include <zmq.hpp>

#include "common/wire/frames.h"
#include "common/wire/layer_codec.h"
#include "schema/messages.capnp.h"

namespace strata::test {

JobReply empty_analysis(const ReceivedJob&) { return LayerAnalysis{}; }

ScriptedWorker::ScriptedWorker(const std::string& address, ScriptedWorkerOptions options, JobScript script)
    : script_(std::move(script)), thread_([this, address, options] { run(address, options); }) {}

ScriptedWorker::~ScriptedWorker() {
  stop_.store(true);
  thread_.join();
}

void ScriptedWorker::send_raw(const std::string& bytes) {
  std::lock_guard lock(mutex_);
  raw_.push_back(bytes);
  has_raw_.store(true);
}

std::vector<ReceivedJob> ScriptedWorker::received() const {
  std::lock_guard lock(mutex_);
  return received_;
}

void ScriptedWorker::run(const std::string& address, ScriptedWorkerOptions options) {
  zmq::context_t context;
  zmq::socket_t socket(context, zmq::socket_type::dealer);
  socket.set(zmq::sockopt::routing_id, options.name);
  socket.set(zmq::sockopt::linger, 0);
  socket.set(zmq::sockopt::rcvtimeo, 20);
  socket.connect(address);
  {
    capnp::MallocMessageBuilder m;
    auto ready = m.initRoot<wire::WorkerMessage>().initReady();
    ready.setName(options.name);
    ready.setSlots(options.slots);
    ready.setAnalyzerSet(options.analyzer_set);
    ready.setProtocol(options.protocol != 0 ? options.protocol : wire::PROTOCOL_VERSION);
    socket.send(to_frame(m), zmq::send_flags::none);
  }
  // The last analysis sent and its encoding: a script that answers the same every time (the
  // benchmark's) pays for encoding once, as the benchmark's worker always did.
  std::optional<LayerAnalysis> last;
  std::vector<std::byte> last_encoded;
  while (!stop_.load()) {
    if (has_raw_.exchange(false)) {
      std::lock_guard lock(mutex_);
      for (const auto& bytes : raw_) socket.send(zmq::buffer(bytes), zmq::send_flags::none);
      raw_.clear();
    }
    zmq::message_t frame;
    if (!socket.recv(frame)) continue;
    FrameReader reader(frame);
    const auto msg = reader.root<wire::CoordinatorMessage>();
    if (msg.which() != wire::CoordinatorMessage::JOB) continue;
    const auto job = msg.getJob();
    const ReceivedJob received{job.getJobId(), job.getDiffId(), job.getDigest()};
    if (options.record) {
      std::lock_guard lock(mutex_);
      received_.push_back(received);
    }
    const JobReply reply = script_(received);
    capnp::MallocMessageBuilder m;
    if (const auto* analysis = std::get_if<LayerAnalysis>(&reply)) {
      if (!last || !(*last == *analysis)) {
        last = *analysis;
        last_encoded = encode_layer_analysis(*analysis);
      }
      const auto& encoded = last_encoded;
      auto r = m.initRoot<wire::WorkerMessage>().initResult();
      r.setJobId(received.id);
      r.setDiffId(received.diff_id);
      r.setDigest(received.digest);
      r.setAnalysis(kj::arrayPtr(reinterpret_cast<const kj::byte*>(encoded.data()), encoded.size()));
    } else {
      const auto& failure = std::get<JobFailureReply>(reply);
      auto f = m.initRoot<wire::WorkerMessage>().initFailure();
      f.setJobId(received.id);
      f.setCode(failure.code);
      f.setMessage(failure.message);
      f.setRetryable(failure.retryable);
      f.setVerified(failure.verified);
    }
    socket.send(to_frame(m), zmq::send_flags::none);
  }
}

}  // namespace strata::test
