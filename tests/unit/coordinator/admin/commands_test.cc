// The operator's `feeds import` against the fixture's PostgreSQL, on files as `strata db import`
// reads them: one generation, none for the same files again, and a malformed record skipped,
// counted and named while the rest of the feed is imported. `feeds update` downloads the OSV
// archives from a mirror on loopback first. `registry-credentials rekey` seals registry
// credentials and webhook secrets again under the new key.
#include "coordinator/admin/commands.h"

#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "coordinator/notify/webhook_store.h"
#include "coordinator/tenancy/credential_vault.h"
#include "coordinator/tenancy/registry_credentials.h"
#include "tests/support/image_builder.h"
#include "tests/support/process.h"
#include "tests/unit/coordinator/store/store_fixture.h"

namespace strata::coordinator::test_store {
namespace {

void write(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path) << text;
}

std::string record(const std::string& id, const std::string& package, const std::string& fixed) {
  return R"({"id":")" + id + R"(","affected":[{"package":{"ecosystem":"PyPI","name":")" + package +
         R"("},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":")" + fixed + R"("}]}]}]})";
}

class FeedsImport : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    dir_ = test::temp_dir();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  // Runs the command; its exit status and what it printed.
  std::pair<int, std::string> run() {
    testing::internal::CaptureStdout();
    const int rc = admin::feeds_import(url_, {dir_ + "/feeds"}, 20);
    return {rc, testing::internal::GetCapturedStdout()};
  }
  std::int64_t generations() { return db_->exec("SELECT count(*) FROM feed_generations")->integer(0, 0); }
  std::string dir_;
};

TEST_F(FeedsImport, FilesBecomeOneGenerationAndTheSameFilesAgainNone) {
  write(dir_ + "/feeds/PYSEC-1.json", record("PYSEC-1", "requests", "2.0"));
  write(dir_ + "/feeds/PYSEC-2.json", record("PYSEC-2", "flask", "1.0"));
  const auto [rc, out] = run();
  EXPECT_EQ(rc, 0);
  EXPECT_NE(out.find("generation 1: 2 records added or changed, 0 unchanged, 2 packages to rescan"), std::string::npos)
      << out;
  const auto [rc2, out2] = run();
  EXPECT_EQ(rc2, 0);
  EXPECT_NE(out2.find("nothing changed (2 records as stored): no new generation"), std::string::npos) << out2;
  EXPECT_EQ(generations(), 1);
  write(dir_ + "/feeds/PYSEC-2.json", record("PYSEC-2", "flask", "1.1"));
  const auto [rc3, out3] = run();
  EXPECT_NE(out3.find("generation 2: 1 records added or changed, 1 unchanged, 1 packages to rescan"), std::string::npos)
      << out3;
}

TEST_F(FeedsImport, AMalformedRecordIsSkippedCountedAndNamedTheRestImported) {
  write(dir_ + "/feeds/PYSEC-1.json", record("PYSEC-1", "requests", "2.0"));
  write(dir_ + "/feeds/broken.json", R"({"id": "PYSEC-9", "affected": )");
  const auto [rc, out] = run();
  EXPECT_EQ(rc, 0);
  EXPECT_NE(out.find("generation 1: 1 records added or changed"), std::string::npos) << out;
  EXPECT_NE(out.find("skipped 1:"), std::string::npos) << out;
  EXPECT_NE(out.find("broken.json"), std::string::npos) << out;
  EXPECT_EQ(db_->exec("SELECT skipped FROM feed_generations")->integer(0, 0), 1);
}

