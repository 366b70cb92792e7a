#include "common/cache/redis_client.h"

#include <hiredis/hiredis.h>

#include <charconv>

#include "common/cache/redis_transport.h"

namespace strata {
namespace {

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

}  // namespace

std::string RedisAddress::to_string() const {
  return (tls ? "rediss://" : "redis://") + host + ":" + std::to_string(port) + "/" + std::to_string(database);
}

Result<RedisAddress> parse_redis_url(std::string_view url) {
  constexpr std::string_view kScheme = "redis://";
  // The URL as errors and logs may show it: user information masked (issue 14, defect 6).
  std::string shown(url);
  if (const auto scheme = shown.find("://"); scheme != std::string::npos) {
    if (const auto at = shown.rfind('@'); at != std::string::npos && at > scheme) {
      shown = shown.substr(0, scheme + 3) + "***" + shown.substr(at);
    }
  }
  auto bad = [&](std::string_view why) {
    return fail(ErrorCode::kInvalidInput, "Redis URL '" + shown + "': " + std::string(why));
  };
  RedisAddress a;
  a.tls = url.starts_with("rediss://");
  if (!a.tls && !url.starts_with(kScheme)) return bad("must start with redis:// (or rediss:// for TLS)");
  std::string_view rest = url.substr(a.tls ? kScheme.size() + 1 : kScheme.size());
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view auth = rest.substr(0, at);
    if (const auto colon = auth.find(':'); colon != std::string_view::npos) {
      a.username = std::string(auth.substr(0, colon));
      auth = auth.substr(colon + 1);
    }
    a.password = std::string(auth);
    rest = rest.substr(at + 1);
  }
  std::string_view hostport = rest;
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
    hostport = rest.substr(0, slash);
    const std::string_view db = rest.substr(slash + 1);
    if (!db.empty()) {
      const auto [p, ec] = std::from_chars(db.data(), db.data() + db.size(), a.database);
      if (ec != std::errc() || p != db.data() + db.size() || a.database < 0) return bad("database is not a number");
    }
  }
  if (const auto colon = hostport.rfind(':'); colon != std::string_view::npos) {
    const std::string_view port = hostport.substr(colon + 1);
    const auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), a.port);
    if (ec != std::errc() || p != port.data() + port.size() || a.port <= 0 || a.port > 65535) {
      return bad("port is not a number from 1 to 65535");
    }
    hostport = hostport.substr(0, colon);
  }
  if (hostport.empty()) return bad("no host");
  a.host = std::string(hostport);
  return a;
}

RedisClient::RedisClient(std::unique_ptr<RedisTransport> transport, RedisAddress address)
    : transport_(std::move(transport)), reader_(redisReaderCreate()), address_(std::move(address)) {}

Result<std::unique_ptr<RedisClient>> RedisClient::connect(const RedisAddress& address,
                                                          std::chrono::milliseconds timeout) {
  auto transport = RedisTransport::connect(address.host, address.port, address.tls, address.ca_file, timeout);
  if (!transport) return std::unexpected(transport.error().with_context(address.to_string()));
  std::unique_ptr<RedisClient> client(new RedisClient(std::move(*transport), address));
  if (client->reader_ == nullptr) return fail(ErrorCode::kUnavailable, address.to_string() + ": out of memory");
  if (!address.password.empty()) {
    std::vector<const char*> argv{"AUTH"};
    std::vector<std::size_t> lens{4};
    if (!address.username.empty()) {
      argv.push_back(address.username.data());
      lens.push_back(address.username.size());
    }
    argv.push_back(address.password.data());
    lens.push_back(address.password.size());
    auto r = client->command(argv, lens, "AUTH");
    // The reply's text is not repeated: it could echo what was sent.
    if (!r) return fail(ErrorCode::kUnavailable, address.to_string() + ": AUTH refused");
    freeReplyObject(*r);
  }
  if (address.database != 0) {
    const std::string db = std::to_string(address.database);
    const char* argv[] = {"SELECT", db.c_str()};
    const std::size_t lens[] = {6, db.size()};
    auto r = client->command(argv, lens, "SELECT");
    if (!r) return std::unexpected(r.error());
    freeReplyObject(*r);
  }
  return client;
}

