#include "common/cache/layer_cache.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/cache/redis_store.h"
#include "common/digest.h"
#include "common/log.h"
#include "common/wire/layer_codec.h"

namespace strata {
namespace {

constexpr std::size_t kMacBytes = 32;
constexpr std::size_t kMinSecretBytes = 16;

// HMAC-SHA256(secret, key || 0 || value): binds the value to its key, so a valid entry moved to
// another layer's key fails too.
std::array<unsigned char, kMacBytes> mac(const std::string& secret, std::string_view key, std::span<const std::byte> value) {
  std::string message;
  message.reserve(key.size() + 1 + value.size());
  message.append(key);
  message.push_back('\0');
  message.append(reinterpret_cast<const char*>(value.data()), value.size());
  std::array<unsigned char, kMacBytes> out{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), out.data(), &length);
  return out;
}

}  // namespace

Result<std::string> load_cache_secret(const std::string& file) {
  std::string secret;
  if (!file.empty()) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return fail(ErrorCode::kNotFound, file + ": cannot read the cache secret");
    std::stringstream text;
    text << in.rdbuf();
    secret = text.str();
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  } else if (const char* env = std::getenv("STRATA_CACHE_SECRET"); env != nullptr) {
    secret = env;
  }
  if (secret.empty()) return secret;
  if (secret.size() < kMinSecretBytes) {
    return fail(ErrorCode::kInvalidInput, (file.empty() ? std::string("STRATA_CACHE_SECRET") : file) +
                                              ": the cache secret must be at least 16 bytes");
  }
  return secret;
}

std::string blob_binding_key(std::string_view digest) { return "strata:blob:v1:" + std::string(digest); }

std::string layer_cache_key(std::string_view diff_id, std::uint64_t analyzer_set, const WalkLimits& limits,
                            std::string_view secret_rules_digest) {
  // Every input that can change a layer's analysis, in a fixed order.
  std::string inputs = "analyzers=" + std::to_string(analyzer_set) +
                             " entry=" + std::to_string(limits.max_entry_bytes) +
                             " entries=" + std::to_string(limits.max_entries) +
                             " path=" + std::to_string(limits.max_path_length) +
                             " layer=" + std::to_string(limits.stream.max_uncompressed_bytes) +
                             " ratio=" + std::to_string(limits.stream.max_ratio);
  if (!secret_rules_digest.empty()) inputs += " secret-rules=" + std::string(secret_rules_digest);
  const std::string hash = Sha256::of(std::as_bytes(std::span(inputs))).hex().substr(0, 16);
  return "strata:layer:v1:" + std::string(diff_id) + ":" + hash;
}

LayerCache::LayerCache(std::shared_ptr<CacheStore> store, std::string secret, std::uint32_t ttl_seconds,
                       MetricsRegistry& metrics)
    : store_(std::move(store)),
      secret_(std::move(secret)),
      ttl_seconds_(ttl_seconds),
      hits_(metrics.counter("strata_layer_cache_hits_total", "Layer analyses found in the Redis cache")),
      misses_(metrics.counter("strata_layer_cache_misses_total", "Layer analyses not in the Redis cache")),
      errors_(metrics.counter("strata_layer_cache_errors_total",
                              "Cache operations skipped or failed because Redis was unreachable")),
      corrupt_(metrics.counter("strata_layer_cache_corrupt_total", "Cache entries that did not decode")),
      forged_(metrics.counter("strata_layer_cache_forged_total",
                              "Cache entries whose MAC did not match: written without the cluster's secret")),
      stores_(metrics.counter("strata_layer_cache_stores_total", "Layer analyses written to the cache")),
      up_(metrics.gauge("strata_layer_cache_up", "1 while the Redis layer cache is reachable")) {
  if (store_ != nullptr && secret_.empty()) {
    log_error("cache", "no cache secret (--cache-secret-file or STRATA_CACHE_SECRET): running without a layer cache, "
                       "since entries nobody can authenticate would be trusted");
    store_.reset();
  }
}

