// A blocking Redis connection (hiredis) with timeouts: the few commands the layer cache needs.
// Not thread-safe; LayerCache serialises access and reconnects.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/error.h"

struct redisContext;

namespace strata::worker {

struct RedisAddress {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string username;  // an ACL user (Redis 6); empty: the default user
  std::string password;
  int database = 0;
  std::string to_string() const;  // without the password
};

// redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]. Errors never repeat the password. rediss:// (TLS)
// is refused with the reason: Debian 12's hiredis 0.14 has no TLS.
Result<RedisAddress> parse_redis_url(std::string_view url);

class RedisClient {
 public:
  static Result<std::unique_ptr<RedisClient>> connect(const RedisAddress& address,
                                                      std::chrono::milliseconds timeout);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // SET key value EX ttl.
  Result<void> set(std::string_view key, std::span<const std::byte> value, std::uint32_t ttl_seconds);
  // MGET: every key in one round trip; a missing key is nullopt.
  Result<std::vector<std::optional<std::string>>> mget(std::span<const std::string> keys);
  Result<void> ping();

 private:
  explicit RedisClient(redisContext* context, RedisAddress address)
      : context_(context), address_(std::move(address)) {}
  Result<void> check_context(std::string_view what);

  redisContext* context_;
  RedisAddress address_;
};

}  // namespace strata::worker
