// A tenant's keys, audit log, quotas and rate limit, through the API and the operator's commands,
// against a real cluster. Each attack is tried: a key used beyond its scope, after it was revoked,
// rotated away or expired; one tenant's admin key aimed at another tenant's keys; a burst of
// concurrent scans racing a quota; a flood of requests from one tenant while another works.
#include <gtest/gtest.h>

#include <filesystem>
#include <algorithm>
#include <future>

#include "coordinator/store/pg.h"
#include "loadtest/fleet.h"
#include "tests/support/cluster.h"
#include "tests/support/image_builder.h"
#include "tests/support/process.h"

namespace strata {
namespace {

using nlohmann::json;

class Tenancy : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::temp_dir();
    fleet_ = loadtest::write_fleet(dir_ + "/layout", {.images = 3, .middles = 1, .app_bytes = 4096, .seed = 5});
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static std::string scan_body(const std::vector<std::string>& refs) { return json{{"images", refs}}.dump(); }
  // strata-coordinator with the cluster's database; its output.
  static test::CommandResult admin(test::Cluster& cluster, const std::string& args) {
    return test::run_command(std::string(STRATA_COORDINATOR_BINARY) + " --database-url '" + cluster.database_url() +
                             "' " + args);
  }

  std::string dir_;
  loadtest::Fleet fleet_;
};

json body(const test::HttpAnswer& a) { return json::parse(a.body, nullptr, false); }

TEST_F(Tenancy, KeysHaveScopesAndEndWhenRevokedRotatedOrExpired) {
  test::Cluster cluster({.workers = 1});
  const std::string api = cluster.server();
  const std::string admin_key = cluster.token();

  // A read-only key: it reads, it cannot scan or manage keys.
  auto made = test::http_post(api + "/v1/keys", R"({"name":"dashboard","scopes":["read"]})", admin_key);
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string reader = body(made)["key"];
  const std::string reader_id = body(made)["id"];
  EXPECT_EQ(body(made)["scopes"], json::array({"read"}));
  const auto scanned = test::http_post(api + "/v1/scans", scan_body({fleet_.refs[0]}), admin_key);
  ASSERT_EQ(scanned.status, 202);
  const std::string scan_id = body(scanned)["id"];
  EXPECT_EQ(test::http_get(api + "/v1/scans/" + scan_id, reader).status, 200);
  auto refused = test::http_post(api + "/v1/scans", scan_body({fleet_.refs[1]}), reader);
  EXPECT_EQ(refused.status, 403);
  EXPECT_NE(refused.body.find("'scan' scope"), std::string::npos) << refused.body;
  EXPECT_EQ(test::http_get(api + "/v1/keys", reader).status, 403);
  EXPECT_EQ(test::http_post(api + "/v1/keys", R"({"scopes":["admin"]})", reader).status, 403);  // no escalation

  // Listings never show a secret.
  const auto listed = test::http_get(api + "/v1/keys", admin_key);
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.body.find(reader), std::string::npos);
  EXPECT_EQ(listed.body.find(admin_key), std::string::npos);
  EXPECT_EQ(body(listed)["keys"].size(), 2u);

  // Another tenant's admin key cannot see or revoke this tenant's keys.
  const std::string other = cluster.create_tenant("tenant-b");
  EXPECT_EQ(body(test::http_get(api + "/v1/keys", other))["keys"].size(), 1u);
  EXPECT_EQ(test::http_delete(api + "/v1/keys/" + reader_id, other).status, 404);
  EXPECT_EQ(test::http_post(api + "/v1/keys/" + reader_id + "/rotate", "", other).status, 404);
  EXPECT_EQ(test::http_get(api + "/v1/scans/" + scan_id, reader).status, 200);

  // Revoked: refused at once.
  EXPECT_EQ(test::http_delete(api + "/v1/keys/" + reader_id, admin_key).status, 204);
  const auto revoked = test::http_get(api + "/v1/scans/" + scan_id, reader);
  EXPECT_EQ(revoked.status, 401);
  EXPECT_NE(revoked.body.find("revoked"), std::string::npos);
  EXPECT_EQ(test::http_delete(api + "/v1/keys/" + reader_id, admin_key).status, 404);  // once

