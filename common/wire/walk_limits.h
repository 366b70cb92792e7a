// Bounds on what one layer walk may consume (a job carries them to its worker). Every one has a default and a CLI flag; hitting one
// is an error or a warning for that layer, never a crash or an unbounded allocation.
#pragma once

#include <cstddef>
#include <cstdint>

namespace strata {

struct StreamLimits {
  std::uint64_t max_uncompressed_bytes = 32ull << 30;
  // Uncompressed bytes per compressed byte beyond which a stream counts as a decompression bomb.
  // Checked once the output passes kRatioFloor, so small layers of zeros do not trip it.
  std::uint64_t max_ratio = 200;
  static constexpr std::uint64_t kRatioFloor = 64ull << 20;
};

struct WalkLimits {
  std::uint64_t max_entry_bytes = 64ull << 20;  // largest entry read into memory
  std::uint64_t max_entries = 1'000'000;        // entries per layer
  std::size_t max_path_length = 4096;           // bytes in one entry's path
  StreamLimits stream;                          // total uncompressed size, compression ratio
};

}  // namespace strata
