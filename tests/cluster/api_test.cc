// The HTTP API as a tenant (or an intruder) sees it: every endpoint tried with another tenant's
// ids, with unknown ids, with no key and with a wrong key; and malformed requests answered with
// the right status and a JSON error that says what is wrong.
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <thread>

#include "loadtest/fleet.h"
#include "tests/support/cluster.h"
#include "tests/support/image_builder.h"

namespace strata {
namespace {

using nlohmann::json;

// Asserts an error answer: the status, and a JSON body naming it.
void expect_error(const test::HttpAnswer& a, long status, const std::string& says = "") {
  EXPECT_EQ(a.status, status) << a.body;
  const auto doc = json::parse(a.body, nullptr, false);
  ASSERT_TRUE(doc.is_object()) << a.body;
  EXPECT_EQ(doc["error"]["status"], status);
  const std::string message = doc["error"]["message"];
  EXPECT_NE(message.find(says), std::string::npos) << message;
}

class Api : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = test::temp_dir();
    fleet_ = loadtest::write_fleet(dir_ + "/layout", {.images = 2, .middles = 1, .app_bytes = 4096, .seed = 3});
    cluster_ = std::make_unique<test::Cluster>(test::ClusterOptions{.workers = 1});
    other_ = cluster_->create_tenant("tenant-b");
    scan_ = cluster_->submit({fleet_.refs[0]});
    ASSERT_FALSE(cluster_->wait(scan_).is_null()) << cluster_->logs();
  }
  static void TearDownTestSuite() {
    cluster_.reset();
    std::filesystem::remove_all(dir_);
  }
  static std::string url(const std::string& path) { return cluster_->server() + path; }

  static inline std::string dir_;
  static inline loadtest::Fleet fleet_;
  static inline std::unique_ptr<test::Cluster> cluster_;
  static inline std::string other_;
  static inline std::string scan_;
};

TEST_F(Api, TheOwnerSeesItsScanImageAndInventory) {
  const auto scan = test::http_get(url("/v1/scans/" + scan_), cluster_->token());
  ASSERT_EQ(scan.status, 200);
  EXPECT_EQ(json::parse(scan.body)["images"][0]["state"], "done");
  EXPECT_EQ(test::http_get(url("/v1/images/" + fleet_.digests[0]), cluster_->token()).status, 200);
  EXPECT_EQ(test::http_get(url("/v1/images/" + fleet_.digests[0] + "/inventory"), cluster_->token()).status, 200);
}

TEST_F(Api, AnotherTenantGets404ExactlyAsForUnknownIds) {
  const std::string unknown_scan = "scan-000000000000000000000000";
  const std::string unknown_image = "sha256:" + std::string(64, '0');
  for (const auto& [foreign, unknown] : std::vector<std::pair<std::string, std::string>>{
           {"/v1/scans/" + scan_, "/v1/scans/" + unknown_scan},
           {"/v1/images/" + fleet_.digests[0], "/v1/images/" + unknown_image},
           {"/v1/images/" + fleet_.digests[0] + "/inventory", "/v1/images/" + unknown_image + "/inventory"}}) {
    const auto a = test::http_get(url(foreign), other_);
    const auto b = test::http_get(url(unknown), other_);
    const auto c = test::http_get(url(unknown), cluster_->token());
    expect_error(a, 404, "no ");
    expect_error(b, 404, "no ");
    expect_error(c, 404, "no ");
    // Alike but for the id they name.
    std::string am = json::parse(a.body)["error"]["message"], bm = json::parse(b.body)["error"]["message"];
    EXPECT_EQ(am.substr(0, am.find(' ', 3)), bm.substr(0, bm.find(' ', 3)));
  }
  // Tenant B's own scan of the same image is its own, and A's stays A's.
  const auto mine = test::http_post(url("/v1/scans"), R"({"images":[")" + fleet_.refs[1] + R"("]})", other_);
  ASSERT_EQ(mine.status, 202) << mine.body;
  const std::string id = json::parse(mine.body)["id"];
  expect_error(test::http_get(url("/v1/scans/" + id), cluster_->token()), 404);
  EXPECT_EQ(test::http_get(url("/v1/scans/" + id), other_).status, 200);
}

