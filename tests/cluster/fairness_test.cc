// Fairness end to end: with one worker slot for the whole cluster, one tenant's large import is
// under way when another tenant asks for a single image; the single image is done while the
// import still has most of its images to go (planning, layer jobs and storing all take tenants
// in turn), and an interactive scan goes ahead of the bulk work of its own tenant.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "loadtest/fleet.h"
#include "tests/support/cluster.h"
#include "tests/support/image_builder.h"

namespace strata {
namespace {

TEST(Fairness, ALargeImportDoesNotStarveAnotherTenantsSingleImage) {
  const std::string dir = test::temp_dir();
  const auto import = loadtest::write_fleet(dir + "/import", {.images = 300, .middles = 4, .app_bytes = 256 << 10, .seed = 21});
  const auto single = loadtest::write_fleet(dir + "/single", {.images = 2, .middles = 1, .app_bytes = 4096, .seed = 22});
  test::Cluster cluster({.workers = 1, .slots = 1});
  const std::string other = cluster.create_tenant("tenant-b");

  const std::string big = cluster.submit(import.refs, "bulk");
  ASSERT_TRUE(test::eventually(30, [&] {
    const auto s = cluster.status(big);
    return !s.is_null() && s["counts"]["done"].get<int>() >= 5;
  })) << cluster.logs();
  const std::string small = cluster.submit({single.refs[0]}, "bulk", other);
  const auto small_done = cluster.wait(small, 60, other);
  ASSERT_FALSE(small_done.is_null()) << cluster.logs();
  const auto big_then = cluster.status(big);
  std::printf("the single image was done when the import had %d of %zu images done\n",
              big_then["counts"]["done"].get<int>(), import.refs.size());
  EXPECT_EQ(big_then["state"], "running");
  EXPECT_LT(big_then["counts"]["done"].get<int>(), 150) << "the single image waited for half the import";

  // Within one tenant, an interactive scan overtakes its own bulk import.
  const std::string urgent = cluster.submit({single.refs[1]}, "interactive");
  const auto urgent_done = cluster.wait(urgent, 60);
  ASSERT_FALSE(urgent_done.is_null());
  EXPECT_EQ(cluster.status(big)["state"], "running");

  const auto all = cluster.wait(big, 300);
  ASSERT_FALSE(all.is_null()) << cluster.logs();
  EXPECT_EQ(all["counts"]["done"], import.refs.size());
  std::filesystem::remove_all(dir);
}

// Issue 14, defect 8: every image of an accepted scan was planned at once, each holding its plan
// and its layers' analyses until stored, so one scan of thousands of images could fill the
// coordinator's memory. Now at most --max-images-in-flight are under way; the rest wait in the
// same fair order, and another tenant's image still goes first.
TEST(Fairness, ImagesInFlightAreBoundedAndWaitersKeepTheirTurn) {
  const std::string dir = test::temp_dir();
  const auto fleet = loadtest::write_fleet(dir + "/fleet", {.images = 24, .middles = 2, .app_bytes = 64 << 10, .seed = 31});
  const auto single = loadtest::write_fleet(dir + "/single", {.images = 1, .middles = 1, .app_bytes = 4096, .seed = 32});
  test::Cluster cluster({.workers = 1, .slots = 1, .coordinator_args = {"--max-images-in-flight", "2"}});
  const std::string other = cluster.create_tenant("tenant-b");
  const std::string big = cluster.submit(fleet.refs);
  double most_in_flight = 0, most_waiting = 0;
  std::string small;
  nlohmann::json done;
  ASSERT_TRUE(test::eventually(120, [&] {
    const std::string page = cluster.metrics();
    most_in_flight = std::max(most_in_flight, test::metric(page, "strata_images_in_flight"));
    most_waiting = std::max(most_waiting, test::metric(page, "strata_images_waiting"));
    if (small.empty() && most_waiting > 10) small = cluster.submit({single.refs[0]}, "bulk", other);
    done = cluster.status(big);
    return !done.is_null() && done["state"] == "done";
  })) << cluster.logs();
  EXPECT_EQ(done["counts"]["done"], 24) << done.dump(2);
  EXPECT_LE(most_in_flight, 2);
  EXPECT_GE(most_waiting, 10);
  ASSERT_FALSE(small.empty());
  const auto small_done = cluster.status(small, other);
  EXPECT_EQ(small_done["state"], "done");
  // Its image was admitted in its turn, not after the rest of the import.
  EXPECT_LT(small_done["finished_at"].get<std::string>(), done["finished_at"].get<std::string>());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace strata
