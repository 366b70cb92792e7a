// A cache store that misbehaves on demand, around a real one: unreachable (every call fails, as
// a dead Redis does), slow (each call waits first), writes silently lost, or stored bytes
// corrupted on the way back (one byte flipped, or the value cut short). The faults can change
// while the store is in use; each is an atomic, so tests flip them from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>

#include "common/cache/cache_store.h"

namespace strata {

class FaultStore final : public CacheStore {
 public:
  explicit FaultStore(std::shared_ptr<CacheStore> inner) : inner_(std::move(inner)) {}

  std::atomic<bool> unreachable{false};
  std::atomic<bool> drop_writes{false};  // set answers success but stores nothing
  std::atomic<bool> flip_bytes{false};   // get returns each value with its last byte flipped
  std::atomic<bool> truncate{false};     // get returns each value cut to half its length
  std::atomic<std::chrono::milliseconds::rep> delay_ms{0};

  Result<std::vector<std::optional<std::string>>> get(std::span<const std::string> keys) override;
  Result<void> set(std::string_view key, std::span<const std::byte> value, std::uint32_t ttl_seconds) override;
  std::string describe() const override { return "faulty " + inner_->describe(); }

  std::uint64_t calls() const { return calls_.load(); }

 private:
  Result<void> enter();  // the delay and the outage every call meets

  std::shared_ptr<CacheStore> inner_;
  std::atomic<std::uint64_t> calls_{0};
};

}  // namespace strata