TEST_F(Api, NoKeyOrAWrongKeyIs401OnEveryEndpoint) {
  for (const std::string& key : {std::string(), std::string("stk_notakey")}) {
    expect_error(test::http_get(url("/v1/scans/" + scan_), key), 401);
    expect_error(test::http_get(url("/v1/images/" + fleet_.digests[0]), key), 401);
    expect_error(test::http_get(url("/v1/images/" + fleet_.digests[0] + "/inventory"), key), 401);
    expect_error(test::http_post(url("/v1/scans"), R"({"images":[")" + fleet_.refs[0] + R"("]})", key), 401);
  }
  expect_error(test::http_get(url("/v1/scans/" + scan_), ""), 401, "Authorization: Bearer");
  expect_error(test::http_get(url("/v1/scans/" + scan_), "stk_notakey"), 401, "unknown");
}

TEST_F(Api, MalformedRequestsAre400WithAReason) {
  const std::string k = cluster_->token();
  expect_error(test::http_post(url("/v1/scans"), "{not json", k), 400, "not valid JSON");
  expect_error(test::http_post(url("/v1/scans"), "[]", k), 400, "JSON object");
  expect_error(test::http_post(url("/v1/scans"), "{}", k), 400, "name something to scan");
  expect_error(test::http_post(url("/v1/scans"), R"({"images":"oci:/x"})", k), 400, "array");
  expect_error(test::http_post(url("/v1/scans"), R"({"images":[42]})", k), 400, "non-empty strings");
  expect_error(test::http_post(url("/v1/scans"), R"({"images":[]})", k), 400, "name something to scan");
  expect_error(test::http_post(url("/v1/scans"), R"({"repositories":[42]})", k), 400, "non-empty strings");
  expect_error(test::http_post(url("/v1/scans"), R"({"images":["oci:/x"],"priority":7})", k), 400, "priority");
  expect_error(test::http_post(url("/v1/scans"), R"({"images":["oci:/x"],"priority":"urgent"})", k), 400, "urgent");
  expect_error(test::http_post(url("/v1/scans"), R"({"images":["oci:/x"],"tags":["a"]})", k), 400, "unknown field \"tags\"");
  expect_error(test::http_post(url("/v1/scans"), R"({"images":["docker-archive:/x.tar"]})", k), 400, "oci:");
  expect_error(test::http_post(url("/v1/scans"), R"({"images":["Not A Reference"]})", k), 400, "repository name");
}

TEST_F(Api, OversizedBodiesAre413AndUnknownRoutes404AllInJson) {
  const std::string big = R"({"images":[")" + std::string(2 << 20, 'a') + R"("]})";
  expect_error(test::http_post(url("/v1/scans"), big, cluster_->token()), 413, "larger than");
  expect_error(test::http_get(url("/v1/nothing"), cluster_->token()), 404, "/v1/nothing");
  expect_error(test::http_get(url("/v1/images/not-a-digest"), cluster_->token()), 404);
}

