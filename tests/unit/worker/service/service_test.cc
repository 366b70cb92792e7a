// The worker's pieces that need no server: Redis URLs, job messages, cache keys, and run_job on
// good and damaged layers.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/wire/layer_codec.h"
#include "tests/support/image_builder.h"
#include "common/cache/layer_cache.h"
#include "common/cache/redis_client.h"
#include "common/wire/frames.h"
#include "common/wire/job.h"
#include "worker/service/run_job.h"

namespace strata::worker {
namespace {

TEST(RedisUrl, ParsesHostPortPasswordAndDatabase) {
  auto a = parse_redis_url("redis://:s3cret@cache.internal:6380/2");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "cache.internal");
  EXPECT_EQ(a->port, 6380);
  EXPECT_EQ(a->password, "s3cret");
  EXPECT_EQ(a->database, 2);
  EXPECT_EQ(a->to_string(), "redis://cache.internal:6380/2");
  EXPECT_EQ(parse_redis_url("redis://127.0.0.1")->port, 6379);
  EXPECT_FALSE(parse_redis_url("http://x"));
  EXPECT_FALSE(parse_redis_url("redis://x:99999"));
  EXPECT_FALSE(parse_redis_url("redis://:p@"));
}

// Issue 14, defect 6: the password in a Redis URL reached the log through the parse error.
TEST(RedisUrl, AclUsersAndNoPasswordInErrors) {
  auto a = parse_redis_url("redis://strata:s3cret@cache.internal:6380");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->username, "strata");
  EXPECT_EQ(a->password, "s3cret");
  EXPECT_EQ(a->to_string().find("s3cret"), std::string::npos);
  const auto bad = parse_redis_url("redis://strata:s3cret@cache.internal:99999");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message().find("s3cret"), std::string::npos) << bad.error().message();
  EXPECT_NE(bad.error().message().find("redis://***@cache.internal:99999"), std::string::npos) << bad.error().message();
  const auto tls = parse_redis_url("rediss://:s3cret@cache.internal:6380/1");
  ASSERT_TRUE(tls);
  EXPECT_TRUE(tls->tls);
  EXPECT_EQ(tls->port, 6380);
  EXPECT_EQ(tls->password, "s3cret");
  EXPECT_EQ(tls->to_string(), "rediss://cache.internal:6380/1");
  EXPECT_FALSE(parse_redis_url("redis:/x"));
}

TEST(CacheKey, ChangesWithEveryInputThatChangesTheResult) {
  WalkLimits limits;
  const std::string diff = "sha256:" + std::string(64, 'a');
  const std::string base = layer_cache_key(diff, 1, limits);
  EXPECT_TRUE(base.starts_with("strata:layer:v1:" + diff + ":"));
  EXPECT_NE(layer_cache_key(diff, 2, limits), base);
  WalkLimits other = limits;
  other.max_entry_bytes /= 2;
  EXPECT_NE(layer_cache_key(diff, 1, other), base);
  EXPECT_EQ(layer_cache_key(diff, 1, limits), base);
}

TEST(JobMessage, RoundTripsThroughAFrame) {
  JobSpec job;
  job.id = 42;
  job.diff_id = "sha256:d";
  job.digest = "sha256:b";
  job.media_type = "application/vnd.oci.image.layer.v1.tar+zstd";
  job.size = 1234;
  job.source.file = "/shared/blobs/sha256/b";
  job.source.registry = "registry.example:5000";
  job.source.repository = "team/app";
  job.token = "short-lived";
  job.limits.max_entry_bytes = 7;
  job.limits.stream.max_ratio = 9;
  job.cache_key = "k";
  job.cache_ttl_seconds = 60;
  job.lease_seconds = 30;
  capnp::MallocMessageBuilder message;
  to_wire(job, message.initRoot<wire::CoordinatorMessage>().initJob());
  const zmq::message_t frame = to_frame(message);
  FrameReader reader(frame);
  const JobSpec back = from_wire(reader.root<wire::CoordinatorMessage>().getJob());
  EXPECT_EQ(back.id, 42u);
  EXPECT_EQ(back.source.file, job.source.file);
  EXPECT_EQ(back.source.registry, job.source.registry);
  EXPECT_EQ(back.source.repository, job.source.repository);
  EXPECT_EQ(back.token, job.token);
  EXPECT_EQ(back.limits.max_entry_bytes, 7u);
  EXPECT_EQ(back.limits.stream.max_ratio, 9u);
  EXPECT_EQ(back.cache_key, "k");
  EXPECT_EQ(back.lease_seconds, 30u);
}

