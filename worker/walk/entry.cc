#include "worker/walk/entry.h"

#include <algorithm>
#include <string>

namespace strata::worker {

Result<void> EntryContent::fill_to(std::uint64_t want) {
  while (!complete_ && buffer_.size() < want) {
    const std::size_t old = buffer_.size();
    const std::size_t chunk = std::max<std::size_t>(64 << 10, want - old);
    buffer_.resize(old + chunk);
    auto n = read_some(std::span(buffer_).subspan(old));
    if (!n) {
      buffer_.resize(old);
      return std::unexpected(n.error());
    }
    buffer_.resize(old + *n);
    if (*n == 0) complete_ = true;
    if (buffer_.size() > max_bytes_) {
      return fail(ErrorCode::kLimitExceeded,
                  "entry is larger than the entry-size limit of " + std::to_string(max_bytes_) +
                      " bytes");
    }
  }
  return {};
}

Result<std::span<const std::byte>> EntryContent::head() {
  if (auto r = fill_to(std::min<std::uint64_t>(kHeadSize, size_)); !r) {
    return std::unexpected(r.error());
  }
  return std::span<const std::byte>(buffer_).first(std::min(buffer_.size(), kHeadSize));
}

Result<std::span<const std::byte>> EntryContent::bytes() {
  if (size_ > max_bytes_) {
    return fail(ErrorCode::kLimitExceeded, "entry of " + std::to_string(size_) +
                                               " bytes is larger than the entry-size limit of " +
                                               std::to_string(max_bytes_) + " bytes");
  }
  // Read one byte past the declared size so that a short or long entry shows.
  if (auto r = fill_to(size_ + 1); !r) return std::unexpected(r.error());
  return std::span<const std::byte>(buffer_);
}

}  // namespace strata::worker
