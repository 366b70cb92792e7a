// The cluster keeps working when its parts break: a worker killed in the middle of a job, the
// coordinator killed after it acknowledged a scan, Redis stopped mid-run, a corrupt layer. Each
// test breaks one thing, for real (SIGKILL, a stopped server, flipped bytes), and checks that
// every scan still ends and that only what depended on the broken part failed.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

#include "loadtest/fleet.h"
#include "tests/support/cluster.h"
#include "tests/support/image_builder.h"
#include "tests/support/process.h"
#include "tests/support/shared_data.h"

namespace strata {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The blob file of layer `k` of the image with this manifest digest.
std::string layer_blob(const std::string& layout, const std::string& manifest_digest, std::size_t k) {
  const auto manifest = json::parse(test::read_file(layout + "/blobs/sha256/" + manifest_digest.substr(7)));
  const std::string digest = manifest["layers"][k]["digest"];
  return layout + "/blobs/sha256/" + digest.substr(7);
}

// Replaces a blob by a FIFO, so that whoever reads it blocks until the test feeds it: a job that
// stays in the middle for as long as the test needs. feed() writes the bytes once a reader opens.
class BlockingBlob {
 public:
  explicit BlockingBlob(std::string path) : path_(std::move(path)), bytes_(test::read_file(path_)) {
    fs::remove(path_);
    if (::mkfifo(path_.c_str(), 0644) != 0) throw std::runtime_error("mkfifo " + path_);
  }
  ~BlockingBlob() {
    if (feeder_.joinable()) feeder_.join();
  }
  void feed() {
    feeder_ = std::thread([this] {
      int fd = -1;
      // Non-blocking until a reader is there, so a broken test cannot hang on open().
      test::eventually(60, [&] { return (fd = ::open(path_.c_str(), O_WRONLY | O_NONBLOCK)) >= 0; });
      if (fd < 0) return;
      ::fcntl(fd, F_SETFL, 0);
      std::size_t off = 0;
      while (off < bytes_.size()) {
        const ssize_t n = ::write(fd, bytes_.data() + off, bytes_.size() - off);
        if (n <= 0) break;
        off += static_cast<std::size_t>(n);
      }
      ::close(fd);
    });
  }
  void restore() {
    if (feeder_.joinable()) feeder_.join();
    fs::remove(path_);
    std::ofstream(path_, std::ios::binary) << bytes_;
  }

 private:
  std::string path_;
  std::string bytes_;
  std::thread feeder_;
};

// Waits until one worker is inside the job blocked on the FIFO; its index.
std::optional<std::size_t> busy_worker(test::Cluster& cluster) {
  std::optional<std::size_t> busy;
  test::eventually(20, [&] {
    if (test::metric(cluster.metrics(), "strata_jobs_leased") != 1) return false;
    for (std::size_t i = 0; i < cluster.worker_count(); ++i) {
      if (test::metric(test::http_get(cluster.worker_metrics_url(i)).body, "strata_worker_busy_slots") == 1) {
        busy = i;
        return true;
      }
    }
    return false;
  });
  return busy;
}

class Faults : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::temp_dir();
    layout_ = dir_ + "/layout";
    fleet_ = loadtest::write_fleet(layout_, {.images = 6, .middles = 3, .app_bytes = 16 << 10, .seed = 11});
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string dir_, layout_;
  loadtest::Fleet fleet_;
};

TEST_F(Faults, WorkerKilledInTheMiddleOfAJobTheScanStillCompletes) {
  test::Cluster cluster({.workers = 2, .slots = 1});
  BlockingBlob blob(layer_blob(layout_, fleet_.digests[0], 2));  // image 0's own layer
  const std::string scan = cluster.submit({fleet_.refs[0]}, "interactive");

  // Wait until a worker is inside that job, then kill it without warning.
  const auto found = busy_worker(cluster);
  ASSERT_TRUE(found) << cluster.logs() << cluster.metrics();
  const std::size_t busy = *found;
  cluster.worker(busy).signal(SIGKILL);
  EXPECT_LT(cluster.worker(busy).wait(), 0);

  // The lease returns to the queue when the worker goes silent; the survivor gets the bytes.
  blob.feed();
  const auto done = cluster.wait(scan, 60);
  ASSERT_FALSE(done.is_null()) << cluster.logs();
  EXPECT_EQ(done["images"][0]["state"], "done") << done.dump(2);
  EXPECT_GE(test::metric(cluster.metrics(), "strata_jobs_requeued_total"), 1);
  blob.restore();
  const auto stored = test::http_get(cluster.server() + "/v1/images/" + fleet_.digests[0], cluster.token());
  const auto local = test::run_command(std::string(STRATA_BINARY) + " image " + fleet_.refs[0] + " --db " +
                                           cluster.vulndb() + " --format json", false);
  EXPECT_EQ(stored.body, local.out);
}

