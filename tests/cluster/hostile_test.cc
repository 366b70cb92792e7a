// Hostile peers against a running cluster (issue 14): what a tenant-named registry can do to the
// coordinator and the workers. Each test performs the attack on real processes and checks that
// it ends one image's scan with a clear error, and nothing else: the coordinator keeps serving,
// the other images of the scan finish.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <future>
#include <thread>

#include "coordinator/store/pg.h"
#include "tests/support/cluster.h"
#include "tests/support/image_builder.h"
#include "tests/support/process.h"
#include "tests/support/registries.h"
#include "common/cache/redis_client.h"

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
  const auto listed = cluster.scan_request({{"registries", {registry.host()}}});
  ASSERT_TRUE(listed["error"].is_string()) << listed.dump(2);
  EXPECT_NE(std::string(listed["error"]).find("not a public one"), std::string::npos) << listed.dump(2);
  EXPECT_TRUE(registry.requests().empty());  // not one request reached it
  std::filesystem::remove_all(dir);
}

// Defect 6: Redis was trusted: anyone who could write to it chose what every tenant's scan of a
// layer reported. Now an entry carries a MAC under the cluster's cache secret: a writer without
// it — here, one that swaps two real entries between keys, and one that writes its own — is
// ignored, the layers are analysed again, and the reports are the true ones.
TEST(HostileRedisWriter, EntriesWithoutTheClustersMacAreIgnored) {
  const std::string dir = test::temp_dir();
  test::TestImage other = small_image();
  other.tag = "2.0";
  other.layers[0] = test::make_layer({{"etc/os-release", "ID=alpine\nVERSION_ID=3.19.1\n"},
                                      {"lib/apk/db/installed", "P:musl\nV:1.2.4-r2\n\n"}});
  test::write_oci_layout(dir + "/layout", {small_image(), other});
  test::Cluster cluster({.workers = 1});
  const std::vector<std::string> refs = {"oci:" + dir + "/layout:1.0", "oci:" + dir + "/layout:2.0"};
  const auto first = cluster.wait(cluster.submit(refs), 60);
  ASSERT_FALSE(first.is_null()) << cluster.logs();
  std::vector<std::string> reports;
  for (const auto& image : first["images"]) {
    reports.push_back(test::http_get(cluster.server() + "/v1/images/" + std::string(image["digest"]), cluster.token()).body);
  }
  EXPECT_EQ(test::metric(cluster.metrics(), "strata_layers_analyzed_total"), 2);

  // The attacker: swaps the two cached analyses, then adds one of its own under a third key.
  auto address = strata::parse_redis_url(cluster.redis().url());
  ASSERT_TRUE(address);
  auto redis = strata::RedisClient::connect(*address, std::chrono::milliseconds(2000));
  ASSERT_TRUE(redis) << redis.error().message();
  const auto keys_out = test::run_command("redis-cli -p " + std::to_string(address->port) + " --scan --pattern 'strata:layer:*'", false);
  std::vector<std::string> keys;
  for (std::size_t at = 0; at < keys_out.out.size();) {
    const auto end = keys_out.out.find('\n', at);
    const std::string key = keys_out.out.substr(at, end - at);
    if (!key.empty()) keys.push_back(key);
    if (end == std::string::npos) break;
    at = end + 1;
  }
  ASSERT_EQ(keys.size(), 2u) << keys_out.out;
  auto values = (*redis)->mget(keys);
  ASSERT_TRUE(values && (*values)[0] && (*values)[1]);
  ASSERT_TRUE((*redis)->set(keys[0], std::as_bytes(std::span(*(*values)[1])), 3600));
  ASSERT_TRUE((*redis)->set(keys[1], std::as_bytes(std::span(*(*values)[0])), 3600));

  // Another tenant scans both images: the forged entries are misses.
  const std::string other_tenant = cluster.create_tenant("tenant-b");
  const auto second = cluster.wait(cluster.submit(refs, "interactive", other_tenant), 60, other_tenant);
  ASSERT_FALSE(second.is_null()) << cluster.logs();
  const std::string page = cluster.metrics();
  // Both forged entries were refused (the layers then come from a worker, or from the analyses
  // the coordinator kept from the first scan a few seconds ago: true ones either way).
  EXPECT_EQ(test::metric(page, "strata_layer_cache_forged_total"), 2) << page;
  for (std::size_t i = 0; i < 2; ++i) {
    const auto report = test::http_get(cluster.server() + "/v1/images/" + std::string(second["images"][i]["digest"]),
                                       other_tenant);
    EXPECT_EQ(report.body, reports[i]) << i;
  }
  std::filesystem::remove_all(dir);
}

