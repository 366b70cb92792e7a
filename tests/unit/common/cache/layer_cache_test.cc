// The layer cache over its in-memory store and the fault-injecting wrapper: what a hit, a miss,
// an outage, a slow store, lost writes and corrupted bytes each do to a lookup and to the
// metrics. Redis itself is exercised by the cluster's tests.
#include "common/cache/layer_cache.h"

#include <gtest/gtest.h>

#include "common/cache/fault_store.h"
#include "common/cache/memory_store.h"
#include "common/wire/layer_codec.h"

namespace strata {
namespace {

constexpr const char* kSecret = "a cache secret of 32 bytes......";

LayerAnalysis analysis_with(const std::string& warning) {
  LayerAnalysis a;
  a.warnings.push_back(warning);
  a.entries = 7;
  return a;
}

struct Fixture {
  std::shared_ptr<MemoryStore> memory = std::make_shared<MemoryStore>();
  std::shared_ptr<FaultStore> faults = std::make_shared<FaultStore>(memory);
  MetricsRegistry metrics;
  LayerCache cache{faults, kSecret, 3600, metrics};

  bool put(const std::string& key, const LayerAnalysis& a) { return cache.store(key, encode_layer_analysis(a)); }
  std::optional<LayerAnalysis> get(const std::string& key) {
    std::vector<std::string> keys{key};
    return cache.lookup(keys)[0];
  }
  double counter(const std::string& name) { return metrics.counter(name, "").value(); }
};

TEST(LayerCache, AStoredAnalysisComesBackAndAnAbsentOneIsAMiss) {
  Fixture f;
  ASSERT_TRUE(f.put("k1", analysis_with("one")));
  EXPECT_EQ(f.get("k1"), analysis_with("one"));
  EXPECT_EQ(f.get("k2"), std::nullopt);
  EXPECT_EQ(f.counter("strata_layer_cache_hits_total"), 1);
  EXPECT_EQ(f.counter("strata_layer_cache_misses_total"), 1);
  EXPECT_EQ(f.counter("strata_layer_cache_stores_total"), 1);
}

TEST(LayerCache, WithoutASecretThereIsNoCache) {
  MetricsRegistry metrics;
  LayerCache cache(std::make_shared<MemoryStore>(), "", 3600, metrics);
  EXPECT_FALSE(cache.enabled());
  EXPECT_FALSE(cache.store("k", encode_layer_analysis(analysis_with("x"))));
}

TEST(LayerCache, AnUnreachableStoreIsAMissEveryTimeAndTheCacheResumesWhenItIsBack) {
  Fixture f;
  ASSERT_TRUE(f.put("k1", analysis_with("one")));
  f.faults->unreachable = true;
  EXPECT_EQ(f.get("k1"), std::nullopt);
  EXPECT_FALSE(f.put("k2", analysis_with("two")));
  EXPECT_EQ(f.counter("strata_layer_cache_errors_total"), 2);
  EXPECT_EQ(f.metrics.gauge("strata_layer_cache_up", "").value(), 0);
  f.faults->unreachable = false;
  EXPECT_EQ(f.get("k1"), analysis_with("one"));
  EXPECT_EQ(f.metrics.gauge("strata_layer_cache_up", "").value(), 1);
}

TEST(LayerCache, FlippedOrTruncatedBytesFailTheMacAndAreNeverServed) {
  Fixture f;
  ASSERT_TRUE(f.put("k1", analysis_with("one")));
  f.faults->flip_bytes = true;
  EXPECT_EQ(f.get("k1"), std::nullopt);
  f.faults->flip_bytes = false;
  f.faults->truncate = true;
  EXPECT_EQ(f.get("k1"), std::nullopt);
  EXPECT_EQ(f.counter("strata_layer_cache_forged_total"), 2);
  f.faults->truncate = false;
  EXPECT_EQ(f.get("k1"), analysis_with("one"));
}

TEST(LayerCache, AnEntryWrittenWithoutTheSecretOrMovedToAnotherKeyIsForged) {
  Fixture f;
  const auto bytes = encode_layer_analysis(analysis_with("planted"));
  ASSERT_TRUE(f.memory->set("k-raw", bytes, 60));  // no MAC at all
  EXPECT_EQ(f.get("k-raw"), std::nullopt);
  ASSERT_TRUE(f.put("k-real", analysis_with("real")));
  auto moved = f.memory->get(std::vector<std::string>{"k-real"});
  ASSERT_TRUE(moved && (*moved)[0]);
  ASSERT_TRUE(f.memory->set("k-other", std::as_bytes(std::span(*(*moved)[0])), 60));
  EXPECT_EQ(f.get("k-other"), std::nullopt);
  EXPECT_EQ(f.counter("strata_layer_cache_forged_total"), 2);
}

TEST(LayerCache, AnAuthenticEntryThatDoesNotDecodeIsCorruptAndAMiss) {
  Fixture f;
  const std::string garbage = "not a layer analysis";
  ASSERT_TRUE(f.cache.store("k1", std::as_bytes(std::span(garbage))));
  EXPECT_EQ(f.get("k1"), std::nullopt);
  EXPECT_EQ(f.counter("strata_layer_cache_corrupt_total"), 1);
}

TEST(LayerCache, LostWritesAreMissesLater) {
  Fixture f;
  f.faults->drop_writes = true;
  EXPECT_TRUE(f.put("k1", analysis_with("one")));
  EXPECT_EQ(f.get("k1"), std::nullopt);
}

TEST(LayerCache, ALayerIsServedOnlyWhenItsBlobIsBoundToItsDiffId) {
  Fixture f;
  ASSERT_TRUE(f.put("key", analysis_with("layer")));
  std::vector<LayerCache::Request> request{{"sha256:blob", "sha256:diff", "key"}};
  EXPECT_EQ(f.cache.lookup_verified(request)[0], std::nullopt);
  ASSERT_TRUE(f.cache.bind_blob("sha256:blob", "sha256:other-diff"));
  EXPECT_EQ(f.cache.lookup_verified(request)[0], std::nullopt);
  ASSERT_TRUE(f.cache.bind_blob("sha256:blob", "sha256:diff"));
  EXPECT_EQ(f.cache.lookup_verified(request)[0], analysis_with("layer"));
}

TEST(LayerCache, ASlowStoreDelaysButDoesNotChangeTheAnswer) {
  Fixture f;
  ASSERT_TRUE(f.put("k1", analysis_with("one")));
  f.faults->delay_ms = 20;
  EXPECT_EQ(f.get("k1"), analysis_with("one"));
  EXPECT_EQ(f.faults->calls(), 2u);
}

TEST(MemoryStore, ExpiredEntriesAreAbsentAndTheOldestGoFirstPastTheBound) {
  MemoryStore store(64);
  const std::string value(20, 'v');
  ASSERT_TRUE(store.set("a", std::as_bytes(std::span(value)), 0));  // expires at once
  ASSERT_TRUE(store.set("b", std::as_bytes(std::span(value)), 60));
  ASSERT_TRUE(store.set("c", std::as_bytes(std::span(value)), 60));
  ASSERT_TRUE(store.set("d", std::as_bytes(std::span(value)), 60));  // 4 × 21 bytes > 64: "a" goes
  auto got = store.get(std::vector<std::string>{"a", "b", "c", "d"});
  ASSERT_TRUE(got);
  EXPECT_EQ((*got)[0], std::nullopt);
  EXPECT_EQ((*got)[1], value);
  EXPECT_EQ((*got)[3], value);
  EXPECT_EQ(store.size(), 3u);
}

}  // namespace
}  // namespace strata
