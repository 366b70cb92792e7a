// The byte stream under the Redis client: a TCP connection, or TLS over it (rediss://). Debian
// 12's hiredis (0.14) has no TLS, so the client keeps hiredis for the protocol (commands
// formatted by redisFormatCommandArgv, replies parsed by its reader) and does its own I/O here,
// with OpenSSL for TLS: the server's certificate is verified against the system's CAs or a given
// CA file, and its name (or IP address) against the host the URL names.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <span>
#include <string>

#include "common/error.h"

namespace strata {

class RedisTransport {
 public:
  // Connects within `timeout`; every later read and write also times out after it.
  // `ca_file` empty: the system's CAs.
  static Result<std::unique_ptr<RedisTransport>> connect(const std::string& host, int port, bool tls,
                                                         const std::string& ca_file, std::chrono::milliseconds timeout);
  ~RedisTransport();
  RedisTransport(const RedisTransport&) = delete;
  RedisTransport& operator=(const RedisTransport&) = delete;

  Result<void> write_all(std::span<const char> bytes);
  // Some bytes into `into`; an error when the connection ends or times out.
  Result<std::size_t> read_some(std::span<char> into);

 private:
  struct Tls;
  RedisTransport(int fd, std::unique_ptr<Tls> tls);
  int fd_;
  std::unique_ptr<Tls> tls_;
};

}  // namespace strata
