// Where the tar walk takes its bytes from: chunks of uncompressed tar, in order. LayerStream
// produces them on the walking thread; PipelinedStream produces them on a thread of its own.
#pragma once

#include <cstdint>
#include <span>

#include "common/error.h"

namespace strata::worker {

class TarChunks {
 public:
  virtual ~TarChunks() = default;
  // The next chunk, valid until the next call; empty at the end.
  virtual Result<std::span<const std::byte>> next() = 0;
  // Reads what is left after the tar's end marker, so that the digests cover every byte.
  virtual Result<void> drain() = 0;
  virtual bool finished() const = 0;
  virtual std::uint64_t uncompressed_bytes() const = 0;
};

}  // namespace strata::worker
