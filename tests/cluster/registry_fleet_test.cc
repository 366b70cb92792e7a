// The cluster scanning registries: fleet targets that name a whole registry (its _catalog) or a
// repository (its tags/list) expand into images; the coordinator resolves manifests with its own
// credentials and hands workers a short-lived pull token, so workers with no credentials at all
// fetch from a registry that wants bearer tokens; and a layer pulled from two registries is
// analysed once (the cache is keyed by diff_id). Reports equal `strata image` on the same
// reference.
#include <gtest/gtest.h>

#include <cstdlib>

#include "loadtest/fleet.h"
#include "tests/support/cluster.h"
#include "tests/support/image_builder.h"
#include "tests/support/process.h"
#include "tests/support/registries.h"

namespace strata {
namespace {

TEST(RegistryFleet, RegistriesAndRepositoriesAsTargetsWithLayersAnalysedOnceAcrossRegistries) {
  if (!test::have_registry_tools()) GTEST_SKIP() << "docker-registry, skopeo or htpasswd not installed";
  const std::string dir = test::temp_dir();
  const auto fleet = loadtest::write_fleet(dir + "/layout", {.images = 6, .middles = 2, .app_bytes = 16 << 10, .seed = 11});
  ASSERT_LT(fleet.unique_layers, fleet.layer_references);

  // Registry A: the real one, anonymous, every image pushed as fleet/app:TAG.
  test::RealRegistry plain;
  ASSERT_TRUE(plain.ready()) << plain.log();
  std::vector<std::string> tags;
  for (const auto& ref : fleet.refs) {
    tags.push_back(ref.substr(ref.rfind(':') + 1));
    const auto pushed = plain.push(ref, "fleet/app:" + tags.back());
    ASSERT_EQ(pushed.exit_code, 0) << pushed.out;
  }
  // Registry B: the same layout as mirror/app, behind bearer tokens for ci:s3cret.
  test::FaultRegistry tokens(dir + "/layout", "mirror/app", {"--token", "ci:s3cret"});
  ASSERT_TRUE(tokens.ready());

  // The coordinator has credentials (from its environment); the workers have none.
  ::setenv("STRATA_REGISTRY_HOST", tokens.host().c_str(), 1);
  ::setenv("STRATA_REGISTRY_USERNAME", "ci", 1);
  ::setenv("STRATA_REGISTRY_PASSWORD", "s3cret", 1);
  // ... for that registry only, by the operator's choice (--credentials-for).
  test::Cluster cluster({.workers = 2, .start_workers = false, .coordinator_args = {"--credentials-for", tokens.host()}});
  ::unsetenv("STRATA_REGISTRY_HOST");
  ::unsetenv("STRATA_REGISTRY_USERNAME");
  ::unsetenv("STRATA_REGISTRY_PASSWORD");
  for (std::size_t i = 0; i < cluster.worker_count(); ++i) cluster.start_worker(i);

  // A whole registry: its catalog holds mirror/app, whose tags are the fleet's.
  auto created = test::http_post(cluster.server() + "/v1/scans",
                                 nlohmann::json{{"registries", {tokens.host()}}}.dump(), cluster.token());
  ASSERT_EQ(created.status, 202) << created.body << cluster.logs();
  auto first = cluster.wait(nlohmann::json::parse(created.body)["id"]);
  ASSERT_FALSE(first.is_null()) << cluster.logs();
  EXPECT_EQ(first["counts"]["done"], fleet.refs.size()) << first.dump(2) << cluster.logs();
  std::string page = cluster.metrics();
  EXPECT_EQ(test::metric(page, "strata_layers_analyzed_total"), static_cast<double>(fleet.unique_layers)) << page;
  // Every layer blob came with a token the workers were given: they have no credentials.
  const auto log = tokens.requests();
  int layer_gets = 0, without_token = 0;
  for (const auto& r : log) {
    const std::string path = r["path"];
    if (r["method"] != "GET" || path.find("/blobs/") == std::string::npos || r["status"] != 200) continue;
    ++layer_gets;
    if (r["authorization"] != true) ++without_token;
  }
  EXPECT_GE(layer_gets, static_cast<int>(fleet.unique_layers));
  EXPECT_EQ(without_token, 0);
  EXPECT_EQ(cluster.logs().find("s3cret"), std::string::npos);

  // A repository of another registry holding the same layers, submitted with `strata submit`:
  // nothing analysed again.
  const auto submitted = test::run_command(std::string(STRATA_BINARY) + " submit --server " + cluster.server() +
                                               " --token " + cluster.token() + " --repository " + plain.host() + "/fleet/app",
                                           /*with_stderr=*/false);
  ASSERT_EQ(submitted.exit_code, 0) << submitted.out << cluster.logs();
  auto second = cluster.wait(submitted.out.substr(0, submitted.out.find('\n')));
  ASSERT_FALSE(second.is_null()) << cluster.logs();
  EXPECT_EQ(second["counts"]["done"], fleet.refs.size()) << second.dump(2);
  page = cluster.metrics();
  EXPECT_EQ(test::metric(page, "strata_layers_analyzed_total"), static_cast<double>(fleet.unique_layers));
  for (const auto& image : second["images"]) {
    EXPECT_EQ(image["layers_cached"], image["layers"]);
    const std::string ref = image["ref"];
    const auto stored = test::http_get(cluster.server() + "/v1/images/" + std::string(image["digest"]), cluster.token());
    const auto local = test::run_command(std::string(STRATA_BINARY) + " image " + ref + " --db " + cluster.vulndb() +
                                             " --format json", /*with_stderr=*/false);
    ASSERT_EQ(local.exit_code, 0) << ref;
    // The stored report is the last scan's of that digest: this reference's.
    EXPECT_EQ(stored.body, local.out) << ref;
  }

  // A registry that is not there, and one that does not list its repositories, are clear errors.
  const auto unreachable = cluster.scan_request({{"repositories", {"127.0.0.1:1/none"}}});
  ASSERT_TRUE(unreachable["error"].is_string()) << unreachable.dump(2);
  EXPECT_NE(std::string(unreachable["error"]).find("127.0.0.1:1"), std::string::npos) << unreachable.dump(2);
  const auto wrong_kind = test::http_post(cluster.server() + "/v1/scans",
                                          nlohmann::json{{"registries", {plain.host() + "/fleet/app"}}}.dump(), cluster.token());
  EXPECT_EQ(wrong_kind.status, 400) << wrong_kind.body;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace strata
