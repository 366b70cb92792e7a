// Cap'n Proto messages in ZeroMQ frames: one message, flat (unpacked) words, per frame.
#pragma once

#include <capnp/message.h>
#include <capnp/serialize.h>

#include <zmq.hpp>

namespace strata {

zmq::message_t to_frame(capnp::MessageBuilder& message);

// Owns a word-aligned copy of a frame and reads it. Frames come from the network: a malformed
// one throws kj::Exception from the accessors, which callers catch and count.
class FrameReader {
 public:
  explicit FrameReader(const zmq::message_t& frame);
  template <class T>
  typename T::Reader root() {
    return reader_.getRoot<T>();
  }

 private:
  static kj::Array<capnp::word> copy_aligned(const zmq::message_t& frame);
  kj::Array<capnp::word> words_;
  capnp::FlatArrayMessageReader reader_;
};

}  // namespace strata
