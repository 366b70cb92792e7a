// A cache store in this process's memory, with the same TTL semantics as Redis (an entry past
// its time is absent) and a bound on the bytes it holds (the oldest-written entries go first,
// like Redis's maxmemory). For unit tests, and for one process that wants a cache without a
// server. Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

#include "common/cache/cache_store.h"

namespace strata {

class MemoryStore final : public CacheStore {
 public:
  using Clock = std::chrono::steady_clock;
  explicit MemoryStore(std::size_t max_bytes = 256u << 20) : max_bytes_(max_bytes) {}

  Result<std::vector<std::optional<std::string>>> get(std::span<const std::string> keys) override;
  Result<void> set(std::string_view key, std::span<const std::byte> value, std::uint32_t ttl_seconds) override;
  std::string describe() const override { return "memory"; }

  std::size_t size() const;

 private:
  struct Entry {
    std::string value;
    Clock::time_point expires;
    std::uint64_t written = 0;  // which write made it; the eviction queue names writes
  };
  void evict();  // under mutex_

  std::size_t max_bytes_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::deque<std::pair<std::string, std::uint64_t>> order_;  // (key, write) oldest first
  std::uint64_t writes_ = 0;
  std::size_t bytes_ = 0;
};

}  // namespace strata