// Defect 6: the worker channel was open: any peer that reached the coordinator's port was sent
// jobs (with pull tokens and blob locations) and its results were believed. Now the channel is
// CurveZMQ and only workers whose public keys the operator listed complete the handshake.
TEST(HostilePeer, WorkersWithoutAnAuthorizedKeyGetNoJob) {
  const std::string dir = test::temp_dir();
  test::write_oci_layout(dir + "/layout", {small_image()});
  test::Cluster cluster({.workers = 1, .start_workers = false});
  const std::string id = cluster.submit({"oci:" + dir + "/layout:1.0"});
  // Two rogues: one speaking plain ZeroMQ, one with a CURVE key of its own making.
  ASSERT_EQ(test::run_command(std::string(STRATA_COORDINATOR_BINARY) + " keys " + dir + "/rogue --name rogue").exit_code, 0);
  std::vector<std::unique_ptr<test::ChildProcess>> rogues;
  std::vector<int> rogue_metrics;
  for (int r = 0; r < 2; ++r) {
    rogue_metrics.push_back(test::free_port());
    std::vector<std::string> argv = {STRATA_WORKER_BINARY, "--coordinator", cluster.worker_address(),
                                     "--name", "rogue-" + std::to_string(r), "--metrics-port",
                                     std::to_string(rogue_metrics.back()), "--allow-private-registries"};
    if (r == 1) {
      argv.insert(argv.end(), {"--curve-key", dir + "/rogue/rogue.key", "--coordinator-key",
                               cluster.dir() + "/keys/coordinator.pub"});
    }
    rogues.push_back(std::make_unique<test::ChildProcess>(argv, dir + "/rogue-" + std::to_string(r) + ".log"));
  }
  EXPECT_TRUE(test::eventually(20, [&] { return test::metric(cluster.metrics(), "strata_worker_handshakes_refused") >= 1; }))
      << cluster.metrics();
  EXPECT_EQ(test::metric(cluster.metrics(), "strata_workers"), 0);
  EXPECT_EQ(test::metric(cluster.metrics(), "strata_jobs_dispatched_total"), 0);
  EXPECT_NE(cluster.status(id)["state"], "done") << cluster.status(id).dump();
  for (const int port : rogue_metrics) {
    const auto page = test::http_get("http://127.0.0.1:" + std::to_string(port) + "/metrics").body;
    EXPECT_EQ(test::metric(page, "strata_layers_analyzed_total"), 0) << page;
  }
  // The worker holding a listed key takes the job.
  cluster.start_worker(0);
  const auto done = cluster.wait(id, 60);
  ASSERT_FALSE(done.is_null()) << cluster.logs();
  EXPECT_EQ(done["counts"]["done"], 1);
  for (auto& rogue : rogues) rogue->stop(5);
  std::filesystem::remove_all(dir);
}

