// The cluster's cache store: one Redis connection (redis_client.h), made lazily and again after
// an error, at most once per `retry_interval`, so a dead server costs each call one failed
// connect per interval and nothing in between. Thread-safe (one connection, serialised).
#pragma once

#include <chrono>
#include <memory>
#include <mutex>

#include "common/cache/cache_store.h"
#include "common/cache/redis_client.h"

namespace strata {

class RedisStore final : public CacheStore {
 public:
  RedisStore(RedisAddress address, std::chrono::milliseconds timeout, std::chrono::milliseconds retry_interval);

  Result<std::vector<std::optional<std::string>>> get(std::span<const std::string> keys) override;
  Result<void> set(std::string_view key, std::span<const std::byte> value, std::uint32_t ttl_seconds) override;
  std::string describe() const override { return address_.to_string(); }

 private:
  Result<RedisClient*> connection();  // under mutex_
  void lost();                        // under mutex_

  RedisAddress address_;
  std::chrono::milliseconds timeout_;
  std::chrono::milliseconds retry_interval_;
  std::mutex mutex_;
  std::unique_ptr<RedisClient> client_;
  std::chrono::steady_clock::time_point next_attempt_{};
};

}  // namespace strata