TEST(JobMessage, AGarbageFrameThrowsKjExceptionNotACrash) {
  const std::string junk(64, '\x7f');
  const zmq::message_t frame(junk.data(), junk.size());
  EXPECT_THROW(
      {
        FrameReader reader(frame);
        (void)reader.root<wire::CoordinatorMessage>().getJob().getDiffId();
      },
      kj::Exception);
}

class RunJob : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::temp_dir(); }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  JobSpec write(const test::TestLayer& layer, const std::string& blob) {
    std::ofstream(dir_ + "/blob", std::ios::binary) << blob;
    JobSpec job;
    job.id = 1;
    job.diff_id = layer.diff_id;
    job.digest = test::sha256_digest(layer.blob);
    job.media_type = layer.media_type;
    job.source.file = dir_ + "/blob";
    return job;
  }
  std::string dir_;
  MetricsRegistry metrics_;
  WorkerMetrics view_{metrics_};
  LayerCache cache_{{}, metrics_};  // no Redis: stores are skipped
  AnalyzerRegistry registry_ = builtin_analyzers();
};

TEST_F(RunJob, AnalysesAVerifiedLayerLikeTheEmbeddedPath) {
  const auto layer = test::make_layer({{"etc/os-release", "ID=alpine\nVERSION_ID=3.19.1\n"},
                                       {"lib/apk/db/installed", "P:musl\nV:1.2.4-r4\nA:x86_64\n\n"}});
  const auto out = run_job(write(layer, layer.blob), registry_, cache_, view_);
  ASSERT_TRUE(out.ok) << out.error;
  EXPECT_FALSE(out.cached);
  EXPECT_EQ(out.bytes_read, layer.blob.size());
  const auto analysis = decode_layer_analysis(out.analysis);
  ASSERT_TRUE(analysis);
  ASSERT_EQ(analysis->databases.size(), 1u);
  EXPECT_EQ(analysis->databases[0].packages[0].name, "musl");
  EXPECT_EQ(view_.layers_analyzed.value(), 1u);
}

TEST_F(RunJob, DamagedOrMissingBytesFailTheJobWithTheLayersName) {
  const auto layer = test::make_layer({{"etc/os-release", "ID=alpine\n"}});
  std::string bad = layer.blob;
  bad[bad.size() / 2] ^= 0x20;
  const JobSpec job = write(layer, bad);
  const auto out = run_job(job, registry_, cache_, view_);
  EXPECT_FALSE(out.ok);
  EXPECT_FALSE(out.retryable);
  EXPECT_NE(out.error.find("layer " + job.digest), std::string::npos) << out.error;

  JobSpec missing = job;
  missing.source.file = dir_ + "/nope";
  const auto gone = run_job(missing, registry_, cache_, view_);
  EXPECT_FALSE(gone.ok);
  EXPECT_TRUE(gone.retryable);
  EXPECT_EQ(view_.jobs_failed.value(), 2u);

  std::atomic<bool> cancelled{true};
  const auto stopped = run_job(write(layer, layer.blob), registry_, cache_, view_, &cancelled);
  EXPECT_FALSE(stopped.ok);
  EXPECT_EQ(stopped.error_code, "cancelled");
}

}  // namespace
}  // namespace strata::worker
