// Webhooks against a real receiver on loopback: a feed update's events reach the tenant's
// receiver in order, in signed batches, again after failures and again after the coordinator is
// killed mid-delivery, so nothing is lost and duplicates carry the ids to drop them by; another
// tenant's receiver gets nothing, nor waits for a receiver of another tenant that stalls; a
// receiver at a private address is refused unless the operator allows it.
#include <gtest/gtest.h>
#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <csignal>
#include <mutex>

#include "loadtest/fleet.h"
#include "tests/support/cluster.h"
#include "tests/support/image_builder.h"
#include "tests/support/process.h"

namespace strata {
namespace {

constexpr const char* kSecret = "a-receivers-shared-secret";

std::string hmac_hex(const std::string& secret, const std::string& body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), reinterpret_cast<const unsigned char*>(body.data()),
       body.size(), mac, &length);
  std::string out;
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[mac[i] >> 4];
    out += kHex[mac[i] & 15];
  }
  return out;
}

// A webhook receiver: records every POST; `answer` decides each status (it may also stall).
class Receiver {
 public:
  struct Post {
    std::string delivery;
    std::string signature;
    std::string body;
  };
  explicit Receiver(std::function<int(std::size_t n)> answer) : answer_(std::move(answer)) {
    server_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      std::size_t n;
      {
        std::lock_guard lock(mutex_);
        n = posts_.size();
        posts_.push_back({req.get_header_value("X-Strata-Delivery"), req.get_header_value("X-Strata-Signature"), req.body});
      }
      res.status = answer_(n);
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~Receiver() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  std::vector<Post> posts() {
    std::lock_guard lock(mutex_);
    return posts_;
  }
  // Event ids of the batches it accepted (answered 2xx), in arrival order, duplicates kept.
  std::vector<std::int64_t> accepted_ids() {
    std::vector<std::int64_t> out;
    const auto all = posts();
    for (std::size_t n = 0; n < all.size(); ++n) {
      const int status = answer_(n);
      if (status < 200 || status > 299) continue;
      const auto batch = nlohmann::json::parse(all[n].body);
      for (const auto& e : batch["events"]) out.push_back(std::stoll(e["id"].get<std::string>()));
    }
    return out;
  }

 private:
  std::function<int(std::size_t)> answer_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<Post> posts_;
};

std::string make_webhook(test::Cluster& cluster, const std::string& url, const std::string& token = "") {
  const auto made = test::http_post(cluster.server() + "/v1/webhooks",
                                    nlohmann::json{{"url", url}, {"secret", kSecret}}.dump(),
                                    token.empty() ? cluster.token() : token);
  EXPECT_EQ(made.status, 201) << made.body;
  return nlohmann::json::parse(made.body).value("id", "");
}

std::vector<std::int64_t> event_ids(test::Cluster& cluster) {
  const auto page = test::http_get(cluster.server() + "/v1/events?limit=1000", cluster.token());
  std::vector<std::int64_t> out;
  const auto doc = nlohmann::json::parse(page.body);
  for (const auto& e : doc["events"]) out.push_back(std::stoll(e["id"].get<std::string>()));
  return out;
}

class Webhooks : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::temp_dir();
    fleet_ = loadtest::write_fleet(dir_ + "/layout", {.images = 6, .middles = 2, .app_bytes = 8 << 10, .seed = 5});
    part_ = dir_ + "/part";
    std::filesystem::create_directories(part_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Scans the fleet with the openssl record only; the rest of the feed is left for the test.
  void scan_with_part_of_the_feed(test::Cluster& cluster) {
    std::filesystem::copy_file(cluster.feed_dir() + "/debian-openssl.json", part_ + "/debian-openssl.json",
                               std::filesystem::copy_options::overwrite_existing);
    cluster.import_feeds({part_});
    const auto scanned = cluster.wait(cluster.submit(fleet_.refs));
    ASSERT_FALSE(scanned.is_null()) << cluster.logs();
  }

  std::string dir_;
  std::string part_;
  loadtest::Fleet fleet_;
};

TEST_F(Webhooks, EventsArriveSignedInOrderAfterFailuresAndAnotherTenantGetsNone) {
  // The receiver fails its first two posts: the same batch comes again.
  Receiver receiver([](std::size_t n) { return n < 2 ? 500 : 204; });
  Receiver other([](std::size_t) { return 204; });
  test::Cluster cluster({.coordinator_args = {"--allow-private-webhooks", "--webhook-retry-ms", "100"}, .feed_store = true});
  scan_with_part_of_the_feed(cluster);
  const std::string id = make_webhook(cluster, receiver.url());
  const std::string token_b = cluster.create_tenant("tenant-b");
  make_webhook(cluster, other.url(), token_b);

  cluster.import_feeds({cluster.feed_dir()});
  std::vector<std::int64_t> expected;
  ASSERT_TRUE(test::eventually(30, [&] {
    expected = event_ids(cluster);
    return !expected.empty() && receiver.accepted_ids() == expected;
  })) << cluster.logs() << " posts " << receiver.posts().size() << " accepted " << receiver.accepted_ids().size()
      << " events " << expected.size();
  const auto posts = receiver.posts();
  ASSERT_GE(posts.size(), 3u);
  EXPECT_EQ(posts[0].delivery, posts[1].delivery);  // the failed batch, sent again as it was
  EXPECT_EQ(posts[0].body, posts[2].body);
  for (const auto& p : posts) {
    EXPECT_EQ(p.signature, "sha256=" + hmac_hex(kSecret, p.body));
    EXPECT_EQ(nlohmann::json::parse(p.body)["webhook"], id);
  }
  EXPECT_TRUE(other.posts().empty());
  // Tenant B sees its own webhook only.
  const auto listed = nlohmann::json::parse(test::http_get(cluster.server() + "/v1/webhooks", token_b).body);
  ASSERT_EQ(listed["webhooks"].size(), 1u);
  EXPECT_NE(listed["webhooks"][0]["id"], id);
  EXPECT_EQ(test::http_delete(cluster.server() + "/v1/webhooks/" + id, token_b).status, 404);
  EXPECT_EQ(test::http_delete(cluster.server() + "/v1/webhooks/" + id, cluster.token()).status, 204);
}

TEST_F(Webhooks, AReceiverThatStallsEveryRequestDoesNotHoldAnotherTenantsEvents) {
  // Tenant A's receiver never answers in time; tenant B's answers at once.
  Receiver stalling([](std::size_t) {
    std::this_thread::sleep_for(std::chrono::seconds(8));
    return 204;
  });
  Receiver prompt([](std::size_t) { return 204; });
  test::Cluster cluster({.coordinator_args = {"--allow-private-webhooks", "--webhook-retry-ms", "100"}, .feed_store = true});
  const std::string token_b = cluster.create_tenant("tenant-b");
  scan_with_part_of_the_feed(cluster);
  ASSERT_FALSE(cluster.wait(cluster.submit(fleet_.refs, "bulk", token_b), 120, token_b).is_null()) << cluster.logs();
  // Tenant A has several webhooks, all at the stalling receiver.
  for (int i = 0; i < 6; ++i) make_webhook(cluster, stalling.url());
  make_webhook(cluster, prompt.url(), token_b);
  cluster.import_feeds({cluster.feed_dir()});
  ASSERT_TRUE(test::eventually(30, [&] { return !stalling.posts().empty(); })) << cluster.logs();
  const auto stalled_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(test::eventually(30, [&] { return !prompt.posts().empty(); })) << cluster.logs();
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - stalled_at).count(), 3.0);
}