// The isolation sweep (issue 14): every route, called by tenant B with each of tenant A's ids
// (scan, image in every format, inventory, key, registry), answers exactly as for an id that does
// not exist, shows none of A's data, and changes none of A's rows.
TEST_F(Api, IsolationSweepEveryRouteTimesTwoTenants) {
  const std::string a = cluster_->token();
  const std::string digest = fleet_.digests[0];
  const auto key = json::parse(test::http_post(url("/v1/keys"), R"({"name":"a-ci","scopes":["read"]})", a).body);
  const std::string a_key_id = key["id"];
  ASSERT_EQ(test::http_post(url("/v1/registries"), R"({"registry":"a-private.example.com","username":"a-user","password":"a-pass"})", a).status, 201);
  const std::string unknown_scan = "scan-000000000000000000000000", unknown_image = "sha256:" + std::string(64, '0');

  struct Probe {
    std::string method, foreign, unknown;
  };
  std::vector<Probe> probes = {
      {"GET", "/v1/scans/" + scan_, "/v1/scans/" + unknown_scan},
      {"GET", "/v1/images/" + digest + "/inventory", "/v1/images/" + unknown_image + "/inventory"},
      {"DELETE", "/v1/images/" + digest, "/v1/images/" + unknown_image},
      {"DELETE", "/v1/keys/" + a_key_id, "/v1/keys/999999"},
      {"POST", "/v1/keys/" + a_key_id + "/rotate", "/v1/keys/999999/rotate"},
      {"DELETE", "/v1/registries/a-private.example.com", "/v1/registries/nowhere.example.com"},
  };
  for (const char* format : {"json", "sarif", "cyclonedx", "csv", "table"}) {
    probes.push_back({"GET", "/v1/images/" + digest + "?format=" + format, "/v1/images/" + unknown_image + "?format=" + format});
  }
  const std::string empty;
  for (const auto& p : probes) {
    const auto theirs = test::http_request(p.method, url(p.foreign), p.method == "GET" ? nullptr : &empty, other_);
    const auto none = test::http_request(p.method, url(p.unknown), p.method == "GET" ? nullptr : &empty, other_);
    EXPECT_EQ(theirs.status, 404) << p.method << " " << p.foreign << ": " << theirs.body;
    EXPECT_EQ(none.status, 404) << p.method << " " << p.unknown;
    for (const std::string& secret : {digest.substr(7, 16), std::string("a-user"), std::string("a-pass"), std::string("a-ci")}) {
      if (p.foreign.find(secret) != std::string::npos) continue;  // the id B named itself
      EXPECT_EQ(theirs.body.find(secret), std::string::npos) << p.foreign;
    }
  }
  // Listings show only B's own rows.
  for (const char* path : {"/v1/keys", "/v1/registries", "/v1/audit", "/v1/quotas"}) {
    const auto theirs = test::http_get(url(path), other_);
    EXPECT_EQ(theirs.status, 200) << path;
    for (const std::string& secret : {std::string("\"a-ci\""), std::string("a-private.example.com"), scan_,
                                      std::string(key["prefix"])}) {
      // B's audit log names what B itself tried (A's registry's name among them); nothing else of A's.
      if (std::string(path) == "/v1/audit" && secret == "a-private.example.com") continue;
      EXPECT_EQ(theirs.body.find(secret), std::string::npos) << path << " shows " << secret;
    }
  }
  // Nothing of A's changed: its scan, image, key and registry are all there.
  EXPECT_EQ(test::http_get(url("/v1/scans/" + scan_), a).status, 200);
  EXPECT_EQ(test::http_get(url("/v1/images/" + digest), a).status, 200);
  EXPECT_EQ(test::http_get(url("/v1/scans/" + scan_), std::string(key["key"])).status, 200);
  EXPECT_NE(test::http_get(url("/v1/registries"), a).body.find("a-private.example.com"), std::string::npos);
  // And B's tries are in B's audit log, not A's.
  EXPECT_EQ(test::http_get(url("/v1/audit"), a).body.find("999999"), std::string::npos);
  EXPECT_NE(test::http_get(url("/v1/audit"), other_).body.find("999999"), std::string::npos);
}

// /metrics is the operator's: on its own listener, never on the port tenants reach.
TEST_F(Api, MetricsAreInThePrometheusTextFormatOnTheOperatorPortOnly) {
  expect_error(test::http_get(url("/metrics")), 404);
  expect_error(test::http_get(url("/metrics"), cluster_->token()), 404);
  const auto page = test::http_get(cluster_->operator_server() + "/metrics");
  ASSERT_EQ(page.status, 200);
  for (const char* name : {"strata_layers_analyzed_total", "strata_layer_cache_hits_total", "strata_layer_cache_misses_total",
                           "strata_jobs_queued", "strata_jobs_leased", "strata_jobs_failed_total",
                           "strata_jobs_quarantined_total", "strata_job_latency_seconds_count", "strata_bytes_read_total",
                           "strata_scans{state=\"done\"}"}) {
    EXPECT_GE(test::metric(page.body, name), 0) << name;
  }
  EXPECT_NE(page.body.find("# TYPE strata_job_latency_seconds histogram"), std::string::npos);
  EXPECT_NE(page.body.find("strata_job_latency_seconds_bucket{le=\"+Inf\"}"), std::string::npos);
  const auto worker = test::http_get(cluster_->worker_metrics_url(0));
  EXPECT_GE(test::metric(worker.body, "strata_bytes_read_total"), 1);
  EXPECT_GE(test::metric(worker.body, "strata_layers_analyzed_total"), 1);
}