  // Rotated with a grace period: both work until it ends; without one, the old key ends now.
  made = test::http_post(api + "/v1/keys", R"({"name":"ci","scopes":["scan","read"]})", admin_key);
  const std::string ci = body(made)["key"];
  const std::string ci_id = body(made)["id"];
  auto rotated = test::http_post(api + "/v1/keys/" + ci_id + "/rotate", R"({"grace_seconds":600})", admin_key);
  ASSERT_EQ(rotated.status, 201) << rotated.body;
  const std::string ci2 = body(rotated)["key"];
  EXPECT_EQ(body(rotated)["name"], "ci");
  EXPECT_EQ(body(rotated)["scopes"], json::array({"read", "scan"}));
  EXPECT_EQ(test::http_get(api + "/v1/scans/" + scan_id, ci).status, 200);
  EXPECT_EQ(test::http_get(api + "/v1/scans/" + scan_id, ci2).status, 200);
  EXPECT_EQ(test::http_post(api + "/v1/keys/" + ci_id + "/rotate", "", admin_key).status, 404);  // rotated once
  const std::string ci2_id = body(rotated)["id"];
  rotated = test::http_post(api + "/v1/keys/" + ci2_id + "/rotate", "", admin_key);
  ASSERT_EQ(rotated.status, 201);
  EXPECT_EQ(test::http_get(api + "/v1/scans/" + scan_id, ci2).status, 401);
  EXPECT_EQ(test::http_get(api + "/v1/scans/" + scan_id, std::string(body(rotated)["key"])).status, 200);

  // Expiry, from the operator's command line; the clock is moved by rewriting the row.
  const auto cli = admin(cluster, "key create tenant-a --name nightly --scope read --expires-days 1");
  ASSERT_EQ(cli.exit_code, 0) << cli.out;
  const std::string nightly = cli.out.substr(cli.out.rfind("stk_"), 52);
  EXPECT_EQ(test::http_get(api + "/v1/scans/" + scan_id, nightly).status, 200);
  const auto listed_cli = admin(cluster, "key list tenant-a");
  EXPECT_NE(listed_cli.out.find("nightly"), std::string::npos) << listed_cli.out;
  EXPECT_EQ(listed_cli.out.find(nightly), std::string::npos);
  auto db = coordinator::PgConnection::connect(cluster.database_url());
  ASSERT_TRUE(db);
  ASSERT_TRUE((*db)->exec("UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE name = 'nightly'"));
  EXPECT_EQ(test::http_get(api + "/v1/scans/" + scan_id, nightly).status, 401);

  // Malformed key requests are 400s that say why.
  EXPECT_EQ(test::http_post(api + "/v1/keys", R"({"scopes":["root"]})", admin_key).status, 400);
  EXPECT_EQ(test::http_post(api + "/v1/keys", R"({"scopes":[]})", admin_key).status, 400);
  EXPECT_EQ(test::http_post(api + "/v1/keys", R"({"scopes":["read"],"expires_in_days":-1})", admin_key).status, 400);
  EXPECT_EQ(test::http_delete(api + "/v1/keys/not-a-number", admin_key).status, 404);
}

