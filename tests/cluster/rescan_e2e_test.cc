// A feed update on a running cluster, end to end (issue 16): a fleet is scanned while the feed
// store holds part of the feed; the rest is imported with `strata-coordinator feeds import`; the
// running coordinator rescans on the notification, without a layer or a worker, and afterwards
// every stored report equals a fresh `strata image` with the whole feed, and the tenant's events
// are exactly the findings the new records added. The same feed again makes nothing happen. A
// rescan cut short by kill -9 of the coordinator, or by PostgreSQL restarting, ends the same.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <set>

#include "loadtest/fleet.h"
#include "tests/support/cluster.h"
#include "coordinator/store/pg.h"
#include "tests/support/process.h"
#include "tests/support/image_builder.h"

namespace strata {
namespace {

// (vulnerability id, package name, installed version) of a strata.report/v1 document.
std::set<std::string> findings_of(const nlohmann::json& report) {
  std::set<std::string> out;
  for (const auto& v : report["vulnerabilities"]) {
    out.insert(v["id"].get<std::string>() + " " + v["package"].get<std::string>() + " " +
               v["installed_version"].get<std::string>());
  }
  return out;
}

nlohmann::json local_report(const std::string& ref, const std::string& db) {
  const auto out = test::run_command(std::string(STRATA_BINARY) + " image " + ref + " --db " + db + " --format json",
                                     /*with_stderr=*/false);
  EXPECT_EQ(out.exit_code, 0) << out.out;
  return nlohmann::json::parse(out.out);
}

// Every event of the cluster's tenant, page by page.
std::vector<nlohmann::json> all_events(test::Cluster& cluster) {
  std::vector<nlohmann::json> out;
  std::string after = "0";
  while (true) {
    const auto page = test::http_get(cluster.server() + "/v1/events?limit=7&after=" + after, cluster.token());
    EXPECT_EQ(page.status, 200) << page.body;
    const auto doc = nlohmann::json::parse(page.body);
    for (const auto& e : doc["events"]) out.push_back(e);
    if (doc["events"].empty()) return out;
    after = doc["next"].get<std::string>();
  }
}

// "digest id package version" of every finding.new event, each once (a duplicate fails the test).
std::set<std::string> announced_findings(test::Cluster& cluster) {
  std::set<std::string> out;
  std::int64_t last_id = 0;
  for (const auto& e : all_events(cluster)) {
    EXPECT_EQ(e["type"], "finding.new") << e.dump();
    EXPECT_EQ(e["generation"], 2);
    const std::int64_t id = std::stoll(e["id"].get<std::string>());
    EXPECT_GT(id, last_id);  // in order
    last_id = id;
    EXPECT_EQ(e["image"]["refs"].size(), 1u) << e.dump();
    EXPECT_TRUE(out.insert(e["image"]["digest"].get<std::string>() + " " + e["vulnerability"]["id"].get<std::string>() +
                           " " + e["package"]["name"].get<std::string>() + " " +
                           e["installed_version"].get<std::string>())
                    .second)
        << "twice: " << e.dump();
  }
  return out;
}

// What the rest of the feed adds to each image: its findings with the whole feed (`full_db`)
// that it did not have with the part (`part_db`), as announced_findings words them.
std::set<std::string> added_findings(const loadtest::Fleet& fleet, const std::string& part_db, const std::string& full_db) {
  std::set<std::string> out;
  for (std::size_t i = 0; i < fleet.refs.size(); ++i) {
    const auto before = findings_of(local_report(fleet.refs[i], part_db));
    for (const auto& f : findings_of(local_report(fleet.refs[i], full_db))) {
      if (!before.contains(f)) out.insert(fleet.digests[i] + " " + f);
    }
  }
  return out;
}

TEST(RescanE2E, TheRestOfAFeedUpdatesStoredReportsAndTellsTheTenantWithoutALayer) {
  const std::string dir = test::temp_dir();
  const auto fleet = loadtest::write_fleet(dir + "/layout", {.images = 10, .middles = 2, .app_bytes = 16 << 10, .seed = 11});
  test::Cluster cluster({.feed_store = true});
  // Part of the feed: the openssl record only; the SQLite file with the same part, for `strata image`.
  const std::string part = dir + "/part";
  std::filesystem::create_directories(part);
  std::filesystem::copy_file(cluster.feed_dir() + "/debian-openssl.json", part + "/debian-openssl.json");
  EXPECT_NE(cluster.import_feeds({part}).find("generation 1"), std::string::npos);
  const std::string part_db = dir + "/part.sqlite";
  ASSERT_EQ(test::run_command(std::string(STRATA_BINARY) + " db import --db " + part_db + " " + part).exit_code, 0);

  const auto scanned = cluster.wait(cluster.submit(fleet.refs));
  ASSERT_FALSE(scanned.is_null()) << cluster.logs();
  ASSERT_EQ(scanned["counts"]["done"], fleet.refs.size()) << scanned.dump(2);
  const double analyzed = test::metric(cluster.metrics(), "strata_layers_analyzed_total");
  EXPECT_EQ(analyzed, static_cast<double>(fleet.unique_layers));
  EXPECT_TRUE(all_events(cluster).empty());

  // The whole feed: curl and musl records are new, openssl's is as stored.
  EXPECT_NE(cluster.import_feeds({cluster.feed_dir()}).find("generation 2"), std::string::npos);
  ASSERT_TRUE(test::eventually(30, [&] {
    const auto page = cluster.metrics();
    return test::metric(page, "strata_feed_generation") == 2 && test::metric(page, "strata_rescans_total") >= 1;
  })) << cluster.logs();

  for (std::size_t i = 0; i < fleet.refs.size(); ++i) {
    const auto stored = test::http_get(cluster.server() + "/v1/images/" + fleet.digests[i], cluster.token());
    ASSERT_EQ(stored.status, 200) << stored.body;
    auto remote = nlohmann::json::parse(stored.body);
    auto full = local_report(fleet.refs[i], cluster.vulndb());
    // The databases differ in name and numbering (a file, the feed store), not in content.
    EXPECT_EQ(remote["db"]["generation"], 2);
    remote.erase("db");
    full.erase("db");
    EXPECT_EQ(remote, full) << fleet.refs[i];
  }
  const auto expected_new = added_findings(fleet, part_db, cluster.vulndb());
  ASSERT_FALSE(expected_new.empty());  // the fleet holds curl or musl
  const auto announced = announced_findings(cluster);
  EXPECT_EQ(announced, expected_new);
  // Not a layer more: the rescan needed no worker.
  EXPECT_EQ(test::metric(cluster.metrics(), "strata_layers_analyzed_total"), analyzed);
  const double rescans = test::metric(cluster.metrics(), "strata_rescans_total");

  // The same feed again: no generation, no rescan, no event.
  EXPECT_NE(cluster.import_feeds({cluster.feed_dir()}).find("no new generation"), std::string::npos);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  EXPECT_EQ(all_events(cluster).size(), announced.size());
  EXPECT_EQ(test::metric(cluster.metrics(), "strata_rescans_total"), rescans);
  std::filesystem::remove_all(dir);
}

// The rest of the feed with 400 more records on packages no image holds, so that a rescan one
// pair per chunk runs long enough to be cut short.
class RescanFaults : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::temp_dir();
    fleet_ = loadtest::write_fleet(dir_ + "/layout", {.images = 6, .middles = 2, .app_bytes = 8 << 10, .seed = 13});
    std::filesystem::create_directories(dir_ + "/part");
    std::filesystem::create_directories(dir_ + "/rest");
    for (int i = 0; i < 400; ++i) {
      std::ofstream(dir_ + "/rest/filler-" + std::to_string(i) + ".json")
          << R"({"id":"DEBIAN-FILLER-)" << i << R"(","affected":[{"package":{"ecosystem":"Debian:12","name":"filler-)" << i
          << R"("},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.0-1"}]}]}]})";
    }
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Scans the fleet with the openssl record; the SQLite file of the same part for comparison.
  void scan_with_part(test::Cluster& cluster) {
    std::filesystem::copy_file(cluster.feed_dir() + "/debian-openssl.json", dir_ + "/part/debian-openssl.json",
                               std::filesystem::copy_options::overwrite_existing);
    for (const auto& f : std::filesystem::directory_iterator(cluster.feed_dir())) {
      std::filesystem::copy_file(f.path(), dir_ + "/rest/" + f.path().filename().string(),
                                 std::filesystem::copy_options::overwrite_existing);
    }
    cluster.import_feeds({dir_ + "/part"});
    ASSERT_EQ(test::run_command(std::string(STRATA_BINARY) + " db import --db " + dir_ + "/part.sqlite " + dir_ + "/part")
                  .exit_code,
              0);
    const auto scanned = cluster.wait(cluster.submit(fleet_.refs));
    ASSERT_FALSE(scanned.is_null()) << cluster.logs();
    ASSERT_EQ(scanned["counts"]["done"], fleet_.refs.size());
  }

  // Imports the rest and waits until the rescan has applied at least 20 pairs, but not all.
  void import_rest_and_wait_mid_rescan(test::Cluster& cluster) {
    cluster.import_feeds({dir_ + "/rest"});
    ASSERT_TRUE(test::eventually(30, [&] {
      return test::metric(cluster.metrics(), "strata_rescan_pairs_done") >= 20;
    })) << cluster.logs();
  }

  // The rescan was cut short: its row says running, part of its pairs done.
  void expect_cut_short(const std::string& database_url) {
    auto db = coordinator::PgConnection::connect(database_url);
    ASSERT_TRUE(db) << db.error().message();
    auto row = (*db)->exec("SELECT state, pairs_done, pairs_total FROM rescans WHERE generation = 2");
    ASSERT_TRUE(row && row->rows() == 1);
    EXPECT_EQ(row->get(0, 0), "running");
    EXPECT_GT(row->integer(0, 1), 0);
    EXPECT_LT(row->integer(0, 1), row->integer(0, 2));
  }

  void expect_the_end_of_an_uninterrupted_rescan(test::Cluster& cluster) {
    ASSERT_TRUE(test::eventually(60, [&] { return test::metric(cluster.metrics(), "strata_feed_generation") == 2; }))
        << cluster.logs();
    EXPECT_EQ(announced_findings(cluster), added_findings(fleet_, dir_ + "/part.sqlite", cluster.vulndb()));
    for (std::size_t i = 0; i < fleet_.refs.size(); ++i) {
      auto remote = nlohmann::json::parse(test::http_get(cluster.server() + "/v1/images/" + fleet_.digests[i],
                                                         cluster.token()).body);
      auto full = local_report(fleet_.refs[i], cluster.vulndb());
      remote.erase("db");
      full.erase("db");
      EXPECT_EQ(remote, full) << fleet_.refs[i];
    }
  }

  std::string dir_;
  loadtest::Fleet fleet_;
};