// TLS on the tenants' port (--tls-cert, --tls-key): a scan end to end over https with the CA
// trusted; a client that does not trust the certificate, and plain http to the same port, get
// nothing; the operator's /metrics stays on its own plain loopback listener.
TEST(ApiTls, TheApiIsServedOverTlsAndNothingElseOnItsPort) {
  const std::string dir = test::temp_dir();
  const auto fleet = loadtest::write_fleet(dir + "/layout", {.images = 1, .middles = 1, .app_bytes = 1024, .seed = 9});
  test::Cluster cluster({.workers = 1, .tls = true});
  ASSERT_TRUE(cluster.server().starts_with("https://"));
  const auto done = cluster.wait(cluster.submit({fleet.refs[0]}), 60);
  ASSERT_FALSE(done.is_null()) << cluster.logs();
  EXPECT_EQ(done["counts"]["done"], 1);
  const std::string url = cluster.server() + "/v1/scans/" + std::string(done["id"]);
  EXPECT_EQ(test::http_request("GET", url, nullptr, cluster.token(), cluster.ca_file()).status, 200);
  // A client without the CA refuses the certificate; plain http gets no HTTP answer.
  EXPECT_EQ(test::http_request("GET", url, nullptr, cluster.token(), "/etc/ssl/certs/ca-certificates.crt").status, 0);
  std::string plain = url;
  plain.replace(0, 5, "http");
  EXPECT_NE(test::http_get(plain, cluster.token()).status, 200);
  EXPECT_EQ(test::http_get(cluster.operator_server() + "/metrics").status, 200);
  std::filesystem::remove_all(dir);
}

// Slowloris: clients that send a request head a byte at a time held the API's threads for as
// long as they kept dripping (each read timed out on its own), and the service answered no one
// else. Now a head must arrive whole within the header deadline: with 4 threads and 8 dripping
// clients, a normal request is answered, and every dripping connection is closed by the server.
TEST(ApiEdge, SlowClientsAreCutAndOthersAreServed) {
  test::Cluster cluster({.workers = 1,
                         .coordinator_args = {"--http-threads", "4", "--http-header-deadline-ms", "1500",
                                              "--http-max-per-address", "0"}});
  const int port = std::stoi(cluster.server().substr(cluster.server().rfind(':') + 1));
  std::vector<int> slow;
  for (int i = 0; i < 8; ++i) {
    slow.push_back(test::connect_loopback(port));
    ASSERT_GE(slow.back(), 0);
    const std::string head = "GET /healthz HTTP/1.1\r\nHost: strata\r\nX-Slow: ";
    ASSERT_EQ(::send(slow.back(), head.data(), head.size(), MSG_NOSIGNAL), static_cast<ssize_t>(head.size()));
  }
  std::atomic<bool> dripping{true};
  std::thread dripper([&] {
    while (dripping.load()) {
      for (const int fd : slow) (void)::send(fd, "x", 1, MSG_NOSIGNAL);
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // every thread is taken by now
  const auto start = std::chrono::steady_clock::now();
  const auto served = test::http_get(cluster.server() + "/healthz");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(served.status, 200);
  EXPECT_LT(seconds, 6.0);
  // The server closed every dripping connection: a read ends (FIN or reset), no answer came.
  for (const int fd : slow) {
    timeval timeout{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    char byte = 0;
    const ssize_t n = ::recv(fd, &byte, 1, 0);
    EXPECT_TRUE(n == 0 || (n < 0 && errno == ECONNRESET)) << "recv " << n << " errno " << errno;
  }
  dripping.store(false);
  dripper.join();
  for (const int fd : slow) ::close(fd);
  EXPECT_GE(test::metric(cluster.metrics(), "strata_api_connections_cut_total"), 8);
}

// One address may hold at most --http-max-per-address connections; more are closed at once.
TEST(ApiEdge, ConnectionsPerAddressAreCapped) {
  test::Cluster cluster({.workers = 1, .coordinator_args = {"--http-max-per-address", "3"}});
  const int port = std::stoi(cluster.server().substr(cluster.server().rfind(':') + 1));
  std::vector<int> idle;
  for (int i = 0; i < 3; ++i) idle.push_back(test::connect_loopback(port));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const int extra = test::connect_loopback(port);
  timeval timeout{5, 0};
  ::setsockopt(extra, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  char byte = 0;
  const ssize_t n = ::recv(extra, &byte, 1, 0);
  EXPECT_TRUE(n == 0 || (n < 0 && errno == ECONNRESET)) << "recv " << n << " errno " << errno;
  ::close(extra);
  for (const int fd : idle) ::close(fd);
  // With them gone, the address is served again.
  EXPECT_TRUE(test::eventually(5, [&] { return test::http_get(cluster.server() + "/healthz").status == 200; }));
  // The metrics page is asked from the same address, so it too waits until the server has seen
  // the last of the closed connections go (a read that found no page counts as -1).
  EXPECT_TRUE(test::eventually(5, [&] {
    return test::metric(cluster.metrics(), "strata_api_connections_refused_total") >= 1;
  }));
}

}  // namespace
}  // namespace strata
