// `strata image` and `strata inventory` against a real registry: Debian's docker-registry on
// loopback, the test's images pushed to it with skopeo (as OCI manifests and indexes, and as
// Docker schema 2). A scan by registry reference gives the same report as a scan of the same
// image as an OCI layout; basic auth works with credentials from --password-stdin, the
// environment and a Docker config, and never shows a password. Skips, saying so, when the
// registry tools are not installed.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/registry/docker_config.h"
#include "tests/support/image_builder.h"
#include "tests/support/process.h"
#include "tests/support/registries.h"

namespace strata {
namespace {

namespace fs = std::filesystem;
using test::TarEntry;

#define REQUIRE_REGISTRY_TOOLS()                                                                            \
  if (!test::have_registry_tools())                                                                         \
  GTEST_SKIP() << "docker-registry, skopeo or htpasswd not installed (deploy/bootstrap.sh installs them)"

test::TestImage debian_image(const std::string& arch = "amd64", Compression second = Compression::kZstd) {
  test::TestImage image;
  image.arch = arch;
  image.layers.push_back(test::make_layer(
      {{"etc/os-release", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n"},
       {"var/lib/dpkg/status",
        "Package: xserver-xorg-core\nStatus: install ok installed\nArchitecture: " + arch +
            "\nSource: xorg-server\nVersion: 2:21.1.7-1\n\n"
            "Package: bash\nStatus: install ok installed\nArchitecture: " + arch + "\nVersion: 5.2.15-2+b2\n"},
       {"bin/bash", "elf"}}));
  image.layers.push_back(test::make_layer({{"srv/app/.env", "API_KEY=Zq8LmX3tVp9KrT2wNb5cH7\n"}}, second));
  image.runtime_json = R"({"Cmd": ["/bin/bash"], "ExposedPorts": {"22/tcp": {}}})";
  return image;
}

class RealRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::temp_dir();
    db_ = dir_ + "/vulndb.sqlite";
    fs::create_directories(dir_ + "/feed/DSA");
    std::ofstream(dir_ + "/feed/DSA/list") << "[29 Mar 2023] DSA-5380-1 xorg-server - security update\n\t{CVE-2023-1393}\n"
                                               "\t[bookworm] - xorg-server 2:21.1.7-3\n";
    ASSERT_EQ(run("db import --db " + db_ + " " + dir_ + "/feed").exit_code, 0);
    auto image = debian_image();
    image.tag = "1.0";
    test::write_oci_layout(dir_ + "/img", {image});
  }
  void TearDown() override { fs::remove_all(dir_); }

  test::CommandResult run(const std::string& args, const std::string& env = "", bool with_stderr = true) {
    return test::run_command(env + " HOME=" + dir_ + " " + STRATA_BINARY + " " + args, with_stderr);
  }
  // Writes `images` as one multi-platform index tagged `tag` and pushes it whole as team/app:TAG.
  test::CommandResult push_index(const test::RealRegistry& registry, const std::vector<test::TestImage>& images,
                                 const std::string& tag, const std::string& flags) {
    const std::string layout = dir_ + "/" + tag;
    test::write_oci_layout(layout, images, /*as_index=*/true);
    auto index = nlohmann::json::parse(test::run_command("cat " + layout + "/index.json").out);
    index["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"] = tag;
    std::ofstream(layout + "/index.json") << index.dump();
    return registry.push(flags + "oci:" + layout + ":" + tag, "team/app:" + tag, /*all=*/true);
  }
  // A document with the reference it was asked by blanked out: what must match between transports.
  static nlohmann::json without_ref(const std::string& text) {
    auto doc = nlohmann::json::parse(text);
    doc["image"]["ref"] = "";
    return doc;
  }

