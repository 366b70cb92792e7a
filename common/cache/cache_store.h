// The port under the layer cache: bytes by key with a time to live. The cluster's adapter is
// Redis (redis_store.h); an in-memory one serves unit tests and one process (memory_store.h); a
// fault-injecting wrapper around either plays an outage, a slow server or corrupted bytes
// (fault_store.h). Everything above it (the MAC, the codec, the metrics, logging an outage once)
// lives in LayerCache, so every adapter gets the same treatment of what it returns.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace strata {

class CacheStore {
 public:
  virtual ~CacheStore() = default;
  // The values at `keys`, in one round trip; nullopt for an absent key. An error means the store
  // could not be asked (unreachable, timed out): the caller treats every key as a miss.
  virtual Result<std::vector<std::optional<std::string>>> get(std::span<const std::string> keys) = 0;
  // Stores `value` at `key` for `ttl_seconds` (at least 1).
  virtual Result<void> set(std::string_view key, std::span<const std::byte> value, std::uint32_t ttl_seconds) = 0;
  // Where the store is, for log lines (never a password).
  virtual std::string describe() const = 0;
};

}  // namespace strata
