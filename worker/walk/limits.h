// Bounds on what one layer walk may consume. Every one has a default and a CLI flag; hitting one
// is an error or a warning for that layer, never a crash or an unbounded allocation.
#pragma once

#include <cstddef>
#include <cstdint>

#include "worker/stream/layer_stream.h"

namespace strata::worker {

struct WalkLimits {
  std::uint64_t max_entry_bytes = 64ull << 20;  // largest entry read into memory
  std::uint64_t max_entries = 1'000'000;        // entries per layer
  std::size_t max_path_length = 4096;           // bytes in one entry's path
  StreamLimits stream;                          // total uncompressed size, compression ratio
};

}  // namespace strata::worker