// Defect 5: the cache is keyed by diff_id, and a tenant who named another tenant's diff_id in an
// image config of its own got that tenant's analysis (its packages, its secrets' places). Now a
// cached analysis is served only when the tenant holds the blob (its layout has the file, its
// registry answers a HEAD) and a worker verified that this blob is that diff_id.
TEST(HostileTenant, NamingAnotherTenantsDiffIdRevealsNothing) {
  const std::string dir = test::temp_dir();
  test::TestImage private_image;
  private_image.tag = "1.0";
  private_image.layers.push_back(test::make_layer(
      {{"etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n"},
       {"var/lib/dpkg/status",
        "Package: acme-private-agent\nStatus: install ok installed\nArchitecture: amd64\nVersion: 7.7-1\n\n"}}));
  const auto a_digests = test::write_oci_layout(dir + "/a", {private_image});
  test::Cluster cluster({.workers = 1});
  const auto first = cluster.wait(cluster.submit({"oci:" + dir + "/a:1.0"}), 60);
  ASSERT_FALSE(first.is_null()) << cluster.logs();
  ASSERT_EQ(first["counts"]["done"], 1);
  const std::string b = cluster.create_tenant("tenant-b");

  // 1. B's manifest and config name A's blob and diff_id, but B's layout does not hold the blob.
  test::write_oci_layout(dir + "/b1", {private_image});
  std::filesystem::remove(dir + "/b1/blobs/sha256/" + test::sha256_digest(private_image.layers[0].blob).substr(7));
  // 2. B's config names A's diff_id beside a blob of B's own.
  test::TestImage forged;
  forged.tag = "1.0";
  forged.layers.push_back(test::make_layer({{"etc/hostname", "b\n"}}));
  forged.config_diff_ids_override = true;
  forged.diff_ids = {private_image.layers[0].diff_id};
  test::write_oci_layout(dir + "/b2", {forged});

  const auto scan = cluster.wait(cluster.submit({"oci:" + dir + "/b1:1.0", "oci:" + dir + "/b2:1.0"}, "bulk", b), 60, b);
  ASSERT_FALSE(scan.is_null()) << cluster.logs();
  EXPECT_EQ(scan["counts"]["failed"], 2) << scan.dump(2);
  EXPECT_NE(std::string(scan["images"][0]["error"]).find("does not hold layer"), std::string::npos) << scan.dump(2);
  EXPECT_NE(std::string(scan["images"][1]["error"]).find("diff_id mismatch"), std::string::npos) << scan.dump(2);
  for (const auto& image : scan["images"]) {
    if (!image["digest"].is_string()) continue;
    const auto report = test::http_get(cluster.server() + "/v1/images/" + std::string(image["digest"]), b);
    EXPECT_EQ(report.body.find("acme-private-agent"), std::string::npos) << report.body;
  }
  // A itself still gets its analysis from the cache.
  const auto again = cluster.wait(cluster.submit({"oci:" + dir + "/a:1.0"}), 60);
  ASSERT_FALSE(again.is_null());
  EXPECT_EQ(again["images"][0]["layers_cached"], 1) << again.dump(2);
  std::filesystem::remove_all(dir);
  (void)a_digests;
}

// Defect 2 (the operator's part): the coordinator's own registry credentials acted for every
// tenant, so any tenant could list and scan the private repositories they open. Now they are used
// only for the registries the operator names with --credentials-for; elsewhere a tenant's scan is
// anonymous, and a registry that wants credentials refuses it.
TEST(HostileTenant, TheCoordinatorsCredentialsServeOnlyRegistriesTheOperatorNamed) {
  const std::string dir = test::temp_dir();
  test::write_oci_layout(dir + "/layout", {small_image()});
  test::FaultRegistry private_registry(dir + "/layout", "corp/app", {"--token", "ci:s3cret"});
  ASSERT_TRUE(private_registry.ready());
  ::setenv("STRATA_REGISTRY_HOST", private_registry.host().c_str(), 1);
  ::setenv("STRATA_REGISTRY_USERNAME", "ci", 1);
  ::setenv("STRATA_REGISTRY_PASSWORD", "s3cret", 1);
  test::Cluster cluster({.workers = 1});
  ::unsetenv("STRATA_REGISTRY_HOST");
  ::unsetenv("STRATA_REGISTRY_USERNAME");
  ::unsetenv("STRATA_REGISTRY_PASSWORD");
  const auto scan = cluster.wait(cluster.submit({private_registry.host() + "/corp/app:1.0"}), 60);
  ASSERT_FALSE(scan.is_null()) << cluster.logs();
  EXPECT_EQ(scan["counts"]["failed"], 1) << scan.dump(2);
  EXPECT_NE(std::string(scan["images"][0]["error"]).find("requires authentication"), std::string::npos) << scan.dump(2);
  const auto listed = cluster.scan_request({{"registries", {private_registry.host()}}});
  ASSERT_TRUE(listed["error"].is_string()) << listed.dump(2);
  EXPECT_NE(std::string(listed["error"]).find("requires authentication"), std::string::npos) << listed.dump(2);
  for (const auto& r : private_registry.requests()) {
    EXPECT_NE(r["authorization"], true) << r.dump();  // nothing was sent with the credentials
  }
  std::filesystem::remove_all(dir);
}