TEST_F(Faults, SigtermDrainsAWorkerThatFinishesItsJob) {
  test::Cluster cluster({.workers = 2, .slots = 1});
  BlockingBlob blob(layer_blob(layout_, fleet_.digests[0], 2));
  const std::string scan = cluster.submit({fleet_.refs[0]});
  const auto busy = busy_worker(cluster);
  ASSERT_TRUE(busy) << cluster.logs();
  cluster.worker(*busy).signal(SIGTERM);
  ASSERT_TRUE(test::eventually(10, [&] { return cluster.worker(*busy).log().find("stopping") != std::string::npos; }));
  blob.feed();  // the draining worker is the reader: it finishes the job, reports, and leaves
  EXPECT_EQ(cluster.worker(*busy).wait(), 0) << cluster.worker(*busy).log();
  const auto done = cluster.wait(scan, 30);
  ASSERT_FALSE(done.is_null()) << cluster.logs();
  EXPECT_EQ(done["images"][0]["state"], "done");
  EXPECT_EQ(test::metric(cluster.metrics(), "strata_jobs_requeued_total"), 0);
}

TEST_F(Faults, SigtermPastTheDrainTimeoutHandsTheJobBack) {
  test::Cluster cluster({.workers = 2, .slots = 1, .worker_args = {"--drain-seconds", "1"}});
  BlockingBlob blob(layer_blob(layout_, fleet_.digests[0], 2));
  const std::string scan = cluster.submit({fleet_.refs[0]});
  const auto busy = busy_worker(cluster);
  ASSERT_TRUE(busy) << cluster.logs();
  cluster.worker(*busy).signal(SIGTERM);
  // Its job is stuck in open(): it hands it back after a second and leaves without it.
  EXPECT_EQ(cluster.worker(*busy).wait(), 0) << cluster.worker(*busy).log();
  EXPECT_NE(cluster.worker(*busy).log().find("handing back 1 jobs"), std::string::npos);
  EXPECT_TRUE(test::eventually(10, [&] { return test::metric(cluster.metrics(), "strata_jobs_requeued_total") == 1; }));
  blob.feed();  // the other worker has it now
  const auto done = cluster.wait(scan, 30);
  ASSERT_FALSE(done.is_null()) << cluster.logs();
  EXPECT_EQ(done["images"][0]["state"], "done");
}

TEST_F(Faults, CoordinatorKilledAfterAcknowledgingAScanResumesItAfterRestart) {
  test::Cluster cluster({.workers = 2, .start_workers = false});
  // No worker yet: the scan is acknowledged and cannot progress.
  const std::string scan = cluster.submit(fleet_.refs);
  cluster.coordinator().signal(SIGKILL);
  EXPECT_LT(cluster.coordinator().wait(), 0);

  cluster.start_coordinator();
  cluster.start_worker(0);
  cluster.start_worker(1);
  const auto done = cluster.wait(scan, 60);
  ASSERT_FALSE(done.is_null()) << cluster.logs();
  EXPECT_EQ(done["counts"]["done"], fleet_.refs.size()) << done.dump(2);

  // Killed again with workers connected: they announce themselves to the new coordinator.
  cluster.coordinator().signal(SIGKILL);
  cluster.coordinator().wait();
  cluster.start_coordinator();
  const auto again = cluster.wait(cluster.submit({fleet_.refs[1], fleet_.refs[4]}), 60);
  ASSERT_FALSE(again.is_null()) << cluster.logs();
  EXPECT_EQ(again["counts"]["done"], 2);
  EXPECT_TRUE(cluster.worker(0).running());
  EXPECT_TRUE(cluster.worker(1).running());
}