TEST_F(RescanFaults, ACoordinatorKilledMidRescanResumesItAndEndsAsAnUninterruptedOne) {
  test::Cluster cluster({.coordinator_args = {"--rescan-chunk", "1"}, .feed_store = true});
  scan_with_part(cluster);
  import_rest_and_wait_mid_rescan(cluster);
  cluster.coordinator().signal(SIGKILL);
  cluster.coordinator().wait();
  expect_cut_short(cluster.database_url());
  cluster.start_coordinator();
  expect_the_end_of_an_uninterrupted_rescan(cluster);
  EXPECT_NE(cluster.coordinator().log().find("resuming the rescan to generation 2"), std::string::npos);
}

TEST_F(RescanFaults, APostgresqlRestartMidRescanIsOutlivedAndTheRescanEndsAsAnUninterruptedOne) {
  const std::string services = "bash " STRATA_SOURCE_DIR "/deploy/local/services.sh ";
  const auto started = test::run_command(services + "start " + dir_ + "/services", /*with_stderr=*/false);
  ASSERT_EQ(started.exit_code, 0) << started.out;
  const std::string key = "STRATA_DATABASE_URL=";
  const auto at = started.out.find(key);
  ASSERT_NE(at, std::string::npos) << started.out;
  const std::string url = started.out.substr(at + key.size(), started.out.find('\n', at) - at - key.size());
  {
    test::Cluster cluster({.coordinator_args = {"--rescan-chunk", "1"}, .database_url = url, .feed_store = true});
    scan_with_part(cluster);
    import_rest_and_wait_mid_rescan(cluster);
    ASSERT_EQ(test::run_command(services + "pg-stop " + dir_ + "/services").exit_code, 0);
    EXPECT_TRUE(test::eventually(30, [&] {
      return test::metric(cluster.metrics(), "strata_rescan_failures_total") >= 1;
    })) << cluster.logs();
    const auto restarted = test::run_command(services + "pg-start " + dir_ + "/services");
    ASSERT_EQ(restarted.exit_code, 0) << restarted.out;
    expect_the_end_of_an_uninterrupted_rescan(cluster);
    EXPECT_NE(cluster.coordinator().log().find("resuming the rescan to generation 2"), std::string::npos);
  }
  test::run_command(services + "stop " + dir_ + "/services");
}

}  // namespace
}  // namespace strata