// Defect 2 (the tenants' part): registry credentials belong to a tenant. Tenant A stores its own
// (POST /v1/registries); they are sealed at rest, never answered or logged, and used for A's scans
// only. Tenant B scanning or listing the same private repository is anonymous and refused; a box
// copied from A's row into B's does not open for B; after A deletes them, A is anonymous too.
TEST(HostileTenant, StoredRegistryCredentialsServeOnlyTheTenantThatStoredThem) {
  const std::string dir = test::temp_dir();
  test::write_oci_layout(dir + "/layout", {small_image()});
  test::FaultRegistry private_registry(dir + "/layout", "corp/app", {"--token", "ci:s3cret-pw"});
  ASSERT_TRUE(private_registry.ready());
  test::Cluster cluster({.workers = 1});
  const std::string api = cluster.server();
  const std::string a = cluster.token();
  const std::string b = cluster.create_tenant("tenant-b");
  const std::string ref = private_registry.host() + "/corp/app:1.0";
  const nlohmann::json credential = {{"registry", private_registry.host()}, {"username", "ci"}, {"password", "s3cret-pw"}};

  // Before: nobody's scan gets in.
  auto before = cluster.wait(cluster.submit({ref}), 60);
  ASSERT_FALSE(before.is_null());
  EXPECT_EQ(before["counts"]["failed"], 1);

  ASSERT_EQ(test::http_post(api + "/v1/registries", credential.dump(), a).status, 201);
  const auto stored = test::http_get(api + "/v1/registries", a);
  ASSERT_EQ(stored.status, 200);
  EXPECT_NE(stored.body.find(private_registry.host()), std::string::npos);
  EXPECT_EQ(stored.body.find("s3cret-pw"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(test::http_get(api + "/v1/registries", b).body)["registries"].size(), 0u);

  const auto mine = cluster.wait(cluster.submit({ref}), 60);
  ASSERT_FALSE(mine.is_null()) << cluster.logs();
  EXPECT_EQ(mine["counts"]["done"], 1) << mine.dump(2) << cluster.logs();
  const auto listed_by_a = cluster.scan_request({{"repositories", {private_registry.host() + "/corp/app"}}}, a);
  EXPECT_TRUE(listed_by_a["error"].is_null()) << listed_by_a.dump(2);
  EXPECT_EQ(listed_by_a["counts"]["done"], 1) << listed_by_a.dump(2);

  // Tenant B: anonymous, refused, for images and listings alike.
  const auto theirs = cluster.wait(cluster.submit({ref}, "bulk", b), 60, b);
  ASSERT_FALSE(theirs.is_null());
  EXPECT_EQ(theirs["counts"]["failed"], 1) << theirs.dump(2);
  EXPECT_NE(std::string(theirs["images"][0]["error"]).find("requires authentication"), std::string::npos);
  const auto listed_by_b = cluster.scan_request({{"repositories", {private_registry.host() + "/corp/app"}}}, b);
  ASSERT_TRUE(listed_by_b["error"].is_string()) << listed_by_b.dump(2);
  EXPECT_NE(std::string(listed_by_b["error"]).find("requires authentication"), std::string::npos);
  EXPECT_EQ(listed_by_b["images"].size(), 0u);

  // At rest: sealed; in the logs and the audit log: nowhere.
  auto db = coordinator::PgConnection::connect(cluster.database_url());
  ASSERT_TRUE(db);
  const auto rows = (*db)->exec("SELECT count(*) FROM registry_credentials WHERE position('s3cret-pw'::bytea in sealed) > 0 "
                                "OR position('ci'::bytea in sealed) > 0 OR registry LIKE '%s3cret%'");
  ASSERT_TRUE(rows);
  EXPECT_EQ(rows->integer(0, 0), 0);
  EXPECT_EQ(cluster.logs().find("s3cret-pw"), std::string::npos);
  EXPECT_EQ(test::http_get(api + "/v1/audit", a).body.find("s3cret-pw"), std::string::npos);

  // B's row holding a copy of A's box: it opens under the key, but names A, so B gets nothing.
  ASSERT_TRUE((*db)->exec("INSERT INTO registry_credentials (tenant_id, registry, sealed, key_id) "
                          "SELECT (SELECT id FROM tenants WHERE name = 'tenant-b'), registry, sealed, key_id "
                          "FROM registry_credentials"));
  cluster.coordinator().stop();  // a coordinator that has not seen B's credentials yet
  cluster.start_coordinator();
  const auto stolen = cluster.wait(cluster.submit({ref}, "bulk", b), 60, b);
  ASSERT_FALSE(stolen.is_null());
  EXPECT_EQ(stolen["counts"]["failed"], 1) << stolen.dump(2);
  EXPECT_NE(cluster.coordinator().log().find("sealed for another row"), std::string::npos);

  // Deleted: A's scans are anonymous again at once.
  const std::string encoded = private_registry.host();
  EXPECT_EQ(test::http_delete(api + "/v1/registries/" + encoded, a).status, 204);
  EXPECT_EQ(test::http_delete(api + "/v1/registries/" + encoded, a).status, 404);
  const auto after = cluster.wait(cluster.submit({ref}), 60);
  ASSERT_FALSE(after.is_null());
  EXPECT_EQ(after["counts"]["failed"], 1) << after.dump(2);
  std::filesystem::remove_all(dir);
}

// A registry that takes only HTTP basic authentication (Debian's docker-registry with htpasswd):
// the tenant's stored credential reaches the worker as the job's Authorization header, over the
// encrypted worker channel; the worker has no credentials of its own.
TEST(HostileTenant, StoredCredentialsWorkForABasicAuthRegistry) {
  if (!test::have_registry_tools()) GTEST_SKIP() << "docker-registry, skopeo or htpasswd not installed";
  const std::string dir = test::temp_dir();
  test::write_oci_layout(dir + "/layout", {small_image()});
  test::RealRegistry registry("ci", "Basic-Pa55");
  ASSERT_TRUE(registry.ready()) << registry.log();
  ASSERT_EQ(registry.push("oci:" + dir + "/layout:1.0", "team/app:1.0").exit_code, 0);
  test::Cluster cluster({.workers = 1});
  const nlohmann::json credential = {{"registry", registry.host()}, {"username", "ci"}, {"password", "Basic-Pa55"}};
  ASSERT_EQ(test::http_post(cluster.server() + "/v1/registries", credential.dump(), cluster.token()).status, 201);
  const auto done = cluster.wait(cluster.submit({registry.host() + "/team/app:1.0"}), 60);
  ASSERT_FALSE(done.is_null()) << cluster.logs();
  EXPECT_EQ(done["counts"]["done"], 1) << done.dump(2) << cluster.logs();
  EXPECT_EQ(test::metric(cluster.metrics(), "strata_layers_analyzed_total"), 1);
  EXPECT_EQ(cluster.logs().find("Basic-Pa55"), std::string::npos);
  std::filesystem::remove_all(dir);
}

// Defect 8, listings: a fleet target was listed while its request waited, so a registry that lists
// slowly held an API thread per request for as long as it liked, and one tenant's listings could
// take them all. Now a scan naming repositories or registries is accepted at once and listed on
// the coordinator's own listing threads: with 2 API threads and a registry taking 3 s a page,
// four listing requests are all answered at once, and other requests are served meanwhile.
TEST(HostileTenant, SlowRegistryListingsDoNotHoldTheApisThreads) {
  const std::string dir = test::temp_dir();
  test::write_oci_layout(dir + "/layout", {small_image()});
  test::FaultRegistry slow(dir + "/layout", "corp/app", {"--slow-listings", "3"});
  ASSERT_TRUE(slow.ready());
  test::Cluster cluster({.workers = 1, .coordinator_args = {"--http-threads", "2"}});
  const std::string api = cluster.server();
  const std::string b = cluster.create_tenant("tenant-b");
  const std::string listing = nlohmann::json{{"repositories", {slow.host() + "/corp/app"}}}.dump();
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::string> ids;
  for (const std::string& key : {cluster.token(), cluster.token(), b, b}) {
    const auto accepted = test::http_post(api + "/v1/scans", listing, key);
    ASSERT_EQ(accepted.status, 202) << accepted.body;
    EXPECT_EQ(nlohmann::json::parse(accepted.body)["listing"], true);
    ids.push_back(nlohmann::json::parse(accepted.body)["id"]);
  }
  EXPECT_EQ(cluster.status(ids[0])["listing"], true);
  EXPECT_EQ(test::http_get(api + "/v1/quotas", cluster.token()).status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));  // no answer waited for a listing
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const std::string& key = i < 2 ? cluster.token() : b;
    const auto done = cluster.wait(ids[i], 60, key);
    ASSERT_FALSE(done.is_null()) << cluster.logs();
    EXPECT_EQ(done["listing"], false);
    EXPECT_EQ(done["counts"]["done"], 1) << done.dump(2);
  }
  std::filesystem::remove_all(dir);
}