  std::string dir_, db_;
};

TEST_F(RealRegistryTest, AScanByReferenceEqualsTheScanOfTheLayout) {
  REQUIRE_REGISTRY_TOOLS();
  test::RealRegistry registry;
  ASSERT_TRUE(registry.ready()) << registry.log();
  const auto pushed = registry.push("oci:" + dir_ + "/img:1.0", "team/app:1.0");
  ASSERT_EQ(pushed.exit_code, 0) << pushed.out;

  const auto local = run("image oci:" + dir_ + "/img:1.0 --db " + db_ + " --format json", "", false);
  ASSERT_EQ(local.exit_code, 0) << local.out;
  const auto remote = run("image " + registry.host() + "/team/app:1.0 --db " + db_ + " --format json", "", false);
  ASSERT_EQ(remote.exit_code, 0) << remote.out;
  EXPECT_EQ(without_ref(remote.out), without_ref(local.out));
  const auto doc = nlohmann::json::parse(remote.out);
  EXPECT_EQ(doc["vulnerabilities"].size(), 1u);
  EXPECT_EQ(doc["secrets"].size(), 1u);

  // By digest: the same again, and the reference counts as pinned (no mutable-tag finding).
  const std::string digest = doc["image"]["digest"];
  const auto pinned = run("inventory " + registry.host() + "/team/app@" + digest + " --format json", "", false);
  ASSERT_EQ(pinned.exit_code, 0) << pinned.out;
  const auto local_inventory = run("inventory oci:" + dir_ + "/img:1.0 --format json", "", false);
  EXPECT_EQ(without_ref(pinned.out)["packages"], without_ref(local_inventory.out)["packages"]);
  EXPECT_EQ(nlohmann::json::parse(pinned.out)["image"]["digest"], digest);

  // No tag means latest, which is not there.
  const auto latest = run("inventory " + registry.host() + "/team/app");
  EXPECT_EQ(latest.exit_code, 2);
  EXPECT_NE(latest.out.find("MANIFEST_UNKNOWN"), std::string::npos) << latest.out;
}

TEST_F(RealRegistryTest, IndexesPlatformsAndDockerSchema2) {
  REQUIRE_REGISTRY_TOOLS();
  test::RealRegistry registry;
  ASSERT_TRUE(registry.ready()) << registry.log();
  // A multi-platform index pushed whole.
  auto arm64 = debian_image("arm64");
  arm64.variant = "v8";
  const auto pushed = push_index(registry, {debian_image("amd64"), arm64}, "multi", "");
  ASSERT_EQ(pushed.exit_code, 0) << pushed.out;
  const auto arm = run("inventory " + registry.host() + "/team/app:multi --platform linux/arm64 --format json", "", false);
  ASSERT_EQ(arm.exit_code, 0) << arm.out;
  const auto arm_doc = nlohmann::json::parse(arm.out);
  EXPECT_EQ(arm_doc["image"]["arch"], "arm64/v8");
  EXPECT_EQ(arm_doc["packages"][0]["arch"], "arm64");
  const auto all = run("inventory " + registry.host() + "/team/app:multi --platform all --format json", "", false);
  ASSERT_EQ(all.exit_code, 0) << all.out;
  EXPECT_EQ(nlohmann::json::parse(all.out).size(), 2u);
  const auto missing = run("inventory " + registry.host() + "/team/app:multi --platform linux/s390x");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.out.find("available: linux/amd64, linux/arm64/v8"), std::string::npos) << missing.out;

  // An image as a Docker schema 2 manifest (which has no zstd layers): same packages, secrets and
  // findings as its layout.
  auto gzip_only = debian_image("amd64", Compression::kGzip);
  gzip_only.tag = "gz";
  test::write_oci_layout(dir_ + "/gz", {gzip_only});
  const auto v2 = registry.push("--format v2s2 oci:" + dir_ + "/gz:gz", "team/app:docker");
  ASSERT_EQ(v2.exit_code, 0) << v2.out;
  const auto docker = run("inventory " + registry.host() + "/team/app:docker --format json", "", false);
  ASSERT_EQ(docker.exit_code, 0) << docker.out;
  const auto local = run("inventory oci:" + dir_ + "/gz:gz --format json", "", false);
  const auto d = nlohmann::json::parse(docker.out);
  const auto l = nlohmann::json::parse(local.out);
  EXPECT_EQ(d["image"]["layers"][0]["media_type"], "application/vnd.docker.image.rootfs.diff.tar.gzip");
  for (const char* part : {"packages", "secrets", "misconfigurations", "distro"}) EXPECT_EQ(d[part], l[part]) << part;