TEST_F(Webhooks, ABatchInFlightWhenTheCoordinatorIsKilledIsSentAgainAfterItsRestart) {
  // The first post stalls: the coordinator is killed while it waits for the answer.
  std::atomic<bool> stalled{false};
  Receiver receiver([&](std::size_t n) {
    if (n == 0 && !stalled.exchange(true)) std::this_thread::sleep_for(std::chrono::seconds(4));
    return n == 0 ? 500 : 200;  // the stalled one never counts as taken
  });
  test::Cluster cluster({.coordinator_args = {"--allow-private-webhooks", "--webhook-retry-ms", "100"}, .feed_store = true});
  scan_with_part_of_the_feed(cluster);
  make_webhook(cluster, receiver.url());
  cluster.import_feeds({cluster.feed_dir()});
  ASSERT_TRUE(test::eventually(30, [&] { return stalled.load(); })) << cluster.logs();
  cluster.coordinator().signal(SIGKILL);
  cluster.coordinator().wait();
  const auto first = receiver.posts();
  ASSERT_EQ(first.size(), 1u);

  cluster.start_coordinator();
  std::vector<std::int64_t> expected;
  ASSERT_TRUE(test::eventually(30, [&] {
    expected = event_ids(cluster);
    return !expected.empty() && receiver.accepted_ids() == expected;
  })) << cluster.logs();
  EXPECT_EQ(receiver.posts()[1].delivery, first[0].delivery);
  EXPECT_EQ(receiver.posts()[1].body, first[0].body);
}

TEST_F(Webhooks, AReceiverAtAPrivateAddressIsRefusedAndTheTenantIsToldWhy) {
  Receiver receiver([](std::size_t) { return 204; });
  test::Cluster cluster({.coordinator_args = {"--webhook-retry-ms", "100"}, .feed_store = true});
  scan_with_part_of_the_feed(cluster);
  make_webhook(cluster, receiver.url());
  cluster.import_feeds({cluster.feed_dir()});
  ASSERT_TRUE(test::eventually(30, [&] {
    const auto listed = nlohmann::json::parse(test::http_get(cluster.server() + "/v1/webhooks", cluster.token()).body);
    return listed["webhooks"][0].contains("failing");
  })) << cluster.logs();
  const auto listed = nlohmann::json::parse(test::http_get(cluster.server() + "/v1/webhooks", cluster.token()).body);
  EXPECT_NE(listed["webhooks"][0]["failing"]["last_error"].get<std::string>().find("loopback"), std::string::npos)
      << listed.dump();
  EXPECT_TRUE(receiver.posts().empty());
  // Malformed webhooks answer 400, naming what is wrong.
  for (const auto& [body, words] : std::vector<std::pair<nlohmann::json, std::string>>{
           {{{"url", "ftp://example.com/"}, {"secret", kSecret}}, "http"},
           {{{"url", "https://user:pw@example.com/"}, {"secret", kSecret}}, "user information"},
           {{{"url", "https://example.com/"}, {"secret", "short"}}, "secret"},
           {{{"url", "https://example.com/"}, {"secret", kSecret}, {"min_severity", "SEVERE"}}, "min_severity"},
           {{{"url", "https://example.com/"}, {"secret", kSecret}, {"extra", "x"}}, "unknown field"}}) {
    const auto r = test::http_post(cluster.server() + "/v1/webhooks", body.dump(), cluster.token());
    EXPECT_EQ(r.status, 400) << body.dump();
    EXPECT_NE(nlohmann::json::parse(r.body)["error"]["message"].get<std::string>().find(words), std::string::npos) << r.body;
  }
}

}  // namespace
}  // namespace strata