// A listing is durable like the rest of a scan: a coordinator killed while it lists resumes the
// listing at its next start, and the scan ends with the listed images.
TEST(HostileTenant, AListingInterruptedByACrashResumesAtTheNextStart) {
  const std::string dir = test::temp_dir();
  test::write_oci_layout(dir + "/layout", {small_image()});
  test::FaultRegistry slow(dir + "/layout", "corp/app", {"--slow-listings", "2"});
  ASSERT_TRUE(slow.ready());
  test::Cluster cluster({.workers = 1});
  const auto accepted = test::http_post(cluster.server() + "/v1/scans",
                                        nlohmann::json{{"repositories", {slow.host() + "/corp/app"}}}.dump(), cluster.token());
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  cluster.coordinator().signal(SIGKILL);
  cluster.coordinator().wait();
  cluster.start_coordinator();
  const auto done = cluster.wait(nlohmann::json::parse(accepted.body)["id"], 60);
  ASSERT_FALSE(done.is_null()) << cluster.logs();
  EXPECT_EQ(done["counts"]["done"], 1) << done.dump(2);
  EXPECT_TRUE(done["error"].is_null());
  std::filesystem::remove_all(dir);
}

// Defect 8, through the API: a registry whose catalog never ends (here 100,001 repositories) was
// accumulated whole in the coordinator's memory before anything was checked. The listing stops at
// its bound (100,000 entries) with an error naming it; the coordinator goes on serving.
TEST(HostileRegistry, AHugeCatalogIsRefusedAtItsBound) {
  const std::string dir = test::temp_dir();
  test::write_oci_layout(dir + "/layout", {small_image()});
  test::FaultRegistry huge(dir + "/layout", "corp/app", {"--generated-repositories", "100001", "--page-size", "25000"});
  ASSERT_TRUE(huge.ready());
  test::Cluster cluster({.workers = 1});
  const auto listed = cluster.scan_request({{"registries", {huge.host()}}});
  ASSERT_TRUE(listed["error"].is_string()) << listed.dump(2);
  EXPECT_NE(std::string(listed["error"]).find("more than 100000 repositories"), std::string::npos) << listed.dump(2);
  int pages = 0;
  for (const auto& r : huge.requests()) pages += std::string(r["path"]).starts_with("/v2/_catalog");
  EXPECT_EQ(pages, 5);  // it stopped at the page that crossed the bound
  EXPECT_EQ(test::http_get(cluster.server() + "/healthz").status, 200);
  EXPECT_TRUE(cluster.coordinator().running());
  std::filesystem::remove_all(dir);
}

