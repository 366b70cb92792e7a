// ZeroMQ frames as the coordinator reads workers' messages (first byte even) and as a worker
// reads the coordinator's (odd): every field is read as the services read them. Malformed
// messages throw kj::Exception, which both services catch and count; anything else is a bug.
#include <cstddef>
#include <cstdint>

#include "common/wire/layer_codec.h"
#include "common/wire/frames.h"
#include "common/wire/job.h"

namespace {

void read_worker_message(strata::wire::WorkerMessage::Reader msg) {
  switch (msg.which()) {
    case strata::wire::WorkerMessage::READY:
      (void)msg.getReady().getName();
      (void)msg.getReady().getSlots();
      (void)msg.getReady().getAnalyzerSet();
      break;
    case strata::wire::WorkerMessage::HEARTBEAT:
      for (const auto id : msg.getHeartbeat().getRunning()) (void)id;
      break;
    case strata::wire::WorkerMessage::RESULT: {
      const auto r = msg.getResult();
      (void)r.getDiffId();
      (void)r.getDigest();
      const auto data = r.getAnalysis();
      (void)strata::decode_layer_analysis(std::as_bytes(std::span(data.begin(), data.size())), 1 << 22);
      break;
    }
    case strata::wire::WorkerMessage::FAILURE:
      (void)msg.getFailure().getCode();
      (void)msg.getFailure().getMessage();
      break;
    case strata::wire::WorkerMessage::GOODBYE:
      for (const auto id : msg.getGoodbye().getHandedBack()) (void)id;
      break;
  }
}

void read_coordinator_message(strata::wire::CoordinatorMessage::Reader msg) {
  switch (msg.which()) {
    case strata::wire::CoordinatorMessage::JOB: (void)strata::from_wire(msg.getJob()); break;
    case strata::wire::CoordinatorMessage::CANCEL: (void)msg.getCancel().getJobId(); break;
    case strata::wire::CoordinatorMessage::WELCOME: (void)msg.getWelcome().getAnnounce(); break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const zmq::message_t frame(data + 1, size - 1);
  try {
    strata::FrameReader reader(frame);
    if (data[0] % 2 == 0) {
      read_worker_message(reader.root<strata::wire::WorkerMessage>());
    } else {
      read_coordinator_message(reader.root<strata::wire::CoordinatorMessage>());
    }
  } catch (const kj::Exception&) {
  }
  return 0;
}