namespace {

// The Redis store a configuration names, or null (no URL, or one that does not parse).
std::shared_ptr<CacheStore> redis_store(const LayerCacheConfig& config) {
  if (config.url.empty()) return nullptr;
  auto address = parse_redis_url(config.url);
  if (!address) {
    log_error("cache", address.error().message() + "; running without a layer cache");
    return nullptr;
  }
  address->ca_file = config.ca_file;
  return std::make_shared<RedisStore>(*address, config.timeout, config.retry_interval);
}

}  // namespace

LayerCache::LayerCache(LayerCacheConfig config, MetricsRegistry& metrics)
    : LayerCache(redis_store(config), config.secret, config.ttl_seconds, metrics) {}

void LayerCache::reached() {
  std::lock_guard lock(outage_mutex_);
  up_.set(1);
  if (down_) {
    down_ = false;
    log_info("cache", store_->describe() + " is reachable again; layer cache resumed");
  }
}

void LayerCache::unreachable(const Error& error) {
  errors_.inc();
  std::lock_guard lock(outage_mutex_);
  up_.set(0);
  if (!down_) {
    down_ = true;
    log_warn("cache", error.message() + "; scanning uncached until Redis is back");
  }
}

std::vector<std::optional<std::string>> LayerCache::authenticated(std::span<const std::string> keys) {
  std::vector<std::optional<std::string>> out(keys.size());
  if (keys.empty() || !enabled()) return out;
  auto values = store_->get(keys);
  if (!values) {
    unreachable(values.error());
    return out;
  }
  reached();
  for (std::size_t i = 0; i < keys.size(); ++i) {
    auto& value = (*values)[i];
    if (!value) continue;
    const auto bytes = std::as_bytes(std::span(*value));
    if (bytes.size() < kMacBytes ||
        CRYPTO_memcmp(mac(secret_, keys[i], bytes.subspan(kMacBytes)).data(), bytes.data(), kMacBytes) != 0) {
      forged_.inc();
      log_warn("cache", keys[i] + ": the entry's MAC does not match (not written by this cluster); ignored");
      continue;
    }
    out[i] = value->substr(kMacBytes);
  }
  return out;
}

std::vector<std::optional<LayerAnalysis>> LayerCache::lookup(std::span<const std::string> keys) {
  std::vector<std::optional<LayerAnalysis>> out(keys.size());
  const auto values = authenticated(keys);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (!values[i]) {
      misses_.inc();
      continue;
    }
    auto analysis = decode_layer_analysis(std::as_bytes(std::span(*values[i])));
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

bool LayerCache::bind_blob(std::string_view digest, std::string_view diff_id, std::uint32_t ttl_seconds) {
  return store(blob_binding_key(digest), std::as_bytes(std::span(diff_id)), ttl_seconds);
}

std::vector<std::optional<LayerAnalysis>> LayerCache::lookup_verified(std::span<const Request> layers) {
  std::vector<std::optional<LayerAnalysis>> out(layers.size());
  std::vector<std::string> keys;
  keys.reserve(2 * layers.size());
  for (const auto& l : layers) {
    keys.push_back(blob_binding_key(l.digest));
    keys.push_back(l.key);
  }
  const auto values = authenticated(keys);
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const auto& binding = values[2 * i];
    const auto& value = values[2 * i + 1];
    if (!binding || *binding != layers[i].diff_id || !value) {
      misses_.inc();
      continue;
    }
    auto analysis = decode_layer_analysis(std::as_bytes(std::span(*value)));
    if (!analysis) {
      corrupt_.inc();
      misses_.inc();
      log_warn("cache", layers[i].key + ": " + analysis.error().message() + "; analysing the layer again");
      continue;
    }
    hits_.inc();
    out[i] = std::move(*analysis);
  }
  return out;
}

bool LayerCache::store(const std::string& key, std::span<const std::byte> encoded, std::uint32_t ttl_seconds) {
  if (!enabled()) return false;
  const auto tag = mac(secret_, key, encoded);
  std::vector<std::byte> value(kMacBytes + encoded.size());
  std::memcpy(value.data(), tag.data(), kMacBytes);
  std::memcpy(value.data() + kMacBytes, encoded.data(), encoded.size());
  if (auto r = store_->set(key, value, ttl_seconds != 0 ? ttl_seconds : ttl_seconds_); !r) {
    unreachable(r.error());
    return false;
  }
  reached();
  stores_.inc();
  return true;
}

}  // namespace strata