// Defect 6, Redis: rediss:// was refused (Debian 12's hiredis has no TLS), so the layer cache's
// traffic — every tenant's analyses — crossed the network in clear. Now the client speaks TLS
// itself (OpenSSL under hiredis's protocol code): the cluster caches through a TLS-only Redis,
// and a server whose certificate does not verify, or a plain client, gets nowhere.
TEST(HostileNetwork, TheLayerCacheSpeaksTlsAndVerifiesTheServer) {
  const std::string dir = test::temp_dir();
  test::write_oci_layout(dir + "/layout", {small_image()});
  const std::string ref = "oci:" + dir + "/layout:1.0";
  test::Cluster cluster({.workers = 1, .redis_tls = true});
  ASSERT_TRUE(cluster.redis().url().starts_with("rediss://"));
  ASSERT_FALSE(cluster.wait(cluster.submit({ref}), 60).is_null()) << cluster.logs();
  cluster.coordinator().stop();  // forget the recent results: the second scan must come from Redis
  cluster.start_coordinator();
  ASSERT_FALSE(cluster.wait(cluster.submit({ref}), 60).is_null()) << cluster.logs();
  const std::string page = cluster.metrics();
  EXPECT_EQ(test::metric(page, "strata_layer_cache_up"), 1) << page;
  EXPECT_EQ(test::metric(page, "strata_layer_cache_hits_total"), 1) << page;
  EXPECT_EQ(test::metric(page, "strata_layers_analyzed_total"), 0) << page;

  // Without the test's CA (the system's CAs only), and in plain text: no connection.
  auto address = strata::parse_redis_url(cluster.redis().url());
  ASSERT_TRUE(address);
  const auto untrusted = strata::RedisClient::connect(*address, std::chrono::milliseconds(2000));
  ASSERT_FALSE(untrusted);
  EXPECT_NE(untrusted.error().message().find("certificate"), std::string::npos) << untrusted.error().message();
  address->tls = false;
  auto plain = strata::RedisClient::connect(*address, std::chrono::milliseconds(2000));
  EXPECT_TRUE(!plain || !(*plain)->ping());
  address->tls = true;
  address->ca_file = cluster.dir() + "/redis-tls/ca.pem";
  auto trusted = strata::RedisClient::connect(*address, std::chrono::milliseconds(2000));
  ASSERT_TRUE(trusted) << trusted.error().message();
  EXPECT_TRUE((*trusted)->ping());
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