RedisClient::~RedisClient() {
  if (reader_ != nullptr) redisReaderFree(reader_);
}

Result<void*> RedisClient::command(std::span<const char* const> argv, std::span<const std::size_t> lengths,
                                   std::string_view what) {
  char* formatted = nullptr;
  const int n = redisFormatCommandArgv(&formatted, static_cast<int>(argv.size()), const_cast<const char**>(argv.data()),
                                       lengths.data());
  if (n < 0 || formatted == nullptr) return fail(ErrorCode::kInternal, address_.to_string() + ": " + std::string(what) + ": cannot format");
  auto sent = transport_->write_all({formatted, static_cast<std::size_t>(n)});
  redisFreeCommand(formatted);
  if (!sent) return std::unexpected(sent.error().with_context(address_.to_string() + ": " + std::string(what)));
  char buffer[64 << 10];
  while (true) {
    void* reply = nullptr;
    if (redisReaderGetReply(reader_, &reply) != REDIS_OK) {
      return fail(ErrorCode::kUnavailable, address_.to_string() + ": " + std::string(what) + ": not a Redis reply");
    }
    if (reply != nullptr) {
      Reply r(static_cast<redisReply*>(reply));
      if (r->type == REDIS_REPLY_ERROR) {
        return fail(ErrorCode::kUnavailable, address_.to_string() + ": " + std::string(what) + ": " +
                                                 std::string(r->str, r->len));
      }
      return static_cast<void*>(r.release());
    }
    auto got = transport_->read_some(buffer);
    if (!got) return std::unexpected(got.error().with_context(address_.to_string() + ": " + std::string(what)));
    if (redisReaderFeed(reader_, buffer, *got) != REDIS_OK) {
      return fail(ErrorCode::kUnavailable, address_.to_string() + ": " + std::string(what) + ": not a Redis reply");
    }
  }
}

Result<void> RedisClient::set(std::string_view key, std::span<const std::byte> value, std::uint32_t ttl_seconds) {
  const std::string ttl = std::to_string(ttl_seconds);
  const char* argv[] = {"SET", key.data(), reinterpret_cast<const char*>(value.data()), "EX", ttl.c_str()};
  const std::size_t lens[] = {3, key.size(), value.size(), 2, ttl.size()};
  auto r = command(argv, lens, "SET");
  if (!r) return std::unexpected(r.error());
  freeReplyObject(*r);
  return {};
}

Result<std::vector<std::optional<std::string>>> RedisClient::mget(std::span<const std::string> keys) {
  std::vector<std::optional<std::string>> out;
  if (keys.empty()) return out;
  std::vector<const char*> argv{"MGET"};
  std::vector<std::size_t> lens{4};
  for (const auto& k : keys) {
    argv.push_back(k.data());
    lens.push_back(k.size());
  }
  auto reply = command(argv, lens, "MGET");
  if (!reply) return std::unexpected(reply.error());
  const Reply r(static_cast<redisReply*>(*reply));
  if (r->type != REDIS_REPLY_ARRAY || r->elements != keys.size()) {
    return fail(ErrorCode::kUnavailable, address_.to_string() + ": MGET: unexpected reply");
  }
  for (std::size_t i = 0; i < r->elements; ++i) {
    const redisReply* e = r->element[i];
    if (e->type == REDIS_REPLY_STRING) out.emplace_back(std::string(e->str, e->len));
    else out.emplace_back(std::nullopt);
  }
  return out;
}

Result<void> RedisClient::ping() {
  const char* argv[] = {"PING"};
  const std::size_t lens[] = {4};
  auto r = command(argv, lens, "PING");
  if (!r) return std::unexpected(r.error());
  freeReplyObject(*r);
  return {};
}

}  // namespace strata