TEST_F(Faults, RedisStoppedMidRunScansGoOnUncachedAndTheCacheComesBack) {
  test::Cluster cluster;
  const auto first = cluster.wait(cluster.submit({fleet_.refs[0], fleet_.refs[1], fleet_.refs[2]}));
  ASSERT_FALSE(first.is_null()) << cluster.logs();

  cluster.redis().stop();
  const auto uncached = cluster.wait(cluster.submit({fleet_.refs[3], fleet_.refs[4], fleet_.refs[5], fleet_.refs[0]}), 60);
  ASSERT_FALSE(uncached.is_null()) << cluster.logs();
  EXPECT_EQ(uncached["counts"]["done"], 4) << uncached.dump(2);
  std::string page = cluster.metrics();
  EXPECT_GT(test::metric(page, "strata_layer_cache_errors_total"), 0) << page;
  EXPECT_EQ(test::metric(page, "strata_layer_cache_up"), 0);
  EXPECT_NE(cluster.coordinator().log().find("scanning uncached until Redis is back"), std::string::npos);

  cluster.redis().start();
  // The cache reconnects on its next use after the reconnect interval: scan until it has.
  ASSERT_TRUE(test::eventually(30, [&] {
    const auto back = cluster.wait(cluster.submit({fleet_.refs[3]}));
    EXPECT_FALSE(back.is_null());
    EXPECT_EQ(back["counts"]["done"], 1);
    return test::metric(cluster.metrics(), "strata_layer_cache_up") == 1;
  })) << cluster.logs();
  EXPECT_NE(cluster.coordinator().log().find("reachable again"), std::string::npos);
}

// Issue 14, defect 4: a blob whose bytes do not match its digest is its source's fault, not the
// layer's: it fails its own images at once, is not quarantined (before, three failures shut the
// layer out for every tenant), and a later scan tries again.
TEST_F(Faults, ACorruptBlobFailsOnlyItsImagesAndIsNotQuarantined) {
  test::Cluster cluster;
  // Images 1 and 4 share middle layer 1; flip bytes in the middle of its blob.
  const std::string blob = layer_blob(layout_, fleet_.digests[1], 1);
  std::string bytes = test::read_file(blob);
  for (std::size_t i = bytes.size() / 2; i < bytes.size() / 2 + 8 && i < bytes.size(); ++i) bytes[i] ^= 0x5a;
  std::ofstream(blob, std::ios::binary | std::ios::trunc) << bytes;

  const auto done = cluster.wait(cluster.submit(fleet_.refs), 60);
  ASSERT_FALSE(done.is_null()) << cluster.logs();
  for (std::size_t i = 0; i < fleet_.refs.size(); ++i) {
    const auto& image = done["images"][i];
    if (i % 3 == 1) {
      EXPECT_EQ(image["state"], "failed") << image.dump();
      const std::string error = image["error"];
      EXPECT_EQ(error.find("quarantined"), std::string::npos) << error;
      EXPECT_NE(error.find(json::parse(test::read_file(layout_ + "/blobs/sha256/" + fleet_.digests[1].substr(7)))["layers"][1]["digest"].get<std::string>()),
                std::string::npos)
          << error;
    } else {
      EXPECT_EQ(image["state"], "done") << image.dump();
    }
  }
  const std::string page = cluster.metrics();
  EXPECT_EQ(test::metric(page, "strata_jobs_quarantined_total"), 0) << page;
  // Unverified bytes: no retry. One attempt, or two when image 4 was planned after image 1's
  // job had already failed; a retry would make it three or more.
  const auto failed_first = test::metric(page, "strata_jobs_failed_total");
  EXPECT_GE(failed_first, 1) << page;
  EXPECT_LE(failed_first, 2) << page;
  for (std::size_t i = 0; i < cluster.worker_count(); ++i) EXPECT_TRUE(cluster.worker(i).running());

  // Not quarantined: a later scan tries the layer again.
  const auto later = cluster.wait(cluster.submit({fleet_.refs[4]}));
  ASSERT_FALSE(later.is_null());
  EXPECT_EQ(later["images"][0]["state"], "failed");
  // Exactly one more attempt; a job cancelled because its image failed is no failed attempt.
  EXPECT_EQ(test::metric(cluster.metrics(), "strata_jobs_failed_total"), failed_first + 1);
}

