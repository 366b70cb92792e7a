#include "worker/cache/redis_client.h"

#include <hiredis/hiredis.h>

#include <charconv>

namespace strata::worker {
namespace {

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

timeval to_timeval(std::chrono::milliseconds ms) {
  return timeval{static_cast<time_t>(ms.count() / 1000), static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

}  // namespace

std::string RedisAddress::to_string() const {
  return "redis://" + host + ":" + std::to_string(port) + "/" + std::to_string(database);
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
  if (url.starts_with("rediss://")) {
    return bad("TLS (rediss://) needs hiredis 1.0 or later; Debian 12's hiredis 0.14 has none. Reach Redis over a "
               "private network or a TLS tunnel (stunnel, a service mesh) and name it with redis://");
  }
  if (!url.starts_with(kScheme)) return bad("must start with redis://");
  std::string_view rest = url.substr(kScheme.size());
  RedisAddress a;
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

Result<std::unique_ptr<RedisClient>> RedisClient::connect(const RedisAddress& address,
                                                          std::chrono::milliseconds timeout) {
  redisContext* c = redisConnectWithTimeout(address.host.c_str(), address.port, to_timeval(timeout));
  if (c == nullptr) return fail(ErrorCode::kUnavailable, address.to_string() + ": cannot allocate a connection");
  if (c->err != 0) {
    std::string why = c->errstr;
    redisFree(c);
    return fail(ErrorCode::kUnavailable, address.to_string() + ": " + why);
  }
  redisSetTimeout(c, to_timeval(timeout));
  std::unique_ptr<RedisClient> client(new RedisClient(c, address));
  if (!address.password.empty()) {
    Reply r(static_cast<redisReply*>(
        address.username.empty()
            ? redisCommand(c, "AUTH %s", address.password.c_str())
            : redisCommand(c, "AUTH %s %s", address.username.c_str(), address.password.c_str())));
    if (!r || r->type == REDIS_REPLY_ERROR) {
      return fail(ErrorCode::kUnavailable, address.to_string() + ": AUTH refused");
    }
  }
  if (address.database != 0) {
    Reply r(static_cast<redisReply*>(redisCommand(c, "SELECT %d", address.database)));
    if (!r || r->type == REDIS_REPLY_ERROR) {
      return fail(ErrorCode::kUnavailable, address.to_string() + ": SELECT refused");
    }
  }
  return client;
}

RedisClient::~RedisClient() { redisFree(context_); }

Result<void> RedisClient::check_context(std::string_view what) {
  return fail(ErrorCode::kUnavailable, address_.to_string() + ": " + std::string(what) + ": " +
                                           (context_->err != 0 ? context_->errstr : "no reply"));
}

Result<void> RedisClient::set(std::string_view key, std::span<const std::byte> value, std::uint32_t ttl_seconds) {
  const std::string ttl = std::to_string(ttl_seconds);
  const char* argv[] = {"SET", key.data(), reinterpret_cast<const char*>(value.data()), "EX", ttl.c_str()};
  const std::size_t lens[] = {3, key.size(), value.size(), 2, ttl.size()};
  Reply r(static_cast<redisReply*>(redisCommandArgv(context_, 5, argv, lens)));
  if (!r) return check_context("SET");
  if (r->type == REDIS_REPLY_ERROR) {
    return fail(ErrorCode::kUnavailable, address_.to_string() + ": SET: " + std::string(r->str, r->len));
  }
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
  Reply r(static_cast<redisReply*>(redisCommandArgv(context_, static_cast<int>(argv.size()), argv.data(), lens.data())));
  if (!r) return std::unexpected(check_context("MGET").error());
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
  Reply r(static_cast<redisReply*>(redisCommand(context_, "PING")));
  if (!r) return check_context("PING");
  return {};
}

}  // namespace strata::worker
