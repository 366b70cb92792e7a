// What HttpApi does around every route, in process: authentication, scopes, errors as JSON,
// bounded bodies, the audit of mutating calls, the health check, and /metrics on the operator
// listener only.
#include <nlohmann/json.hpp>

#include "tests/unit/coordinator/api/api_fixture.h"

namespace strata::coordinator::test_store {
namespace {

using Json = nlohmann::json;

class HttpApiTest : public ApiTest {
 protected:
  ApiConfig api_config() override {
    ApiConfig config = ApiTest::api_config();
    config.operator_port = 0;
    config.max_body_bytes = 4096;
    return config;
  }
};

TEST_F(HttpApiTest, ErrorsAreJsonWithTheirStatus) {
  const auto unknown = test::http_get(base_ + "/v1/nothing", tenant_.key);
  EXPECT_EQ(unknown.status, 404);
  const auto unauthenticated = test::http_get(base_ + "/v1/quotas");
  EXPECT_EQ(unauthenticated.status, 401);
  for (const auto& answer : {unknown, unauthenticated}) {
    const Json doc = Json::parse(answer.body, nullptr, false);
    ASSERT_TRUE(doc.is_object()) << answer.body;
    EXPECT_EQ(doc["error"]["status"], answer.status);
    EXPECT_FALSE(doc["error"]["message"].get<std::string>().empty());
  }
}

TEST_F(HttpApiTest, ABodyOverTheBoundIsRefusedUnread) {
  const std::string big = R"({"images": [")" + std::string(8192, 'a') + R"("]})";
  EXPECT_EQ(test::http_post(base_ + "/v1/scans", big, tenant_.key).status, 413);
  EXPECT_EQ(db_->exec("SELECT count(*) FROM scans")->integer(0, 0), 0);
}

TEST_F(HttpApiTest, AKeyReachesOnlyTheRoutesOfItsScopes) {
  auto reader = tenants_->create_key(tenant_.id, "reader", kScopeRead, std::nullopt);
  ASSERT_TRUE(reader);
  EXPECT_EQ(test::http_get(base_ + "/v1/quotas", reader->secret).status, 200);
  EXPECT_EQ(test::http_post(base_ + "/v1/scans", R"({"images": ["127.0.0.1:1/a:1"]})", reader->secret).status, 403);
  EXPECT_EQ(test::http_get(base_ + "/v1/keys", reader->secret).status, 403);
  EXPECT_EQ(test::http_get(base_ + "/v1/keys", tenant_.key).status, 200);
}

TEST_F(HttpApiTest, MutatingCallsAnsweredOrRefusedAreAudited) {
  auto reader = tenants_->create_key(tenant_.id, "reader", kScopeRead, std::nullopt);
  ASSERT_TRUE(reader);
  ASSERT_EQ(test::http_post(base_ + "/v1/scans", R"({"images": ["127.0.0.1:1/a:1"]})", tenant_.key).status, 202);
  ASSERT_EQ(test::http_post(base_ + "/v1/scans", R"({"images": ["127.0.0.1:1/a:1"]})", reader->secret).status, 403);
  const Json audit = Json::parse(test::http_get(base_ + "/v1/audit", tenant_.key).body);
  std::vector<std::pair<std::string, int>> seen;
  for (const auto& entry : audit["entries"]) seen.emplace_back(entry["action"], entry["status"]);
  EXPECT_NE(std::ranges::find(seen, std::pair<std::string, int>{"scan.create", 202}), seen.end()) << audit.dump();
  EXPECT_NE(std::ranges::find(seen, std::pair<std::string, int>{"scan.create", 403}), seen.end()) << audit.dump();
}

TEST_F(HttpApiTest, HealthOnBothListenersMetricsOnTheOperatorsOnly) {
  const std::string operator_base = "http://127.0.0.1:" + std::to_string(api_->operator_port());
  EXPECT_EQ(test::http_get(base_ + "/healthz").status, 200);
  EXPECT_EQ(test::http_get(operator_base + "/healthz").status, 200);
  EXPECT_EQ(test::http_get(base_ + "/metrics").status, 404);
  const auto metrics = test::http_get(operator_base + "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("strata_api_requests_total"), std::string::npos) << metrics.body.substr(0, 400);
}

}  // namespace
}  // namespace strata::coordinator::test_store