TEST_F(Tenancy, EveryChangeIsInTheTenantsOwnAuditLog) {
  test::Cluster cluster({.workers = 1});
  const std::string api = cluster.server();
  const std::string a = cluster.token();
  const std::string b = cluster.create_tenant("tenant-b");
  const std::string scan_id = body(test::http_post(api + "/v1/scans", scan_body({fleet_.refs[0]}), a))["id"];
  const auto reader = body(test::http_post(api + "/v1/keys", R"({"scopes":["read"]})", a));
  EXPECT_EQ(test::http_post(api + "/v1/scans", scan_body({fleet_.refs[0]}), std::string(reader["key"])).status, 403);
  ASSERT_EQ(test::http_post(api + "/v1/registries",
                            R"({"registry":"registry.example.com","username":"ci","password":"pa55word"})", a)
                .status,
            201);

  const auto log = test::http_get(api + "/v1/audit", a);
  ASSERT_EQ(log.status, 200) << log.body;
  EXPECT_EQ(log.body.find("pa55word"), std::string::npos);  // what was stored is never in the log
  const json entries = body(log)["entries"];
  std::vector<std::string> actions;
  for (const auto& e : entries) actions.push_back(std::string(e["action"]) + " " + std::to_string(int(e["status"])));
  // Newest first: the credential, the refused scan (by the read key), the key, the scan, and
  // the operator's creation of the tenant.
  EXPECT_EQ(actions, (std::vector<std::string>{"registry.store 201", "scan.create 403", "key.create 201",
                                               "scan.create 202", "tenant.create 0"}));
  EXPECT_EQ(entries[1]["key_id"], reader["id"]);
  EXPECT_EQ(entries[3]["target"], scan_id);
  EXPECT_EQ(entries[0]["target"], "registry.example.com");
  EXPECT_EQ(entries[4]["actor"], "operator");
  EXPECT_EQ(entries[3]["remote_addr"], "127.0.0.1");
  // Paging, and no other tenant's rows.
  const auto page = body(test::http_get(api + "/v1/audit?limit=2&before=" + std::string(entries[1]["id"]), a));
  ASSERT_EQ(page["entries"].size(), 2u);
  EXPECT_EQ(page["entries"][0]["action"], "key.create");
  const auto theirs = body(test::http_get(api + "/v1/audit", b));
  ASSERT_EQ(theirs["entries"].size(), 1u);
  EXPECT_EQ(theirs["entries"][0]["action"], "tenant.create");
  EXPECT_EQ(test::http_get(api + "/v1/audit?limit=0", a).status, 400);
}

TEST_F(Tenancy, QuotasAre429WithRetryAfterAndHoldUnderConcurrentRequests) {
  test::Cluster cluster({.workers = 1});
  const std::string api = cluster.server();
  const std::string a = cluster.token();
  const std::string b = cluster.create_tenant("tenant-b");
  const auto set = admin(cluster, "tenant quota tenant-a --scans-per-minute 3 --images-per-scan 2");
  ASSERT_EQ(set.exit_code, 0) << set.out;
  EXPECT_NE(set.out.find("scans per minute      3"), std::string::npos) << set.out;

  const auto too_many = test::http_post(api + "/v1/scans", scan_body(fleet_.refs), a);
  EXPECT_EQ(too_many.status, 429);
  EXPECT_NE(too_many.body.find("2 images per scan"), std::string::npos) << too_many.body;

  // Ten requests at once against a quota of three a minute: exactly three get through.
  std::vector<std::future<long>> racing;
  for (int i = 0; i < 10; ++i) {
    racing.push_back(std::async(std::launch::async, [&] {
      return test::http_post(api + "/v1/scans", scan_body({fleet_.refs[0]}), a).status;
    }));
  }
  int accepted = 0, limited = 0;
  for (auto& f : racing) {
    const long status = f.get();
    accepted += status == 202;
    limited += status == 429;
  }
  EXPECT_EQ(accepted, 3);
  EXPECT_EQ(limited, 7);
  const auto refused = test::http_post(api + "/v1/scans", scan_body({fleet_.refs[0]}), a);
  ASSERT_EQ(refused.status, 429);
  ASSERT_TRUE(refused.headers.contains("retry-after"));
  const int retry = std::stoi(refused.headers.at("retry-after"));
  EXPECT_GE(retry, 1);
  EXPECT_LE(retry, 60);
  EXPECT_NE(refused.body.find("3 scans per minute"), std::string::npos);
  // The other tenant is untouched.
  EXPECT_EQ(test::http_post(api + "/v1/scans", scan_body({fleet_.refs[1]}), b).status, 202);
  const auto usage = body(test::http_get(api + "/v1/quotas", a));
  EXPECT_EQ(usage["scans_per_minute"]["limit"], 3);
  EXPECT_EQ(usage["scans_per_minute"]["used"], 3);

  // Stored images: at the quota, scans are refused until an image is deleted.
  ASSERT_EQ(admin(cluster, "tenant quota tenant-b --stored-images 1").exit_code, 0);
  ASSERT_TRUE(test::eventually(60, [&] { return body(test::http_get(api + "/v1/quotas", b))["stored_images"]["used"] == 1; }));
  const auto full = test::http_post(api + "/v1/scans", scan_body({fleet_.refs[2]}), b);
  EXPECT_EQ(full.status, 429);
  EXPECT_NE(full.body.find("DELETE /v1/images"), std::string::npos) << full.body;
  EXPECT_EQ(test::http_delete(api + "/v1/images/" + fleet_.digests[1], a).status, 404);  // not a's to delete
  EXPECT_EQ(test::http_delete(api + "/v1/images/" + fleet_.digests[1], b).status, 204);
  EXPECT_EQ(test::http_get(api + "/v1/images/" + fleet_.digests[1], b).status, 404);
  EXPECT_EQ(test::http_post(api + "/v1/scans", scan_body({fleet_.refs[2]}), b).status, 202);

  // Bytes pulled per day: once used up, images that need workers fail, and new scans are refused
  // until the next UTC day.
  ASSERT_EQ(admin(cluster, "tenant quota tenant-b --bytes-pulled-per-day 1 --stored-images 100").exit_code, 0);
  ASSERT_TRUE(test::eventually(30, [&] {
    return body(test::http_get(api + "/v1/quotas", b))["bytes_pulled_per_day"]["used"].get<std::int64_t>() >= 1;
  }));
  const auto no_bytes = test::http_post(api + "/v1/scans", scan_body({fleet_.refs[0]}), b);
  EXPECT_EQ(no_bytes.status, 429);
  EXPECT_NE(no_bytes.body.find("pulled per day"), std::string::npos);
  ASSERT_TRUE(no_bytes.headers.contains("retry-after"));
  EXPECT_LE(std::stoi(no_bytes.headers.at("retry-after")), 86400);
}