// A layer whose bytes verify (both digests as the manifest and config say) but are no tar: the
// same bytes fail the same way for anyone, so after three verified failures it is quarantined,
// and later scans are answered without another attempt.
TEST_F(Faults, ALayerWhoseVerifiedBytesAreNoTarIsQuarantined) {
  test::Cluster cluster({.workers = 1});
  const std::string dir = test::temp_dir();
  const std::string garbage(200'000, 'x');
  test::TestImage image;
  image.tag = "1.0";
  image.layers.push_back({test::compress(garbage, Compression::kGzip), test::sha256_digest(garbage),
                          "application/vnd.oci.image.layer.v1.tar+gzip"});
  test::write_oci_layout(dir + "/layout", {image});
  const std::string ref = "oci:" + dir + "/layout:1.0";
  const auto done = cluster.wait(cluster.submit({ref}), 60);
  ASSERT_FALSE(done.is_null()) << cluster.logs();
  EXPECT_EQ(done["images"][0]["state"], "failed") << done.dump();
  const std::string error = done["images"][0]["error"];
  EXPECT_NE(error.find("quarantined"), std::string::npos) << error;
  EXPECT_EQ(test::metric(cluster.metrics(), "strata_jobs_quarantined_total"), 1);
  EXPECT_EQ(test::metric(cluster.metrics(), "strata_jobs_failed_total"), 3);
  const auto later = cluster.wait(cluster.submit({ref}), 60);
  ASSERT_FALSE(later.is_null());
  EXPECT_EQ(later["images"][0]["state"], "failed");
  EXPECT_EQ(test::metric(cluster.metrics(), "strata_jobs_failed_total"), 3);  // no new attempt

  // The operator lists it and lifts it; the running coordinator tries the layer again.
  const std::string admin = std::string(STRATA_COORDINATOR_BINARY) + " --database-url '" + cluster.database_url() + "' ";
  const auto listed = test::run_command(admin + "quarantine list", false);
  ASSERT_EQ(listed.exit_code, 0) << listed.out;
  EXPECT_NE(listed.out.find(test::sha256_digest(garbage)), std::string::npos) << listed.out;
  const auto lifted = test::run_command(admin + "quarantine lift " + test::sha256_digest(garbage));
  ASSERT_EQ(lifted.exit_code, 0) << lifted.out;
  EXPECT_TRUE(test::eventually(20, [&] {
    (void)cluster.wait(cluster.submit({ref}), 60);
    return test::metric(cluster.metrics(), "strata_jobs_failed_total") > 3;
  })) << cluster.logs();
  fs::remove_all(dir);
}

// Issue 14, defect 12: a failed store of a finished image was final, so a PostgreSQL outage left
// images 'analyzing' until the coordinator restarted. Now the write is retried until PostgreSQL
// is back, and the scan finishes by itself. This test's PostgreSQL is its own, so it can stop it.
TEST(StoreOutage, AScanFinishesOnceTheDatabaseReturns) {
  const std::string dir = test::temp_dir();
  const std::string services = "bash " STRATA_SOURCE_DIR "/deploy/local/services.sh ";
  const auto started = test::run_command(services + "start " + dir + "/services", /*with_stderr=*/false);
  ASSERT_EQ(started.exit_code, 0) << started.out;
  const std::string key = "STRATA_DATABASE_URL=";
  const auto at = started.out.find(key);
  ASSERT_NE(at, std::string::npos) << started.out;
  const std::string url = started.out.substr(at + key.size(), started.out.find('\n', at) - at - key.size());
  test::TestImage image;
  image.tag = "1.0";
  image.layers.push_back(test::make_layer({{"etc/os-release", "ID=alpine\nVERSION_ID=3.19.1\n"},
                                           {"lib/apk/db/installed", "P:musl\nV:1.2.4-r2\n\n"}}));
  test::write_oci_layout(dir + "/layout", {image});
  {
    test::Cluster cluster({.workers = 1, .start_workers = false, .database_url = url});
    const std::string id = cluster.submit({"oci:" + dir + "/layout:1.0"});
    ASSERT_EQ(test::run_command(services + "pg-stop " + dir + "/services").exit_code, 0);
    cluster.start_worker(0);  // the layer is analysed while the store is down
    EXPECT_TRUE(test::eventually(30, [&] {
      return cluster.coordinator().log().find("the store is unavailable, retrying") != std::string::npos;
    })) << cluster.logs();
    const auto restarted = test::run_command(services + "pg-start " + dir + "/services");
    ASSERT_EQ(restarted.exit_code, 0) << restarted.out;
    const auto scan = cluster.wait(id, 60);
    ASSERT_FALSE(scan.is_null()) << cluster.logs();
    EXPECT_EQ(scan["counts"]["done"], 1) << scan.dump(2);
    const auto report = test::http_get(cluster.server() + "/v1/images/" + std::string(scan["images"][0]["digest"]),
                                       cluster.token());
    EXPECT_EQ(report.status, 200) << report.body;
  }
  test::run_command(services + "stop " + dir + "/services");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace strata
