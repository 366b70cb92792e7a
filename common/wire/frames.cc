#include "common/wire/frames.h"

#include <cstring>

namespace strata {
namespace {

capnp::ReaderOptions limits_for(std::size_t words) {
  capnp::ReaderOptions options;
  // A result carries at most one compressed analysis; bound traversal by the frame's own size.
  options.traversalLimitInWords = words * 2 + 64;
  return options;
}

}  // namespace

zmq::message_t to_frame(capnp::MessageBuilder& message) {
  const kj::Array<capnp::word> words = capnp::messageToFlatArray(message);
  const auto bytes = words.asBytes();
  return zmq::message_t(bytes.begin(), bytes.size());
}

kj::Array<capnp::word> FrameReader::copy_aligned(const zmq::message_t& frame) {
  // ZeroMQ makes no promise about alignment; Cap'n Proto needs whole aligned words.
  const std::size_t words = frame.size() / sizeof(capnp::word);
  kj::Array<capnp::word> out = kj::heapArray<capnp::word>(words);
  if (words > 0) std::memcpy(out.begin(), frame.data(), words * sizeof(capnp::word));
  return out;
}

FrameReader::FrameReader(const zmq::message_t& frame)
    : words_(copy_aligned(frame)), reader_(words_.asPtr(), limits_for(words_.size())) {}

}  // namespace strata