TEST_F(Tenancy, AFloodFromOneTenantIsRateLimitedWhileAnotherIsServed) {
  test::Cluster cluster({.workers = 1, .coordinator_args = {"--requests-per-second", "5"}, .api_limits = true});
  const std::string api = cluster.server();
  const std::string b = cluster.create_tenant("tenant-b");
  int ok = 0, limited = 0;
  std::string retry_after;
  for (int i = 0; i < 40; ++i) {
    const auto r = test::http_get(api + "/v1/quotas", cluster.token());
    ok += r.status == 200;
    if (r.status == 429) {
      ++limited;
      retry_after = r.headers.at("retry-after");
    }
  }
  EXPECT_GE(ok, 10);  // the burst (twice the rate), and what refilled meanwhile
  EXPECT_LT(ok, 40);
  EXPECT_GT(limited, 0);
  EXPECT_EQ(retry_after, "1");
  EXPECT_EQ(test::http_get(api + "/v1/quotas", b).status, 200);
  EXPECT_GT(test::metric(cluster.metrics(), "strata_api_rate_limited_total"), 0);
}

// A tenant's own secret rules (the CLI's --secret-config, in the cluster): tenant A's rule finds
// its in-house token format in a layer file and in the image config's Env; tenant B, scanning the
// same image with the built-in rules, neither finds it nor shares A's layer analyses (the rules'
// digest is in the cache key), and B's scans keep sharing layers with everyone else's.
TEST_F(Tenancy, SecretRulesOfATenantsOwnApplyToItsScansOnly) {
  const std::string token = "ACME_" + std::string("7f3a9c0e5b1d4f2a8c6e0b9d7a5f3e1c");
  test::TestImage image;
  image.tag = "1.0";
  image.layers.push_back(test::make_layer({{"etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n"},
                                           {"srv/app/settings.ini", "[auth]\nkey = " + token + "\n"}}));
  image.runtime_json = R"({"Env":["PATH=/usr/bin","INTERNAL_KEY=)" + token + R"("]})";
  test::write_oci_layout(dir_ + "/acme", {image});
  const std::string ref = "oci:" + dir_ + "/acme:1.0";

  test::Cluster cluster({.workers = 1});
  const std::string api = cluster.server();
  const std::string a = cluster.token();
  const std::string b = cluster.create_tenant("tenant-b");
  const std::string rules = R"([extend]
useDefault = true

[[rules]]
id = "acme-internal-key"
description = "ACME internal key"
regex = 'ACME_[0-9a-f]{32}'
keywords = ["acme_"]
)";
  // Rules that do not parse are refused, saying why; nothing is stored.
  const auto broken = test::http_post(api + "/v1/secret-rules", json{{"toml", "[[rules]\nid = 1"}}.dump(), a);
  EXPECT_EQ(broken.status, 400) << broken.body;
  EXPECT_EQ(test::http_get(api + "/v1/secret-rules", a).status, 404);

  const auto stored = test::http_post(api + "/v1/secret-rules", json{{"toml", rules}}.dump(), a);
  ASSERT_EQ(stored.status, 201) << stored.body;
  EXPECT_EQ(body(test::http_get(api + "/v1/secret-rules", a))["toml"], rules);
  EXPECT_EQ(test::http_get(api + "/v1/secret-rules", b).status, 404);

  auto rules_found = [&](const std::string& key) {
    const auto scan = cluster.wait(cluster.submit({ref}, "bulk", key), 60, key);
    EXPECT_FALSE(scan.is_null()) << cluster.logs();
    if (scan.is_null()) return std::vector<std::string>{};
    EXPECT_EQ(scan["counts"]["done"], 1) << scan.dump(2);
    const auto report = body(test::http_get(api + "/v1/images/" + std::string(scan["images"][0]["digest"]), key));
    std::vector<std::string> found;
    for (const auto& s : report["secrets"]) {
      if (s["rule"] == "acme-internal-key") found.push_back(s["path"]);
    }
    std::sort(found.begin(), found.end());
    return found;
  };
  EXPECT_EQ(rules_found(a), (std::vector<std::string>{"config:Env/INTERNAL_KEY", "srv/app/settings.ini"}));
  EXPECT_EQ(test::metric(cluster.metrics(), "strata_layers_analyzed_total"), 1);
  // B: the built-in rules, and its own analysis of the layer (A's was made with other rules).
  EXPECT_TRUE(rules_found(b).empty());
  EXPECT_EQ(test::metric(cluster.metrics(), "strata_layers_analyzed_total"), 2);
  // A again: its rules' analysis comes from the cache; then back to the built-in rules, B's.
  EXPECT_EQ(rules_found(a).size(), 2u);
  EXPECT_EQ(test::http_delete(api + "/v1/secret-rules", a).status, 204);
  EXPECT_TRUE(rules_found(a).empty());
  EXPECT_EQ(test::metric(cluster.metrics(), "strata_layers_analyzed_total"), 2);
}

