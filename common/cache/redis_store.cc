#include "common/cache/redis_store.h"

namespace strata {

RedisStore::RedisStore(RedisAddress address, std::chrono::milliseconds timeout, std::chrono::milliseconds retry_interval)
    : address_(std::move(address)), timeout_(timeout), retry_interval_(retry_interval) {}

void RedisStore::lost() {
  client_.reset();
  next_attempt_ = std::chrono::steady_clock::now() + retry_interval_;
}

Result<RedisClient*> RedisStore::connection() {
  if (client_) return client_.get();
  if (std::chrono::steady_clock::now() < next_attempt_) {
    return fail(ErrorCode::kUnavailable, address_.to_string() + ": waiting to reconnect");
  }
  auto client = RedisClient::connect(address_, timeout_);
  if (!client) {
    lost();
    return std::unexpected(client.error());
  }
  client_ = std::move(*client);
  return client_.get();
}

Result<std::vector<std::optional<std::string>>> RedisStore::get(std::span<const std::string> keys) {
  std::lock_guard lock(mutex_);
  auto c = connection();
  if (!c) return std::unexpected(c.error());
  auto values = (*c)->mget(keys);
  if (!values) lost();
  return values;
}

Result<void> RedisStore::set(std::string_view key, std::span<const std::byte> value, std::uint32_t ttl_seconds) {
  std::lock_guard lock(mutex_);
  auto c = connection();
  if (!c) return std::unexpected(c.error());
  auto stored = (*c)->set(key, value, ttl_seconds);
  if (!stored) lost();
  return stored;
}

}  // namespace strata
