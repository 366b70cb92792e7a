// The fleet-wide cache of layer analyses, in Redis for the cluster (any CacheStore underneath): key = diff_id + a hash of everything that
// changes the result (the analyzer set's versions and the walk limits), value = the encoded
// analysis (common/wire/layer_codec.h), with a TTL; the server bounds the total (maxmemory with
// an LRU policy, set by the deploy scripts).
//
// The cache is an optimisation, never a dependency: when Redis is unreachable every lookup is a
// miss and every store is skipped, a metric counts it, and one log line marks the start and the
// end of each outage. Reconnects are tried at most once per `retry_interval`, so a dead server
// costs scans nothing but the misses. Thread-safe.
//
// Redis is a cache, never the truth: every value carries an HMAC-SHA256 of its key and bytes under
// the cluster's cache secret (which coordinator and workers share, and Redis never sees). A value
// that fails the check — written by anyone without the secret, or moved to another key — is a
// miss, counted in strata_layer_cache_forged_total, and the layer is analysed again. Without a
// secret there is no cache.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/image/layer_analysis.h"
#include "common/metrics/metrics.h"
#include "common/cache/cache_store.h"
#include "common/wire/walk_limits.h"

namespace strata {

struct LayerCacheConfig {
  std::string url;  // empty: no cache
  std::string secret;  // the cluster's cache secret; empty: no cache
  std::string ca_file;  // rediss://: the CA of the server's certificate; empty: the system's CAs
  std::chrono::milliseconds timeout{1000};
  std::uint32_t ttl_seconds = 14 * 24 * 3600;
  std::chrono::milliseconds retry_interval{1000};
};

// `secret_rules_digest`: a tenant's own secret rules (secret_rules_digest()); empty for the
// built-in rules, whose keys stay what they were.
std::string layer_cache_key(std::string_view diff_id, std::uint64_t analyzer_set, const WalkLimits& limits,
                            std::string_view secret_rules_digest = {});
std::string blob_binding_key(std::string_view digest);

// The cache secret from a file (its bytes, a trailing newline dropped) or, with no file, the
// environment variable STRATA_CACHE_SECRET; "" when neither is set; an error names the file. At
// least 16 bytes.
Result<std::string> load_cache_secret(const std::string& file);

class LayerCache {
 public:
  // The cluster's cache: Redis at config.url; none when the URL or the secret is empty.
  LayerCache(LayerCacheConfig config, MetricsRegistry& metrics);
  // Over any store: memory for tests and a single process, a FaultStore in fault tests. A null
  // store or an empty secret: no cache.
  LayerCache(std::shared_ptr<CacheStore> store, std::string secret, std::uint32_t ttl_seconds, MetricsRegistry& metrics);

  // One round trip for all keys. A miss, an undecodable entry and an unreachable server all give
  // nullopt (the layer is analysed again).
  std::vector<std::optional<LayerAnalysis>> lookup(std::span<const std::string> keys);
  // Stores an encoded analysis for `ttl_seconds` (0: the configured TTL); false when it was not
  // stored.
  bool store(const std::string& key, std::span<const std::byte> encoded, std::uint32_t ttl_seconds = 0);
  bool enabled() const { return store_ != nullptr; }

  // Blob bindings: a worker that verified that the blob `digest` decompresses to `diff_id`
  // records it. A cached analysis (keyed by diff_id) is served for an image's layer only when its
  // blob digest is bound to that diff_id: naming someone else's diff_id next to a blob of one's
  // own, or one that no worker ever verified, finds nothing (issue 14, defect 5).
  bool bind_blob(std::string_view digest, std::string_view diff_id, std::uint32_t ttl_seconds = 0);
  // One layer of an image: its blob digest, its diff_id, and the analysis key.
  struct Request {
    std::string digest;
    std::string diff_id;
    std::string key;
  };
  // The cached analyses of these layers, in one round trip: a layer counts as a hit only when
  // its digest is bound to its diff_id and the analysis is there (both under a valid MAC).
  std::vector<std::optional<LayerAnalysis>> lookup_verified(std::span<const Request> layers);

 private:
  // The values at `keys` whose MAC verifies, without it; nullopt for a miss, a forgery or an outage.
  std::vector<std::optional<std::string>> authenticated(std::span<const std::string> keys);
  // What each call to the store ends with: an outage is counted and logged once, until it ends.
  void reached();
  void unreachable(const Error& error);

  std::shared_ptr<CacheStore> store_;
  std::string secret_;
  std::uint32_t ttl_seconds_;
  std::mutex outage_mutex_;
  bool down_ = false;
  Counter& hits_;
  Counter& misses_;
  Counter& errors_;
  Counter& corrupt_;
  Counter& forged_;
  Counter& stores_;
  Gauge& up_;
};

}  // namespace strata
