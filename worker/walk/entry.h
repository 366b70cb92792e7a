// One entry of a layer as the walk offers it to analyzers: its metadata (EntryInfo, cheap) and
// its bytes (EntryContent, read lazily, at most once, bounded by the entry-size limit).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace strata::worker {

enum class EntryType { kRegular, kDirectory, kSymlink, kHardlink, kOther };

struct EntryInfo {
  std::string_view path;         // relative to the layer root: no leading "/" or "./"
  EntryType type = EntryType::kRegular;
  std::uint32_t mode = 0;        // permission bits and set-id bits
  std::uint64_t size = 0;
  std::string_view link_target;  // symlink or hard-link target, else empty
};

// The bytes of the current entry. Reading is sequential and happens once: head() peeks at the
// first bytes, bytes() reads the whole entry (including what head() already read). Valid until
// the walk moves to the next entry.
class EntryContent {
 public:
  static constexpr std::size_t kHeadSize = 512;

  EntryContent(std::uint64_t size, std::uint64_t max_bytes) : size_(size), max_bytes_(max_bytes) {}
  virtual ~EntryContent() = default;

  // Up to kHeadSize first bytes.
  Result<std::span<const std::byte>> head();
  // All bytes; kLimitExceeded when the entry is larger than the entry-size limit.
  Result<std::span<const std::byte>> bytes();

 protected:
  // Reads the next bytes of the entry into `out`; 0 at its end.
  virtual Result<std::size_t> read_some(std::span<std::byte> out) = 0;
  // Readies the object for the next entry, keeping the buffer's capacity.
  void reset(std::uint64_t size) {
    size_ = size;
    filled_ = 0;
    complete_ = false;
  }

 private:
  Result<void> fill_to(std::uint64_t want);

  std::uint64_t size_;
  std::uint64_t max_bytes_;
  // Grown without zero-filling (the bytes are overwritten by reads at once), kept between
  // entries: reading every executable whole for build info costs a copy, not a copy and a memset.
  std::unique_ptr<std::byte[]> buffer_;
  std::size_t capacity_ = 0;
  std::size_t filled_ = 0;
  bool complete_ = false;
};

}  // namespace strata::worker
