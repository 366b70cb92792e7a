// A feed update on a running cluster, end to end (issue 16): a fleet is scanned while the feed
// store holds part of the feed; the rest is imported with `strata-coordinator feeds import`; the
// running coordinator rescans on the notification, without a layer or a worker, and afterwards
// every stored report equals a fresh `strata image` with the whole feed, and the tenant's events
// are exactly the findings the new records added. The same feed again makes nothing happen.
#include <gtest/gtest.h>

#include <set>

#include "loadtest/fleet.h"
#include "tests/support/cluster.h"
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

  std::set<std::string> expected_new;  // "digest id package version"
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
    const auto before = findings_of(local_report(fleet.refs[i], part_db));
    for (const auto& f : findings_of(full)) {
      if (!before.contains(f)) expected_new.insert(fleet.digests[i] + " " + f);
    }
  }
  ASSERT_FALSE(expected_new.empty());  // the fleet holds curl or musl

  std::set<std::string> announced;
  std::int64_t last_id = 0;
  for (const auto& e : all_events(cluster)) {
    EXPECT_EQ(e["type"], "finding.new") << e.dump();
    EXPECT_EQ(e["generation"], 2);
    const std::int64_t id = std::stoll(e["id"].get<std::string>());
    EXPECT_GT(id, last_id);  // in order
    last_id = id;
    ASSERT_EQ(e["image"]["refs"].size(), 1u) << e.dump();
    EXPECT_TRUE(announced
                    .insert(e["image"]["digest"].get<std::string>() + " " + e["vulnerability"]["id"].get<std::string>() +
                            " " + e["package"]["name"].get<std::string>() + " " + e["installed_version"].get<std::string>())
                    .second)
        << "twice: " << e.dump();
  }
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

}  // namespace
}  // namespace strata
