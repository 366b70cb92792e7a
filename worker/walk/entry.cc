#include "worker/walk/entry.h"

#include <algorithm>
#include <string>

namespace strata::worker {

Result<void> EntryContent::fill_to(std::uint64_t want) {
  while (!complete_ && filled_ < want) {
    const std::size_t chunk = std::max<std::size_t>(64 << 10, want - filled_);
    if (filled_ + chunk > capacity_) {
      const std::size_t grown = std::max(filled_ + chunk, capacity_ * 2);
      std::unique_ptr<std::byte[]> bigger(new std::byte[grown]);
      std::copy_n(buffer_.get(), filled_, bigger.get());
      buffer_ = std::move(bigger);
      capacity_ = grown;
    }
    auto n = read_some(std::span(buffer_.get() + filled_, chunk));
    if (!n) return std::unexpected(n.error());
    filled_ += *n;
    if (*n == 0) complete_ = true;
    if (filled_ > max_bytes_) {
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
  return std::span<const std::byte>(buffer_.get(), std::min(filled_, kHeadSize));
}

Result<std::span<const std::byte>> EntryContent::bytes() {
  if (size_ > max_bytes_) {
    return fail(ErrorCode::kLimitExceeded, "entry of " + std::to_string(size_) +
                                               " bytes is larger than the entry-size limit of " +
                                               std::to_string(max_bytes_) + " bytes");
  }
  // Read one byte past the declared size so that a short or long entry shows.
  if (auto r = fill_to(size_ + 1); !r) return std::unexpected(r.error());
  return std::span<const std::byte>(buffer_.get(), filled_);
}

}  // namespace strata::worker