  // A Docker manifest list: the multi-platform image again, converted on push.
  const auto list = push_index(
      registry, {debian_image("amd64", Compression::kGzip), debian_image("arm64", Compression::kGzip)}, "list", "--format v2s2 ");
  ASSERT_EQ(list.exit_code, 0) << list.out;
  const auto listed = run("inventory " + registry.host() + "/team/app:list --platform linux/arm64 --format json", "", false);
  ASSERT_EQ(listed.exit_code, 0) << listed.out;
  const auto listed_doc = nlohmann::json::parse(listed.out);
  EXPECT_EQ(listed_doc["image"]["arch"], "arm64");
  EXPECT_EQ(listed_doc["image"]["layers"][0]["media_type"], "application/vnd.docker.image.rootfs.diff.tar.gzip");
  EXPECT_EQ(listed_doc["packages"][0]["arch"], "arm64");
}

TEST_F(RealRegistryTest, BasicAuthWithEveryCredentialSourceAndNoPasswordInOutput) {
  REQUIRE_REGISTRY_TOOLS();
  test::RealRegistry registry("ci", "Pa55-w0rd-42");
  ASSERT_TRUE(registry.ready()) << registry.log();
  ASSERT_EQ(registry.push("oci:" + dir_ + "/img:1.0", "team/app:1.0").exit_code, 0);
  const std::string ref = registry.host() + "/team/app:1.0";

  const auto anonymous = run("inventory " + ref);
  EXPECT_EQ(anonymous.exit_code, 2);
  EXPECT_NE(anonymous.out.find("requires authentication and no credentials were found"), std::string::npos) << anonymous.out;

  const auto wrong = run("inventory " + ref + " --username ci --password-stdin", "printf 'not-the-password' |");
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_NE(wrong.out.find("rejected the credentials from --username"), std::string::npos) << wrong.out;
  EXPECT_EQ(wrong.out.find("not-the-password"), std::string::npos);

  const auto stdin_ok = run("inventory " + ref + " --username ci --password-stdin --format json", "printf 'Pa55-w0rd-42\\n' |");
  EXPECT_EQ(stdin_ok.exit_code, 0) << stdin_ok.out;
  EXPECT_EQ(stdin_ok.out.find("Pa55-w0rd-42"), std::string::npos);

  const auto env_ok = run("inventory " + ref, "STRATA_REGISTRY_HOST=" + registry.host() +
                                                 " STRATA_REGISTRY_USERNAME=ci STRATA_REGISTRY_PASSWORD=Pa55-w0rd-42");
  EXPECT_EQ(env_ok.exit_code, 0) << env_ok.out;
  // Issue 14, defect 3: credentials in the environment went to every registry. Without
  // STRATA_REGISTRY_HOST, or for another registry, they are not sent, and the error says why.
  const auto env_unnamed = run("inventory " + ref, "STRATA_REGISTRY_USERNAME=ci STRATA_REGISTRY_PASSWORD=Pa55-w0rd-42");
  EXPECT_EQ(env_unnamed.exit_code, 2) << env_unnamed.out;
  EXPECT_NE(env_unnamed.out.find("STRATA_REGISTRY_HOST is not"), std::string::npos) << env_unnamed.out;
  const auto env_other = run("inventory " + ref, "STRATA_REGISTRY_HOST=ghcr.io STRATA_REGISTRY_USERNAME=ci "
                                                 "STRATA_REGISTRY_PASSWORD=Pa55-w0rd-42");
  EXPECT_EQ(env_other.exit_code, 2) << env_other.out;
  EXPECT_NE(env_other.out.find("the credentials in the environment are for ghcr.io"), std::string::npos) << env_other.out;

  fs::create_directories(dir_ + "/docker");
  std::ofstream(dir_ + "/docker/config.json")
      << nlohmann::json{{"auths", {{"http://" + registry.host(), {{"auth", base64_encode("ci:Pa55-w0rd-42")}}}}}}.dump();
  const auto config_ok = run("inventory " + ref + " --format table", "DOCKER_CONFIG=" + dir_ + "/docker");
  EXPECT_EQ(config_ok.exit_code, 0) << config_ok.out;
  EXPECT_EQ(config_ok.out.find("Pa55-w0rd-42"), std::string::npos);
  EXPECT_EQ(registry.log().find("Pa55-w0rd-42"), std::string::npos);
}

}  // namespace
}  // namespace strata
