// The image routes in process, over real sockets and the fixture's PostgreSQL: a stored report
// document rendered in every format of the format table with its MIME type, the inventory, an
// image stored before documents served as it was, and what a caller without the right key,
// scope or tenant gets.
#include <gtest/gtest.h>

#include "common/report/formats.h"
#include "common/report/inventory_json.h"
#include "common/report/report_document.h"
#include "tests/unit/coordinator/api/api_fixture.h"

namespace strata::coordinator::test_store {
namespace {

const std::string kDigest = "sha256:" + std::string(64, 'e');

class ImageRoutes : public ApiTest {
 protected:
  ScanReport stored_report() {
    ScanReport report;
    report.inventory.ref = "oci:/layouts/app:1";
    report.inventory.digest = kDigest;
    report.inventory.view.packages.push_back({{Ecosystem::kDeb, "openssl", "1.0-1", "openssl", "1.0-1", "amd64",
                                               "var/lib/dpkg/status"}, "sha256:l"});
    report.inventory.view.distro = Distro{"debian", "12", "Debian:12"};
    report.result.kept = {finding("CVE-2024-1", "openssl")};
    report.db = {3, "2026-12-01T00:00:00Z"};
    return report;
  }
  void store(const ScanReport& report) {
    auto scan = scans_->create_scan(tenant_.id, Priority::kBulk, {report.inventory.ref});
    ASSERT_TRUE(scan);
    ASSERT_TRUE(scans_->image_done(tenant_.id, *scan, 0, {&report, encode_report_document(report)}));
  }
};

TEST_F(ImageRoutes, EveryFormatIsRenderedFromTheStoredDocumentWithItsType) {
  const ScanReport report = stored_report();
  store(report);
  for (const auto& format : report_formats()) {
    const auto got = test::http_get(base_ + "/v1/images/" + kDigest + "?format=" + std::string(format.name), tenant_.key);
    ASSERT_EQ(got.status, 200) << format.name << ": " << got.body;
    EXPECT_EQ(got.body, format.write(report, false)) << format.name;
    EXPECT_EQ(got.headers.at("content-type"), format.mime_type) << format.name;
  }
  EXPECT_EQ(test::http_get(base_ + "/v1/images/" + kDigest, tenant_.key).body, report_json(report));
  EXPECT_EQ(test::http_get(base_ + "/v1/images/" + kDigest + "/inventory", tenant_.key).body,
            inventory_json(report.inventory));
  const auto stored = db_->exec("SELECT report IS NULL, inventory IS NULL, document IS NOT NULL FROM images");
  ASSERT_EQ(stored->rows(), 1);
  EXPECT_EQ(std::string(stored->get(0, 0)) + std::string(stored->get(0, 1)) + std::string(stored->get(0, 2)), "ttt");
  EXPECT_EQ(db_->exec("SELECT count(*) FROM image_reports")->integer(0, 0), 0);  // nothing pre-rendered
}

TEST_F(ImageRoutes, AnImageStoredBeforeDocumentsIsServedAsItWasStored) {
  const std::string t = std::to_string(tenant_.id);
  ASSERT_TRUE(db_->exec("INSERT INTO images (tenant_id, digest, ref, config_digest, os, arch, db_generation, report, inventory) "
                        "VALUES ($1, $2, 'old', '', '', '', 0, $3, $4)",
                        {t, kDigest, "{\"old\":\"report\"}\n", "{\"old\":\"inventory\"}\n"}));
  ASSERT_TRUE(db_->exec("INSERT INTO image_reports (tenant_id, image_digest, format, body) VALUES ($1, $2, 'sarif', 'old sarif')",
                        {t, kDigest}));
  EXPECT_EQ(test::http_get(base_ + "/v1/images/" + kDigest, tenant_.key).body, "{\"old\":\"report\"}\n");
  EXPECT_EQ(test::http_get(base_ + "/v1/images/" + kDigest + "/inventory", tenant_.key).body, "{\"old\":\"inventory\"}\n");
  EXPECT_EQ(test::http_get(base_ + "/v1/images/" + kDigest + "?format=sarif", tenant_.key).body, "old sarif");
  const auto csv = test::http_get(base_ + "/v1/images/" + kDigest + "?format=csv", tenant_.key);
  EXPECT_EQ(csv.status, 404);
  EXPECT_NE(csv.body.find("scan it again"), std::string::npos) << csv.body;
}

TEST_F(ImageRoutes, UnknownFormatsImagesKeysScopesAndTenantsAreRefused) {
  store(stored_report());
  const std::string url = base_ + "/v1/images/" + kDigest;
  const auto bad_format = test::http_get(url + "?format=pdf", tenant_.key);
  EXPECT_EQ(bad_format.status, 400);
  EXPECT_NE(bad_format.body.find(report_format_list()), std::string::npos) << bad_format.body;
  EXPECT_EQ(test::http_get(base_ + "/v1/images/sha256:" + std::string(64, '0'), tenant_.key).status, 404);
  EXPECT_EQ(test::http_get(url).status, 401);
  EXPECT_EQ(test::http_get(url, "stk_" + std::string(48, '0')).status, 401);
  auto other = tenants_->create("other");
  ASSERT_TRUE(other);
  EXPECT_EQ(test::http_get(url, other->key).status, 404);
  EXPECT_EQ(test::http_delete(url, other->key).status, 404);
  auto reader = tenants_->create_key(tenant_.id, "reader", kScopeRead, std::nullopt);
  ASSERT_TRUE(reader);
  EXPECT_EQ(test::http_get(url, reader->secret).status, 200);
  EXPECT_EQ(test::http_delete(url, reader->secret).status, 403);
  EXPECT_EQ(test::http_delete(url, tenant_.key).status, 204);
  EXPECT_EQ(test::http_get(url, tenant_.key).status, 404);
}

}  // namespace
}  // namespace strata::coordinator::test_store
