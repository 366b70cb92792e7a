// A large layer's stages on two threads: a producer thread reads the blob, hashes it and
// decompresses it (a LayerStream that leaves the tar's hash out), while the walking thread
// hashes the tar bytes it receives, parses tar headers and runs the analyzers. The split puts
// roughly equal work on each side: inflating is the heaviest stage, hashing the tar the next. Chunks pass through a bounded queue of
// reused buffers, so memory stays fixed (kDepth × 1 MiB beyond the LayerStream's own). The
// results are the LayerStream's, bit for bit; only the wall time differs.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "worker/stream/layer_stream.h"

namespace strata::worker {

class PipelinedStream final : public TarChunks {
 public:
  PipelinedStream(ByteSource& source, StreamLimits limits);
  ~PipelinedStream() override;  // stops and joins the producer

  Result<std::span<const std::byte>> next() override;
  Result<void> drain() override;
  bool finished() const override;
  std::uint64_t uncompressed_bytes() const override;

  // The producer's stream, for the blob's digest and counts; valid once drain() returned.
  LayerStream& stream() { return stream_; }
  // The tar's digest, hashed on the walking thread; valid once drain() returned.
  DiffId diff_id();

 private:
  static constexpr std::size_t kDepth = 4;
  void produce();

  LayerStream stream_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::vector<std::byte>> ready_;  // filled chunks, in order
  std::vector<std::vector<std::byte>> spare_;  // emptied buffers to reuse
  std::vector<std::byte> current_;             // the chunk the walker holds
  Sha256 tar_hash_;                            // walker-side
  std::optional<DiffId> diff_id_;
  std::optional<Error> error_;
  bool produced_all_ = false;  // the producer reached the end (or an error)
  bool stop_ = false;          // the walker is gone
  std::thread producer_;
};

}  // namespace strata::worker
