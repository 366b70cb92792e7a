// The scan routes in process: a request is checked field by field before anything is stored, a
// scan accepted is stored and run (here against a registry that is not there, so its image fails
// with the reason), and a scan is visible to its tenant only.
#include <nlohmann/json.hpp>

#include "tests/unit/coordinator/api/api_fixture.h"

namespace strata::coordinator::test_store {
namespace {

using Json = nlohmann::json;

class ScanRoutes : public ApiTest {
 protected:
  test::HttpAnswer post_scan(const std::string& body) { return test::http_post(base_ + "/v1/scans", body, tenant_.key); }
  std::int64_t stored_scans() { return db_->exec("SELECT count(*) FROM scans")->integer(0, 0); }
};

TEST_F(ScanRoutes, ABadRequestNamesItsFieldAndStoresNothing) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({})", "name something to scan"},
      {R"({"images": "x"})", "\"images\" must be an array of strings"},
      {R"({"images": [""]})", "\"images\" must hold non-empty strings"},
      {R"({"images": ["r.example/a:1"], "priority": "urgent"})", "\"priority\" must be \"interactive\" or \"bulk\""},
      {R"({"images": ["r.example/a:1"], "colour": "red"})", "unknown field \"colour\""},
      {R"({"images": ["oci:/etc:x"]})", "oci:"},
      {R"(not json)", "not valid JSON"},
      {R"({"images": ["r.example/a:1"], "labels": ["team"]})", "\"labels\": must be an object"},
      {R"({"images": ["r.example/a:1"], "labels": {"team name": "x"}})", "\"labels\": name \"team name\""},
      {R"({"images": ["r.example/a:1"], "labels": {"team": 7}})", "the value of \"team\" must be a string"},
      {R"({"images": ["r.example/a:1"], "labels": {"team": "a\nb"}})", "without control characters"},
  };
  for (const auto& [body, why] : cases) {
    const auto answer = post_scan(body);
    EXPECT_EQ(answer.status, 400) << body;
    const Json doc = Json::parse(answer.body, nullptr, false);
    ASSERT_TRUE(doc.is_object()) << answer.body;
    EXPECT_NE(doc["error"]["message"].get<std::string>().find(why), std::string::npos) << body << " → " << answer.body;
  }
  EXPECT_EQ(stored_scans(), 0);
}

TEST_F(ScanRoutes, AScansLabelsAreStoredWithIt) {
  const auto answer = post_scan(R"({"images": ["r.example/a:1"], "labels": {"team": "payments", "k8s/namespace": "prod"}})");
  ASSERT_EQ(answer.status, 202) << answer.body;
  EXPECT_EQ(db_->exec("SELECT labels::text FROM scans")->get(0, 0), R"({"team": "payments", "k8s/namespace": "prod"})");
}

TEST_F(ScanRoutes, AnAcceptedScanIsStoredRunAndEndsWithEachImagesReason) {
  const std::string ref = "127.0.0.1:" + std::to_string(test::free_port()) + "/nothing/here:1";
  const auto answer = post_scan(R"({"images": [")" + ref + R"("], "priority": "interactive"})");
  ASSERT_EQ(answer.status, 202) << answer.body;
  const Json accepted = Json::parse(answer.body);
  EXPECT_EQ(accepted["state"], "queued");
  const std::string id = accepted["id"];
  Json scan;
  EXPECT_TRUE(test::eventually(30, [&] {
    scan = Json::parse(test::http_get(base_ + "/v1/scans/" + id, tenant_.key).body);
    return scan["state"] == "done";
  })) << scan.dump();
  EXPECT_EQ(scan["priority"], "interactive");
  ASSERT_EQ(scan["images"].size(), 1u);
  EXPECT_EQ(scan["images"][0]["state"], "failed");
  EXPECT_NE(scan["images"][0]["error"].get<std::string>().find(ref), std::string::npos) << scan.dump();
}

TEST_F(ScanRoutes, AScanIsVisibleToItsTenantOnly) {
  const auto answer = post_scan(R"({"images": ["127.0.0.1:1/a:1"]})");
  ASSERT_EQ(answer.status, 202) << answer.body;
  const std::string id = Json::parse(answer.body)["id"];
  auto other = tenants_->create("other");
  ASSERT_TRUE(other);
  EXPECT_EQ(test::http_get(base_ + "/v1/scans/" + id, other->key).status, 404);
  EXPECT_EQ(test::http_get(base_ + "/v1/scans/scan-000000000000", tenant_.key).status, 404);
  EXPECT_EQ(test::http_get(base_ + "/v1/scans/" + id, tenant_.key).status, 200);
}

}  // namespace
}  // namespace strata::coordinator::test_store
