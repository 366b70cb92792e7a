// Streaming decompressors for layer blobs: gzip (ISA-L's igzip, about twice zlib's speed, with
// multi-member streams), zstd (libzstd, window capped so memory stays bounded) and a pass-through
// for plain tar. Each keeps its state between calls; not thread-safe.
#pragma once

#include <cstddef>
#include <memory>
#include <span>

#include "common/error.h"
#include "common/image/media_type.h"

namespace strata::worker {

struct DecompressStep {
  std::size_t consumed = 0;  // bytes taken from the input
  std::size_t produced = 0;  // bytes written to the output
};

class Decompressor {
 public:
  virtual ~Decompressor() = default;
  // Decompresses from `in` into `out`. Makes progress unless `in` is empty or `out` is full.
  virtual Result<DecompressStep> step(std::span<const std::byte> in, std::span<std::byte> out) = 0;
  // Called at the end of the input: an error if the stream stopped mid-frame.
  virtual Result<void> finish() const = 0;
};

// Largest zstd window accepted (2^27 = 128 MiB, zstd's own default for streaming); a blob that
// needs more is refused rather than allowed to allocate without bound.
inline constexpr int kZstdMaxWindowLog = 27;

std::unique_ptr<Decompressor> make_decompressor(Compression compression);

// Compression told by the first bytes of a blob: gzip 1f 8b, zstd 28 b5 2f fd, else none.
Compression sniff_compression(std::span<const std::byte> head);

}  // namespace strata::worker