// An OSV mirror on loopback: ECOSYSTEM/all.zip from a directory, 404 for the rest.
class Mirror {
 public:
  explicit Mirror(const std::string& root) {
    server_.set_mount_point("/", root);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~Mirror() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

TEST_F(FeedsImport, UpdateDownloadsTheArchivesFromAMirrorAndNamesTheOnesMissing) {
  write(dir_ + "/feeds/PYSEC-1.json", record("PYSEC-1", "requests", "2.0"));
  write(dir_ + "/feeds/PYSEC-2.json", record("PYSEC-2", "flask", "1.0"));
  std::filesystem::create_directories(dir_ + "/www/PyPI");
  const auto zipped = test::run_command("cd " + dir_ + "/feeds && /usr/bin/python3 -c \"import zipfile,glob; "
                                        "z=zipfile.ZipFile('" + dir_ + "/www/PyPI/all.zip','w'); "
                                        "[z.write(f) for f in sorted(glob.glob('*.json'))]; z.close()\"");
  ASSERT_EQ(zipped.exit_code, 0) << zipped.out;
  Mirror mirror(dir_ + "/www");
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  const int rc = admin::feeds_update(url_, mirror.url(), {"PyPI", "Wolfi"}, 1, dir_ + "/downloads", 20);
  const std::string out = testing::internal::GetCapturedStdout();
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(rc, 2);  // Wolfi has no archive there
  EXPECT_NE(out.find("downloading " + mirror.url() + "/PyPI/all.zip"), std::string::npos) << out;
  EXPECT_NE(out.find("generation 1: 2 records added or changed"), std::string::npos) << out;
  EXPECT_NE(err.find("Wolfi: " + mirror.url() + "/Wolfi/all.zip: HTTP 404 Not Found"), std::string::npos) << err;
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/downloads/PyPI/all.zip"));
  // The same archive again: nothing changed, no generation.
  testing::internal::CaptureStdout();
  EXPECT_EQ(admin::feeds_update(url_, mirror.url(), {"PyPI"}, 1, "", 20), 0);
  EXPECT_NE(testing::internal::GetCapturedStdout().find("no new generation"), std::string::npos);
  EXPECT_EQ(generations(), 1);
}

using CredentialsRekey = StoreTest;

TEST_F(CredentialsRekey, RegistryCredentialsAndWebhookSecretsAreSealedAgainUnderTheNewKey) {
  const std::string dir = test::temp_dir();
  ASSERT_TRUE(CredentialVault::write_key_file(dir + "/old.key"));
  ASSERT_TRUE(CredentialVault::write_key_file(dir + "/new.key"));
  auto old_vault = CredentialVault::load(dir + "/old.key", {});
  ASSERT_TRUE(old_vault && *old_vault);
  auto tenant = tenants_->create("rekeyed");
  ASSERT_TRUE(tenant);
  WebhookStore before(*pool_, old_vault->get());
  auto hook = before.create(tenant->id, "https://hooks.example/strata", "the-secret", SeverityLevel::kLow);
  ASSERT_TRUE(hook) << hook.error().message();
  RegistryCredentials registries_before(*pool_, old_vault->get());
  ASSERT_TRUE(registries_before.put(tenant->id, "registry.example", {"robot", "registry-password"}));

  // Without the old key nothing opens: the command fails, says why, and changes nothing.
  testing::internal::CaptureStderr();
  EXPECT_NE(admin::credentials_rekey(url_, dir + "/new.key", {}), 0);
  EXPECT_NE(testing::internal::GetCapturedStderr().find("which this coordinator does not hold"), std::string::npos);
  EXPECT_EQ(db_->exec("SELECT count(*) FROM webhooks w JOIN registry_credentials r ON r.key_id = w.key_id WHERE "
                      "w.key_id = $1",
                      {(*old_vault)->key_id()})
                ->get(0, 0),
            "1");

  testing::internal::CaptureStdout();
  EXPECT_EQ(admin::credentials_rekey(url_, dir + "/new.key", {dir + "/old.key"}), 0);
  EXPECT_NE(testing::internal::GetCapturedStdout().find("sealed 1 stored credentials and 1 webhook secrets"),
            std::string::npos);
  auto new_only = CredentialVault::load(dir + "/new.key", {});
  ASSERT_TRUE(new_only && *new_only);
  EXPECT_EQ(db_->exec("SELECT key_id FROM webhooks")->get(0, 0), (*new_only)->key_id());
  auto credential = RegistryCredentials(*pool_, new_only->get()).get(tenant->id, "registry.example");
  ASSERT_TRUE(credential && *credential);
  EXPECT_EQ((*credential)->password, "registry-password");
  // Sealed again, it opens with the new key alone and is bound to its row as before: a
  // delivery signs with the same secret.
  EXPECT_EQ(db_->exec("INSERT INTO webhook_outbox (tenant_id, webhook_id, body, first_event, last_event) VALUES ($1, $2, "
                      "'[]', 1, 1)",
                      {std::to_string(tenant->id), hook->id})
                ->affected(),
            1);
  WebhookStore after(*pool_, new_only->get());
  TenantsInFlight in_flight;
  std::string secret;
  auto sent = after.deliver_next(
      [&](const WebhookDelivery& d) -> Result<void> {
        secret = d.secret;
        return {};
      },
      std::chrono::milliseconds(10), in_flight);
  ASSERT_TRUE(sent && *sent && **sent);
  EXPECT_EQ(secret, "the-secret");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace strata::coordinator::test_store
