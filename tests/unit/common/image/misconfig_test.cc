// The configuration checks on images the tests build: every check fires where it should, with
// its evidence and layer, and a tidy image has none.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "common/image/reference.h"
#include "tests/support/image_builder.h"
#include "worker/api/analyzer_registry.h"
#include "worker/api/image_inventory.h"

namespace strata::worker {
namespace {

using test::TarEntry;

ImageInventory inventory_of(const test::TestImage& image, const std::string& tag = "") {
  const std::string dir = test::temp_dir();
  auto copy = image;
  copy.tag = tag;
  test::write_oci_layout(dir, {copy});
  auto ref = ImageReference::parse("oci:" + dir + (tag.empty() ? "" : ":" + tag), path_exists);
  EXPECT_TRUE(ref);
  const AnalyzerRegistry registry = builtin_analyzers();
  auto inventories = inventory_image(*ref, {}, registry);
  std::filesystem::remove_all(dir);
  EXPECT_TRUE(inventories) << inventories.error().message();
  return inventories ? (*inventories)[0] : ImageInventory{};
}

std::map<std::string, std::vector<const Misconfiguration*>> by_id(const ImageInventory& inv) {
  std::map<std::string, std::vector<const Misconfiguration*>> out;
  for (const auto& m : inv.misconfigurations) out[m.id].push_back(&m);
  return out;
}

TEST(Misconfig, EveryCheckFiresWithItsEvidence) {
  test::TestImage image;
  image.layers.push_back(test::make_layer({
      {"usr/bin/passwd", "elf", TarEntry::Kind::kFile, 04755},
      {"usr/sbin/sshd", "elf", TarEntry::Kind::kFile, 0755},
      {"tmp/", "", TarEntry::Kind::kDir, 01777},
      {"tmp/scratch", "x", TarEntry::Kind::kFile, 0666},  // under /tmp: fine
  }));
  image.layers.push_back(test::make_layer({
      {"usr/local/bin/helper", "elf", TarEntry::Kind::kFile, 06755},
      {"usr/bin/sudo", "elf", TarEntry::Kind::kFile, 04755},
      {"srv/shared.conf", "x", TarEntry::Kind::kFile, 0666},
      {"root/.ssh/authorized_keys", "ssh-ed25519 AAAA", TarEntry::Kind::kFile, 0600},
      {"var/cache/apt/archives/curl_7.88.1-10_amd64.deb", std::string(4096, 'd')},
  }));
  image.runtime_json = R"({"Env": ["API_TOKEN=Zq8LmX3tVp9KrT2wNb5c"], "ExposedPorts": {"22/tcp": {}, "2375/tcp": {}, "8080/tcp": {}}})";
  image.history_json = R"([{"created_by": "ADD https://example.org/tool.tgz /opt/ # buildkit"},
                           {"created_by": "RUN apt-get install -y curl sudo"}])";
  const ImageInventory inv = inventory_of(image, "latest");
  const auto found = by_id(inv);
  for (const char* id : {"STRATA-CFG-001", "STRATA-CFG-002", "STRATA-CFG-003", "STRATA-CFG-004", "STRATA-CFG-005",
                         "STRATA-CFG-006", "STRATA-CFG-007", "STRATA-CFG-008", "STRATA-CFG-009", "STRATA-FS-001",
                         "STRATA-FS-002", "STRATA-FS-003", "STRATA-FS-004"}) {
    EXPECT_TRUE(found.contains(id)) << id;
  }
  ASSERT_TRUE(found.contains("STRATA-FS-001"));
  const auto& setid = found.at("STRATA-FS-001")[0]->evidence;
  EXPECT_EQ(setid, (std::vector<std::string>{"usr/bin/passwd (4755)", "usr/bin/sudo (4755, added above the base layer)",
                                             "usr/local/bin/helper (6755, added above the base layer)"}));
  EXPECT_EQ(found.at("STRATA-FS-002")[0]->evidence, std::vector<std::string>{"srv/shared.conf"});
  EXPECT_EQ(found.at("STRATA-CFG-002")[0]->evidence, std::vector<std::string>{"22/tcp"});
  EXPECT_EQ(found.at("STRATA-CFG-003")[0]->evidence, std::vector<std::string>{"2375/tcp"});
  EXPECT_EQ(found.at("STRATA-CFG-005")[0]->layer, image.layers[0].diff_id);
  EXPECT_EQ(found.at("STRATA-CFG-009")[0]->layer, image.layers[1].diff_id);
  EXPECT_EQ(found.at("STRATA-CFG-009")[0]->evidence, std::vector<std::string>{"apt: 4096 bytes"});
  // The secret is named by rule and redacted, never shown.
  const std::string& secret = found.at("STRATA-CFG-004")[0]->evidence[0];
  EXPECT_NE(secret.find("config:Env/API_TOKEN #1"), std::string::npos) << secret;
  EXPECT_EQ(secret.find("Zq8LmX3tVp9KrT2wNb5c"), std::string::npos);
}

// Issue 14, defect 13: the ADD check's evidence printed the URL whole, credentials and signed
// query included; now user information and the query are masked.
TEST(Misconfig, AnAddedUrlIsShownWithoutItsCredentialsOrQuery) {
  test::TestImage image;
  image.layers.push_back(test::make_layer({{"opt/tool.tgz", "x"}}));
  image.history_json =
      R"([{"created_by": "ADD https://deploy:gh0stTok3n@files.example.org/tool.tgz?X-Amz-Signature=5f3ab9c1#frag /opt/"}])";
  const ImageInventory inv = inventory_of(image, "1.0");
  const auto found = by_id(inv);
  ASSERT_TRUE(found.contains("STRATA-CFG-005"));
  EXPECT_EQ(found.at("STRATA-CFG-005")[0]->evidence,
            std::vector<std::string>{"step 1: ADD https://***@files.example.org/tool.tgz?***"});
}

TEST(Misconfig, ATidyImageHasNone) {
  test::TestImage image;
  image.layers.push_back(test::make_layer({{"app/server", "elf", TarEntry::Kind::kFile, 0755}}));
  image.runtime_json = R"({"User": "10001:10001", "ExposedPorts": {"8080/tcp": {}},
                           "Healthcheck": {"Test": ["CMD", "/app/server", "--check"]}})";
  const ImageInventory inv = inventory_of(image, "1.4.2");
  EXPECT_TRUE(inv.misconfigurations.empty()) << inv.misconfigurations[0].id;
}

TEST(Misconfig, WhiteoutsRemoveWhatTheyDelete) {
  test::TestImage image;
  image.layers.push_back(test::make_layer({{"usr/bin/sudo", "elf", TarEntry::Kind::kFile, 04755},
                                           {"root/.ssh/id_rsa", "key", TarEntry::Kind::kFile, 0600}}));
  image.layers.push_back(test::make_layer({{"usr/bin/.wh.sudo", ""}, {"root/.wh..wh..opq", ""}}));
  image.runtime_json = R"({"User": "app", "Healthcheck": {"Test": ["NONE"]}})";
  const auto found = by_id(inventory_of(image));
  EXPECT_FALSE(found.contains("STRATA-CFG-008"));
  EXPECT_FALSE(found.contains("STRATA-FS-001"));
  EXPECT_FALSE(found.contains("STRATA-FS-003"));
  EXPECT_TRUE(found.contains("STRATA-CFG-007"));  // NONE disables the check
  EXPECT_FALSE(found.contains("STRATA-CFG-006"));  // a layout with no tag is fixed by its directory
}

}  // namespace
}  // namespace strata::worker
