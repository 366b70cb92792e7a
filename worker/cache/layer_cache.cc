#include "worker/cache/layer_cache.h"

#include "common/digest.h"
#include "common/log.h"
#include "common/wire/layer_codec.h"

namespace strata::worker {

std::string layer_cache_key(std::string_view diff_id, std::uint64_t analyzer_set, const WalkLimits& limits) {
  // Every input that can change a layer's analysis, in a fixed order.
  const std::string inputs = "analyzers=" + std::to_string(analyzer_set) +
                             " entry=" + std::to_string(limits.max_entry_bytes) +
                             " entries=" + std::to_string(limits.max_entries) +
                             " path=" + std::to_string(limits.max_path_length) +
                             " layer=" + std::to_string(limits.stream.max_uncompressed_bytes) +
                             " ratio=" + std::to_string(limits.stream.max_ratio);
  const std::string hash = Sha256::of(std::as_bytes(std::span(inputs))).hex().substr(0, 16);
  return "strata:layer:v1:" + std::string(diff_id) + ":" + hash;
}

LayerCache::LayerCache(LayerCacheConfig config, MetricsRegistry& metrics)
    : config_(std::move(config)),
      hits_(metrics.counter("strata_layer_cache_hits_total", "Layer analyses found in the Redis cache")),
      misses_(metrics.counter("strata_layer_cache_misses_total", "Layer analyses not in the Redis cache")),
      errors_(metrics.counter("strata_layer_cache_errors_total",
                              "Cache operations skipped or failed because Redis was unreachable")),
      corrupt_(metrics.counter("strata_layer_cache_corrupt_total", "Cache entries that did not decode")),
      stores_(metrics.counter("strata_layer_cache_stores_total", "Layer analyses written to the cache")),
      up_(metrics.gauge("strata_layer_cache_up", "1 while the Redis layer cache is reachable")) {
  if (config_.url.empty()) return;
  auto address = parse_redis_url(config_.url);
  if (!address) {
    log_error("cache", address.error().message() + "; running without a layer cache");
    config_.url.clear();
    return;
  }
  address_ = *address;
}

void LayerCache::lost(const Error& error) {
  client_.reset();
  errors_.inc();
  up_.set(0);
  next_attempt_ = std::chrono::steady_clock::now() + config_.retry_interval;
  if (!down_) {
    down_ = true;
    log_warn("cache", error.message() + "; scanning uncached until Redis is back");
  }
}

RedisClient* LayerCache::connection() {
  if (client_) return client_.get();
  if (std::chrono::steady_clock::now() < next_attempt_) {
    errors_.inc();
    return nullptr;
  }
  auto client = RedisClient::connect(*address_, config_.timeout);
  if (!client) {
    lost(client.error());
    return nullptr;
  }
  client_ = std::move(*client);
  up_.set(1);
  if (down_) {
    down_ = false;
    log_info("cache", address_->to_string() + " is reachable again; layer cache resumed");
  }
  return client_.get();
}

std::vector<std::optional<LayerAnalysis>> LayerCache::lookup(std::span<const std::string> keys) {
  std::vector<std::optional<LayerAnalysis>> out(keys.size());
  if (keys.empty()) return out;
  if (!enabled()) {
    misses_.inc(keys.size());
    return out;
  }
  Result<std::vector<std::optional<std::string>>> values = [&]() -> Result<std::vector<std::optional<std::string>>> {
    std::lock_guard lock(mutex_);
    RedisClient* c = connection();
    if (c == nullptr) return fail(ErrorCode::kUnavailable, "Redis is down");
    auto v = c->mget(keys);
    if (!v) lost(v.error());
    return v;
  }();
  if (!values) {
    misses_.inc(keys.size());
    return out;
  }
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const auto& value = (*values)[i];
    if (!value) {
      misses_.inc();
      continue;
    }
    auto analysis = decode_layer_analysis(std::as_bytes(std::span(*value)));
    if (!analysis) {
      corrupt_.inc();
      misses_.inc();
      log_warn("cache", keys[i] + ": " + analysis.error().message() + "; analysing the layer again");
      continue;
    }
    hits_.inc();
    out[i] = std::move(*analysis);
  }
  return out;
}

bool LayerCache::store(const std::string& key, std::span<const std::byte> encoded, std::uint32_t ttl_seconds) {
  if (!enabled()) return false;
  std::lock_guard lock(mutex_);
  RedisClient* c = connection();
  if (c == nullptr) return false;
  if (auto r = c->set(key, encoded, ttl_seconds != 0 ? ttl_seconds : config_.ttl_seconds); !r) {
    lost(r.error());
    return false;
  }
  stores_.inc();
  return true;
}

}  // namespace strata::worker