// Defect 13: secret fingerprints were SHA-256 over the rule and the secret, the same in every
// tenant's report, so a print could be checked against guesses and matched across tenants. Now
// each tenant's prints are keyed by the operator's fingerprint secret and the tenant: stable
// within a tenant (its ignore files keep working), different across tenants and from the unkeyed
// print `strata image` shows.
TEST_F(Tenancy, SecretFingerprintsAreEachTenantsOwn) {
  const std::string token = "ghp_" + std::string("R7mQ2xK9pL4vN8sT1wY6zB3cF5hJ0dG2aE4iU8oP").substr(0, 36);
  test::TestImage image;
  image.tag = "1.0";
  image.layers.push_back(test::make_layer({{"etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n"},
                                           {"srv/deploy.sh", "export GITHUB_TOKEN=" + token + "\n"}}));
  test::write_oci_layout(dir_ + "/gh", {image});
  const std::string ref = "oci:" + dir_ + "/gh:1.0";
  test::Cluster cluster({.workers = 1});
  const std::string b = cluster.create_tenant("tenant-b");
  auto print_of = [&](const std::string& key) {
    const auto scan = cluster.wait(cluster.submit({ref}, "bulk", key), 60, key);
    EXPECT_FALSE(scan.is_null()) << cluster.logs();
    if (scan.is_null()) return std::string();
    const auto report = body(test::http_get(cluster.server() + "/v1/images/" + std::string(scan["images"][0]["digest"]), key));
    EXPECT_EQ(report["secrets"].size(), 1u) << report["secrets"].dump();
    return report["secrets"].empty() ? std::string() : std::string(report["secrets"][0]["fingerprint"]);
  };
  const std::string a1 = print_of(cluster.token());
  const std::string bp = print_of(b);
  const std::string a2 = print_of(cluster.token());
  const auto local = test::run_command(std::string(STRATA_BINARY) + " image " + ref + " --scanners secret --format json", false);
  const std::string cli = json::parse(local.out)["secrets"][0]["fingerprint"];
  EXPECT_EQ(a1.size(), 64u);
  EXPECT_EQ(a1, a2);
  EXPECT_NE(a1, bp);
  EXPECT_NE(a1, cli);
  EXPECT_NE(bp, cli);
  EXPECT_EQ(cluster.logs().find(cli), std::string::npos);
}

}  // namespace
}  // namespace strata
