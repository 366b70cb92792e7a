// Progress of an image walk, for a terminal progress bar: which layer of how many, and blob
// bytes as they are read. Called from the walking thread; implementations need no locking
// unless they share state with other threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "worker/source/byte_source.h"

namespace strata::worker {

class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  virtual void layer_started(std::size_t index, std::size_t count, const std::string& name, std::uint64_t size) = 0;
  virtual void bytes_read(std::uint64_t n) = 0;
  virtual void finished() = 0;
};

// Passes reads through and tells `sink` how many bytes each brought.
class CountingSource final : public ByteSource {
 public:
  CountingSource(ByteSource& inner, ProgressSink& sink) : inner_(inner), sink_(sink) {}
  Result<std::size_t> read(std::span<std::byte> out) override {
    auto n = inner_.read(out);
    if (n && *n > 0) sink_.bytes_read(*n);
    return n;
  }

 private:
  ByteSource& inner_;
  ProgressSink& sink_;
};

}  // namespace strata::worker
