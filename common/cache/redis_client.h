// A blocking Redis connection with timeouts, over TCP or TLS (redis_transport.h):
// the few commands the layer cache needs, formatted and parsed by hiredis. Not thread-safe;
// LayerCache serialises access and reconnects.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/error.h"

struct redisReader;

namespace strata {

struct RedisAddress {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string username;  // an ACL user (Redis 6); empty: the default user
  std::string password;
  int database = 0;
  bool tls = false;     // rediss://
  std::string ca_file;  // for TLS: the CA that signed the server's certificate; empty: the system's
  std::string to_string() const;  // without the password
};

// redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], or rediss://… for TLS. Errors never repeat the
// password.
Result<RedisAddress> parse_redis_url(std::string_view url);

class RedisTransport;

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
  RedisClient(std::unique_ptr<RedisTransport> transport, RedisAddress address);
  // Sends one command and reads its reply (a redisReply*, owned by the caller); an error names
  // the command and the server.
  Result<void*> command(std::span<const char* const> argv, std::span<const std::size_t> lengths, std::string_view what);

  std::unique_ptr<RedisTransport> transport_;
  redisReader* reader_;
  RedisAddress address_;
};

}  // namespace strata
