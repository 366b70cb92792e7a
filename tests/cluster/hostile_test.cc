// Hostile peers against a running cluster (issue 14): what a tenant-named registry can do to the
// coordinator and the workers. Each test performs the attack on real processes and checks that
// it ends one image's scan with a clear error, and nothing else: the coordinator keeps serving,
// the other images of the scan finish.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/cluster.h"
#include "tests/support/image_builder.h"
#include "tests/support/registries.h"

namespace strata {
namespace {

test::TestImage small_image() {
  test::TestImage image;
  image.tag = "1.0";
  image.layers.push_back(test::make_layer(
      {{"etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n"},
       {"var/lib/dpkg/status", "Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2.36-9\n\n"}}));
  return image;
}

// Defect 1: a registry error document with a numeric "code" threw inside the coordinator's
// planning task; nothing caught it, the process ended, and the acknowledged scan was resumed
// (and crashed it again) at every restart.
TEST(HostileRegistry, AnErrorDocumentOfTheWrongTypesFailsOneImageNotTheCoordinator) {
  const std::string dir = test::temp_dir();
  test::write_oci_layout(dir + "/layout", {small_image()});
  test::FaultRegistry registry(dir + "/layout", "team/app", {"--hostile-errors"});
  ASSERT_TRUE(registry.ready());
  test::Cluster cluster({.workers = 1});

  const std::string id = cluster.submit({registry.host() + "/team/app:missing", registry.host() + "/team/app:1.0"});
  const auto scan = cluster.wait(id, 60);
  ASSERT_FALSE(scan.is_null()) << cluster.logs();
  EXPECT_TRUE(cluster.coordinator().running()) << cluster.logs();
  EXPECT_EQ(scan["counts"]["failed"], 1) << scan.dump(2);
  EXPECT_EQ(scan["counts"]["done"], 1) << scan.dump(2);
  for (const auto& image : scan["images"]) {
    if (image["ref"] != registry.host() + "/team/app:missing") continue;
    const std::string error = image["error"];
    EXPECT_NE(error.find("HTTP 404"), std::string::npos) << error;
  }
  // Still serving: a second scan is taken and finished.
  const auto again = cluster.wait(cluster.submit({registry.host() + "/team/app:1.0"}), 60);
  ASSERT_FALSE(again.is_null()) << cluster.logs();
  EXPECT_EQ(again["counts"]["done"], 1) << again.dump(2);
  std::filesystem::remove_all(dir);
}

// Defect 9: `oci:` read any path on the coordinator's host, and the error for a registry-looking
// name said whether it existed there. Now oci: layouts are accepted only under the operator's
// roots, `..` and symbolic links resolved, and the answer is the same whether a path exists.
TEST(HostileTenant, OciLayoutsOnlyUnderTheOperatorsRoots) {
  const std::string dir = test::temp_dir();
  test::write_oci_layout(dir + "/shared/app", {small_image()});
  std::filesystem::create_directories(dir + "/private");
  std::filesystem::create_symlink("/etc", dir + "/shared/etc-link");
  {
    test::Cluster cluster({.workers = 1, .oci_roots = {dir + "/shared"}});
    auto post = [&](const std::string& ref) {
      return test::http_post(cluster.server() + "/v1/scans", nlohmann::json{{"images", {ref}}}.dump(), cluster.token());
    };
    for (const std::string& ref : std::vector<std::string>{"oci:/etc", "oci:" + dir + "/private", "oci:" + dir + "/shared/../private",
                                                           "oci:" + dir + "/shared/etc-link", "oci:shared/app",
                                                           "oci:/no/such/dir"}) {
      const auto answer = post(ref);
      EXPECT_EQ(answer.status, 400) << ref << ": " << answer.body;
      EXPECT_NE(answer.body.find("only as absolute paths under the directories this server's operator allows"),
                std::string::npos)
          << answer.body;
    }
    // The same words whether the path exists or not: no oracle.
    const auto existing = nlohmann::json::parse(post("oci:/etc").body)["error"]["message"].get<std::string>();
    const auto missing = nlohmann::json::parse(post("oci:/nonexistent").body)["error"]["message"].get<std::string>();
    EXPECT_EQ(existing.substr(existing.find(':', 4)), missing.substr(missing.find(':', 4)));
    const auto scan = cluster.wait(cluster.submit({"oci:" + dir + "/shared/app:1.0"}), 60);
    ASSERT_FALSE(scan.is_null()) << cluster.logs();
    EXPECT_EQ(scan["counts"]["done"], 1) << scan.dump(2);
  }
  {
    test::Cluster closed({.workers = 0, .oci_roots = {}});
    const auto answer = test::http_post(closed.server() + "/v1/scans",
                                        nlohmann::json{{"images", {"oci:" + dir + "/shared/app:1.0"}}}.dump(),
                                        closed.token());
    EXPECT_EQ(answer.status, 400) << answer.body;
    EXPECT_NE(answer.body.find("oci: layouts are not accepted by this server"), std::string::npos) << answer.body;
  }
  std::filesystem::remove_all(dir);
}

// Defect 10: the coordinator and the workers fetched from any address a tenant named: the
// cluster's own Redis, cloud metadata, the internal network. With the default (no
// --allow-private-registries), a registry on loopback is refused before a byte is sent, by
// address and after DNS ("localhost"), for images and for listings.
TEST(HostileTenant, RegistriesAtPrivateAddressesAreNotReached) {
  const std::string dir = test::temp_dir();
  test::write_oci_layout(dir + "/layout", {small_image()});
  test::FaultRegistry registry(dir + "/layout", "team/app", {});
  ASSERT_TRUE(registry.ready());
  test::Cluster cluster({.workers = 1, .allow_private_registries = false});
  const std::string port = registry.host().substr(registry.host().rfind(':') + 1);
  const auto scan = cluster.wait(cluster.submit({registry.host() + "/team/app:1.0", "localhost:" + port + "/team/app:1.0"}), 60);
  ASSERT_FALSE(scan.is_null()) << cluster.logs();
  EXPECT_EQ(scan["counts"]["failed"], 2) << scan.dump(2);
  for (const auto& image : scan["images"]) {
    const std::string error = image["error"];
    EXPECT_NE(error.find("a loopback address, not a public one"), std::string::npos) << error;
  }
  const auto listed = test::http_post(cluster.server() + "/v1/scans",
                                      nlohmann::json{{"registries", {registry.host()}}}.dump(), cluster.token());
  EXPECT_EQ(listed.status, 502) << listed.body;
  EXPECT_NE(listed.body.find("not a public one"), std::string::npos) << listed.body;
  EXPECT_TRUE(registry.requests().empty());  // not one request reached it
  std::filesystem::remove_all(dir);
}

// Defect 13: with PostgreSQL unreachable, a request with any bearer key was answered 503 with
// libpq's own error text (host, port, database name) — to a caller nobody had authenticated.
TEST(HostileCaller, AnUnavailableDatabaseIsNotDescribedToAnUnauthenticatedCaller) {
  test::Cluster cluster({.workers = 0});
  test::drop_database(cluster.database_url());
  const auto answer = test::http_get(cluster.server() + "/v1/scans/scan-x", "stk_guess");
  EXPECT_EQ(answer.status, 503) << answer.body;
  EXPECT_NE(answer.body.find("the service is unavailable"), std::string::npos) << answer.body;
  const std::string database = cluster.database_url().substr(cluster.database_url().rfind('/') + 1);
  for (const std::string& leak : {database, std::string("127.0.0.1"), std::string("does not exist"),
                                 std::string("connection")}) {
    EXPECT_EQ(answer.body.find(leak), std::string::npos) << leak << " in " << answer.body;
  }
  EXPECT_TRUE(cluster.coordinator().running()) << cluster.logs();
}

}  // namespace
}  // namespace strata
