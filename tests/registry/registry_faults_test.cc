// The registry client against a registry that misbehaves on purpose (tests/support/
// fault_registry.py): 429 with Retry-After, 500 then success, a connection cut mid-blob (resumed
// with Range), a blob whose bytes do not match its digest, a manifest over the limit, redirects
// to another origin, schema 1, the bearer token flow and paging. Each test builds its image, so
// every byte it checks was made by the test.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <filesystem>
#include <fstream>

#include "common/report/inventory_json.h"
#include "tests/support/image_builder.h"
#include "tests/support/registries.h"
#include "tests/support/shared_data.h"
#include "worker/api/analyzer_registry.h"
#include "worker/api/image_inventory.h"
#include "worker/api/registry_client.h"

namespace strata::worker {
namespace {

namespace fs = std::filesystem;
using test::TarEntry;

test::TestImage app_image() {
  test::TestImage image;
  image.tag = "1.0";
  image.layers.push_back(test::make_layer(
      {{"etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n"},
       {"var/lib/dpkg/status", "Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2.36-9\n\n"},
       {"usr/share/filler.bin", std::string(300'000, 'f')}}));
  image.layers.push_back(test::make_layer({{"app/config.env", "AWS_SECRET_ACCESS_KEY=" + std::string("wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq8mP4Lt0a") + "\n"},
                                           {"app/data.bin", std::string(200'000, 'd')}}));
  image.runtime_json = R"({"User": "app", "Cmd": ["/app/run"]})";
  return image;
}

class RegistryFaults : public ::testing::Test {
 protected:
  void SetUp() override {
    layout_ = test::temp_dir();
    test::write_oci_layout(layout_, {app_image()});
  }
  void TearDown() override { fs::remove_all(layout_); }

  static RegistryOptions fast() {
    RegistryOptions o;
    o.backoff = std::chrono::milliseconds(20);
    o.max_backoff = std::chrono::milliseconds(200);
    o.credentials.docker_config = "-";
    o.credentials.environment = false;
    return o;
  }

  Result<std::vector<ImageInventory>> scan(const std::string& ref_text, RegistryOptions options = fast()) {
    auto ref = ImageReference::parse(ref_text, [](const std::string&) { return false; });
    if (!ref) return std::unexpected(ref.error());
    InventoryOptions inventory_options;
    inventory_options.registries = std::make_shared<RegistryClients>(std::move(options));
    return inventory_image(*ref, inventory_options, analyzers_);
  }

  // The same image read from its layout: what every registry scan must equal.
  std::string from_layout() {
    auto ref = ImageReference::parse("oci:" + layout_ + ":1.0", [](const std::string& p) { return fs::exists(p); });
    auto inv = inventory_image(*ref, {}, analyzers_);
    EXPECT_TRUE(inv) << inv.error().message();
    return inv ? comparable((*inv)[0]) : "";
  }
  static std::string comparable(ImageInventory inv) {
    inv.ref.clear();
    return inventory_json(inv);
  }

  static int count(const std::vector<nlohmann::json>& log, const std::function<bool(const nlohmann::json&)>& match) {
    return static_cast<int>(std::count_if(log.begin(), log.end(), match));
  }
  static bool layer_get(const nlohmann::json& r) {
    const std::string path = r["path"];
    return r["method"] == "GET" && path.find("/blobs/") != std::string::npos;
  }

  std::string layout_;
  AnalyzerRegistry analyzers_ = builtin_analyzers();
};

TEST_F(RegistryFaults, TooManyRequestsHonoursRetryAfter) {
  test::FaultRegistry registry(layout_, "team/app", {"--fail-429", "1"});
  ASSERT_TRUE(registry.ready());
  const auto start = std::chrono::steady_clock::now();
  auto inv = scan(registry.host() + "/team/app:1.0");
  ASSERT_TRUE(inv) << inv.error().message();
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(950));  // Retry-After: 1
  EXPECT_EQ(comparable((*inv)[0]), from_layout());
  const auto log = registry.requests();
  EXPECT_EQ(count(log, [](const auto& r) { return r["status"] == 429; }), 1);
}

TEST_F(RegistryFaults, ServerErrorsAreRetriedAndGiveUpWithAClearError) {
  {
    test::FaultRegistry registry(layout_, "team/app", {"--fail-500", "2"});
    ASSERT_TRUE(registry.ready());
    auto inv = scan(registry.host() + "/team/app:1.0");
    ASSERT_TRUE(inv) << inv.error().message();
    EXPECT_EQ(comparable((*inv)[0]), from_layout());
    EXPECT_EQ(count(registry.requests(), [](const auto& r) { return r["status"] == 500; }), 2);
  }
  test::FaultRegistry broken(layout_, "team/app", {"--fail-500", "100"});
  ASSERT_TRUE(broken.ready());
  RegistryOptions options = fast();
  options.max_attempts = 3;
  auto inv = scan(broken.host() + "/team/app:1.0", options);
  ASSERT_FALSE(inv);
  EXPECT_EQ(inv.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(inv.error().message().find("HTTP 500"), std::string::npos) << inv.error().message();
  EXPECT_NE(inv.error().message().find("after 3 attempts"), std::string::npos) << inv.error().message();
}

TEST_F(RegistryFaults, ACutConnectionResumesWithRange) {
  test::FaultRegistry registry(layout_, "team/app", {"--cut-after", "1000"});
  ASSERT_TRUE(registry.ready());
  auto inv = scan(registry.host() + "/team/app:1.0");
  ASSERT_TRUE(inv) << inv.error().message();
  EXPECT_EQ(comparable((*inv)[0]), from_layout());
  const auto log = registry.requests();
  // Each layer: one cut GET, then one resumed from byte 1000.
  EXPECT_EQ(count(log, [](const auto& r) { return r["range"] == "bytes=1000-" && r["status"] == 206; }), 2);
}

TEST_F(RegistryFaults, ABlobThatDoesNotMatchItsDigestFailsTheScan) {
  test::FaultRegistry registry(layout_, "team/app", {"--corrupt-blobs"});
  ASSERT_TRUE(registry.ready());
  auto inv = scan(registry.host() + "/team/app:1.0");
  ASSERT_FALSE(inv);
  EXPECT_TRUE(inv.error().code() == ErrorCode::kDigestMismatch || inv.error().code() == ErrorCode::kCorrupt)
      << inv.error().message();
  EXPECT_NE(inv.error().message().find("layer sha256:"), std::string::npos) << inv.error().message();
}

// Issue 14, defect 7: a registry that drip-feeds a blob (64 bytes every 50 ms passes the stall
// detector) held the job, and its worker slot, for ever. A blob now has a deadline scaled to
// its size.
TEST_F(RegistryFaults, ADripFedBlobMeetsItsDeadline) {
  test::FaultRegistry registry(layout_, "team/app", {"--drip-blobs", "0.05"});
  ASSERT_TRUE(registry.ready());
  RegistryOptions options = fast();
  options.blob_deadline_base = std::chrono::milliseconds(1000);
  options.blob_min_bytes_per_second = 1 << 20;
  const auto start = std::chrono::steady_clock::now();
  auto inv = scan(registry.host() + "/team/app:1.0", options);
  ASSERT_FALSE(inv);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_EQ(inv.error().code(), ErrorCode::kUnavailable) << inv.error().message();
  EXPECT_NE(inv.error().message().find("took longer than the"), std::string::npos) << inv.error().message();
}

// ... and an endless body (the blob, then zeros for ever) ends at the descriptor's size.
TEST_F(RegistryFaults, AnEndlessBlobEndsAtItsDescriptorsSize) {
  test::FaultRegistry registry(layout_, "team/app", {"--endless-blobs"});
  ASSERT_TRUE(registry.ready());
  auto inv = scan(registry.host() + "/team/app:1.0");
  ASSERT_FALSE(inv);
  EXPECT_NE(inv.error().message().find("more than the descriptor's"), std::string::npos) << inv.error().message();
}

TEST_F(RegistryFaults, AManifestOverTheLimitIsRefused) {
  test::FaultRegistry registry(layout_, "team/app", {"--pad-manifests", std::to_string(5 << 20)});
  ASSERT_TRUE(registry.ready());
  auto inv = scan(registry.host() + "/team/app:1.0");
  ASSERT_FALSE(inv);
  EXPECT_EQ(inv.error().code(), ErrorCode::kLimitExceeded);
  EXPECT_NE(inv.error().message().find("larger than the limit of 4194304 bytes"), std::string::npos)
      << inv.error().message();
}

// Issue 14, defect 1: an error document whose "code" is a number and "message" null threw from
// describe() (nlohmann's value() on the wrong type); now it is an error naming the status.
TEST_F(RegistryFaults, ErrorDocumentsOfTheWrongTypesAreErrorsNotExceptions) {
  test::FaultRegistry registry(layout_, "team/app", {"--hostile-errors"});
  ASSERT_TRUE(registry.ready());
  Result<std::vector<ImageInventory>> inv = fail(ErrorCode::kInternal, "not run");
  ASSERT_NO_THROW(inv = scan(registry.host() + "/team/app:missing"));
  ASSERT_FALSE(inv);
  EXPECT_EQ(inv.error().code(), ErrorCode::kNotFound) << inv.error().message();
  EXPECT_NE(inv.error().message().find("HTTP 404"), std::string::npos) << inv.error().message();
  ASSERT_NO_THROW(inv = scan(registry.host() + "/other/app:1.0"));
  ASSERT_FALSE(inv);
  auto fine = scan(registry.host() + "/team/app:1.0");
  ASSERT_TRUE(fine) << fine.error().message();
  EXPECT_EQ(comparable((*fine)[0]), from_layout());
}

TEST_F(RegistryFaults, SchemaOneIsRejectedWithAReason) {
  test::FaultRegistry registry(layout_, "team/app", {"--schema1"});
  ASSERT_TRUE(registry.ready());
  auto inv = scan(registry.host() + "/team/app:1.0");
  ASSERT_FALSE(inv);
  EXPECT_NE(inv.error().message().find("schema 1"), std::string::npos) << inv.error().message();
}

TEST_F(RegistryFaults, RedirectsAreFollowedWithoutTheCredentials) {
  test::FaultRegistry registry(layout_, "team/app", {"--redirect-blobs", "--token", "ci:s3cret"});
  ASSERT_TRUE(registry.ready());
  RegistryOptions options = fast();
  options.credentials.explicit_credential = RegistryCredential{"ci", "s3cret"};
  auto inv = scan(registry.host() + "/team/app:1.0", options);
  ASSERT_TRUE(inv) << inv.error().message();
  EXPECT_EQ(comparable((*inv)[0]), from_layout());
  const auto log = registry.requests();
  const int redirected = count(log, [](const auto& r) { return std::string(r["path"]).starts_with("/storage/"); });
  EXPECT_EQ(redirected, 2);
  // The storage host is another origin ("localhost" rather than 127.0.0.1): no Authorization.
  EXPECT_EQ(count(log, [](const auto& r) { return std::string(r["path"]).starts_with("/storage/") && r["authorization"] == true; }), 0);
}

// Issue 14, defect 3: a challenge naming a token server on another host collected the registry's
// password (the client sent Basic credentials wherever the realm pointed). Now the token is asked
// for without them, and the error says the realm is outside the registry's domain.
TEST_F(RegistryFaults, ACredentialPhishingChallengeGetsNoCredentials) {
  test::FaultRegistry registry(layout_, "team/app", {"--token", "ci:s3cret", "--realm-host", "localhost"});
  ASSERT_TRUE(registry.ready());
  RegistryOptions options = fast();
  options.credentials.explicit_credential = RegistryCredential{"ci", "s3cret"};
  auto inv = scan(registry.host() + "/team/app:1.0", options);
  ASSERT_FALSE(inv);
  EXPECT_EQ(inv.error().code(), ErrorCode::kDenied);
  EXPECT_NE(inv.error().message().find("token server localhost, outside its own domain"), std::string::npos)
      << inv.error().message();
  const auto log = registry.requests();
  EXPECT_GE(count(log, [](const auto& r) { return std::string(r["path"]).starts_with("/token"); }), 1);
  EXPECT_EQ(count(log, [](const auto& r) { return std::string(r["path"]).starts_with("/token") && r["authorization"] == true; }), 0);
  // An operator who trusts that host by name lets the credentials go there.
  options.trusted_realm_hosts = {"localhost"};
  auto trusted = scan(registry.host() + "/team/app:1.0", options);
  ASSERT_TRUE(trusted) << trusted.error().message();
}

TEST_F(RegistryFaults, BearerTokensAreFetchedOnceAndReused) {
  test::FaultRegistry registry(layout_, "team/app", {"--token", "ci:s3cret"});
  ASSERT_TRUE(registry.ready());
  {
    auto anonymous = scan(registry.host() + "/team/app:1.0");
    ASSERT_FALSE(anonymous);
    EXPECT_EQ(anonymous.error().code(), ErrorCode::kDenied);
    EXPECT_NE(anonymous.error().message().find("no credentials were found"), std::string::npos) << anonymous.error().message();
  }
  RegistryOptions wrong = fast();
  wrong.credentials.explicit_credential = RegistryCredential{"ci", "not-it"};
  auto refused = scan(registry.host() + "/team/app:1.0", wrong);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kDenied);
  EXPECT_EQ(refused.error().message().find("not-it"), std::string::npos);  // never the password

  RegistryOptions right = fast();
  right.credentials.explicit_credential = RegistryCredential{"ci", "s3cret"};
  auto inv = scan(registry.host() + "/team/app:1.0", right);
  ASSERT_TRUE(inv) << inv.error().message();
  EXPECT_EQ(comparable((*inv)[0]), from_layout());
  const auto log = registry.requests();
  // One token for the right credentials serves the manifest, the config and both layers.
  EXPECT_EQ(count(log, [](const auto& r) { return std::string(r["path"]).starts_with("/token") && r["status"] == 200; }), 1);
}

TEST_F(RegistryFaults, TagsAndCatalogArePagedThroughLinks) {
  // Three tags of the same image: index.json names its manifest three times.
  nlohmann::json index = nlohmann::json::parse(test::read_file(layout_ + "/index.json"));
  for (const char* tag : {"1.1", "2.0"}) {
    auto entry = index["manifests"][0];
    entry["annotations"]["org.opencontainers.image.ref.name"] = tag;
    index["manifests"].push_back(entry);
  }
  std::ofstream(layout_ + "/index.json") << index.dump();
  test::FaultRegistry registry(layout_, "team/app", {"--page-size", "2", "--extra-repositories", "other/one,other/two"});
  ASSERT_TRUE(registry.ready());
  RegistryClient client(registry.host(), fast());
  auto tags = client.tags("team/app");
  ASSERT_TRUE(tags) << tags.error().message();
  EXPECT_EQ(*tags, (std::vector<std::string>{"1.0", "1.1", "2.0"}));
  auto repositories = client.catalog();
  ASSERT_TRUE(repositories) << repositories.error().message();
  EXPECT_EQ(*repositories, (std::vector<std::string>{"other/one", "other/two", "team/app"}));
  const auto log = registry.requests();
  EXPECT_EQ(count(log, [](const auto& r) { return std::string(r["path"]).starts_with("/v2/team/app/tags/list"); }), 2);
}

// Issue 14, defect 8: a listing is bounded in entries before it is accumulated, so an endless
// _catalog is an error, not a coordinator out of memory.
TEST_F(RegistryFaults, AListingLongerThanTheLimitIsRefused) {
  std::string many;
  for (int i = 0; i < 40; ++i) many += (many.empty() ? "" : ",") + std::string("spam/r") + std::to_string(i);
  test::FaultRegistry registry(layout_, "team/app", {"--page-size", "5", "--extra-repositories", many});
  ASSERT_TRUE(registry.ready());
  RegistryOptions options = fast();
  options.max_listed = 12;
  RegistryClient client(registry.host(), options);
  auto repositories = client.catalog();
  ASSERT_FALSE(repositories);
  EXPECT_EQ(repositories.error().code(), ErrorCode::kLimitExceeded);
  EXPECT_NE(repositories.error().message().find("more than 12 repositories"), std::string::npos)
      << repositories.error().message();
  // It stopped at the page that crossed the limit: 3 pages of 5, not all 9.
  EXPECT_EQ(count(registry.requests(), [](const auto& r) { return std::string(r["path"]).starts_with("/v2/_catalog"); }), 3);
}

TEST_F(RegistryFaults, RequestsToOneRegistryAreCapped) {
  test::FaultRegistry registry(layout_, "team/app", {});
  ASSERT_TRUE(registry.ready());
  RegistryOptions options = fast();
  options.max_concurrent = 1;
  RegistryClient client(registry.host(), options);
  const auto image = app_image();
  auto first_digest = Digest::parse(test::sha256_digest(image.layers[0].blob));
  auto second_digest = Digest::parse(test::sha256_digest(image.layers[1].blob));
  ASSERT_TRUE(first_digest && second_digest);
  auto first = client.open_blob("team/app", *first_digest, image.layers[0].blob.size());
  ASSERT_TRUE(first) << first.error().message();
  // The only slot is held by the first blob's stream: the second waits for it.
  std::atomic<bool> opened{false};
  std::thread second([&] {
    auto blob = client.open_blob("team/app", *second_digest, image.layers[1].blob.size());
    EXPECT_TRUE(blob) << blob.error().message();
    opened = true;
  });
  ASSERT_TRUE(test::eventually(10, [&] { return client.waiting_for_slot() == 1; }));
  EXPECT_FALSE(opened.load());  // waiting for the slot, not opened
  first->reset();
  second.join();
  EXPECT_TRUE(opened.load());
}

}  // namespace
}  // namespace strata::worker
