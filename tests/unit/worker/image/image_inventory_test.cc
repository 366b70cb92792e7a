// Images on disk, end to end through inventory_image: OCI layouts, docker archives, rootfs.
#include "worker/api/image_inventory.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/support/image_builder.h"

namespace strata::worker {
namespace {

namespace fs = std::filesystem;
using test::TarEntry;

std::string status(const std::vector<std::pair<std::string, std::string>>& packages) {
  std::string text;
  for (const auto& [name, version] : packages) {
    text += "Package: " + name + "\nStatus: install ok installed\nArchitecture: amd64\nVersion: " +
            version + "\n\n";
  }
  return text;
}

test::TestImage debian_image(Compression c = Compression::kGzip) {
  test::TestImage image;
  image.layers.push_back(test::make_layer(
      {{"etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n"},
       {"var/lib/dpkg/status", status({{"base-files", "12.4"}, {"libc6", "2.36-9"}})}},
      c));
  image.layers.push_back(test::make_layer(
      {{"var/lib/dpkg/status", status({{"base-files", "12.4"}, {"libc6", "2.36-9+deb12u4"},
                                       {"curl", "7.88.1-10"}})}},
      Compression::kZstd));
  return image;
}

class ImageInventoryTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::temp_dir(); }
  void TearDown() override { fs::remove_all(dir_); }

  Result<std::vector<ImageInventory>> run(const std::string& text, InventoryOptions options = {}) {
    auto ref = ImageReference::parse(text, [](const std::string& p) { return fs::exists(p); });
    if (!ref) return std::unexpected(ref.error());
    return inventory_image(*ref, options, registry_);
  }

  std::map<std::string, std::string> packages(const ImageInventory& inv) {
    std::map<std::string, std::string> out;
    for (const auto& p : inv.view.packages) out[p.package.name + "=" + p.package.version] = p.layer;
    return out;
  }

  std::string dir_;
  AnalyzerRegistry registry_ = builtin_analyzers();
};

TEST_F(ImageInventoryTest, OciLayoutMergesLayersAndAttributesPackages) {
  const auto image = debian_image();
  const auto digests = test::write_oci_layout(dir_ + "/img", {image});
  auto r = run("oci:" + dir_ + "/img");
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(r->size(), 1u);
  const ImageInventory& inv = r->front();
  EXPECT_EQ(inv.digest, digests[0]);
  EXPECT_EQ(inv.os, "linux");
  EXPECT_EQ(inv.arch, "amd64");
  ASSERT_EQ(inv.layers.size(), 2u);
  EXPECT_EQ(inv.layers[1].diff_id, image.layers[1].diff_id);
  EXPECT_EQ(inv.view.distro->namespace_, "Debian:12");
  EXPECT_EQ(packages(inv), (std::map<std::string, std::string>{
                               {"base-files=12.4", image.layers[0].diff_id},
                               {"curl=7.88.1-10", image.layers[1].diff_id},
                               {"libc6=2.36-9+deb12u4", image.layers[1].diff_id}}));
}

TEST_F(ImageInventoryTest, OciLayoutByTagAndDigest) {
  auto a = debian_image();
  a.tag = "v1";
  auto b = debian_image();
  b.layers.pop_back();
  b.tag = "v2";
  const auto digests = test::write_oci_layout(dir_ + "/img", {a, b});
  auto v2 = run("oci:" + dir_ + "/img:v2");
  ASSERT_TRUE(v2) << v2.error().message();
  EXPECT_EQ(v2->front().layers.size(), 1u);
  auto pinned = run("oci:" + dir_ + "/img@" + digests[0]);
  ASSERT_TRUE(pinned) << pinned.error().message();
  EXPECT_EQ(pinned->front().layers.size(), 2u);
  auto missing = run("oci:" + dir_ + "/img:v3");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message().find("tag 'v3' is not in"), std::string::npos);
  EXPECT_NE(missing.error().message().find("v1, v2"), std::string::npos);
}

TEST_F(ImageInventoryTest, MultiPlatformIndex) {
  auto amd = debian_image();
  auto arm = debian_image();
  arm.arch = "arm64";
  arm.variant = "v8";
  arm.layers.pop_back();
  test::write_oci_layout(dir_ + "/img", {amd, arm}, /*as_index=*/true);

  auto def = run("oci:" + dir_ + "/img");
  ASSERT_TRUE(def) << def.error().message();
  EXPECT_EQ(def->front().arch, "amd64");

  InventoryOptions arm_only;
  arm_only.platform = "linux/arm64";
  auto a = run("oci:" + dir_ + "/img", arm_only);
  ASSERT_TRUE(a) << a.error().message();
  EXPECT_EQ(a->front().arch, "arm64/v8");

  InventoryOptions all;
  all.platform = "all";
  auto every = run("oci:" + dir_ + "/img", all);
  ASSERT_TRUE(every);
  EXPECT_EQ(every->size(), 2u);

  InventoryOptions s390;
  s390.platform = "linux/s390x";
  auto none = run("oci:" + dir_ + "/img", s390);
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message().find("available: linux/amd64, linux/arm64/v8"), std::string::npos);
}

TEST_F(ImageInventoryTest, SingleImageOfAnotherPlatform) {
  auto arm = debian_image();
  arm.arch = "arm64";
  test::write_oci_layout(dir_ + "/img", {arm}, /*as_index=*/true);
  auto any = run("oci:" + dir_ + "/img");
  ASSERT_TRUE(any) << any.error().message();
  EXPECT_EQ(any->front().arch, "arm64");
  InventoryOptions amd;
  amd.platform = "linux/amd64";
  auto asked = run("oci:" + dir_ + "/img", amd);
  ASSERT_FALSE(asked);
  EXPECT_NE(asked.error().message().find("available: linux/arm64"), std::string::npos);
}

TEST_F(ImageInventoryTest, CorruptLayerFailsTheImageNamingTheLayer) {
  auto image = debian_image();
  std::string& blob = image.layers[1].blob;
  blob.resize(blob.size() - 20);  // truncated zstd; the manifest digest is of the truncated bytes
  test::write_oci_layout(dir_ + "/img", {image});
  auto r = run("oci:" + dir_ + "/img");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kCorrupt);
  EXPECT_NE(r.error().message().find("oci:" + dir_ + "/img: layer " + test::sha256_digest(blob)),
            std::string::npos)
      << r.error().message();
}

TEST_F(ImageInventoryTest, TamperedBlobIsADigestMismatch) {
  const auto image = debian_image();
  test::write_oci_layout(dir_ + "/img", {image});
  const std::string hex = test::sha256_digest(image.layers[0].blob).substr(7);
  std::ofstream(dir_ + "/img/blobs/sha256/" + hex, std::ios::binary)
      << test::make_layer({{"etc/evil", "x"}}).blob;
  auto r = run("oci:" + dir_ + "/img");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kDigestMismatch);
  EXPECT_NE(r.error().message().find("sha256:" + hex), std::string::npos);
}

TEST_F(ImageInventoryTest, WrongDiffIdInConfig) {
  auto image = debian_image();
  image.config_diff_ids_override = true;
  image.diff_ids = {image.layers[0].diff_id, image.layers[0].diff_id};
  test::write_oci_layout(dir_ + "/img", {image});
  auto r = run("oci:" + dir_ + "/img");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("diff_id mismatch"), std::string::npos);
}

TEST_F(ImageInventoryTest, MediaTypeThatLiesIsReadByMagic) {
  auto image = debian_image();
  image.layers[0].media_type = "application/vnd.oci.image.layer.v1.tar";  // really gzip
  image.layers[1].media_type = "application/vnd.docker.image.rootfs.diff.tar.zstd";
  test::write_oci_layout(dir_ + "/img", {image});
  auto r = run("oci:" + dir_ + "/img");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->front().view.packages.size(), 3u);
}

TEST_F(ImageInventoryTest, ForeignLayersAreReportedNotFetched) {
  auto image = debian_image();
  image.layers.insert(image.layers.begin(), test::make_layer({{"windows", "x"}}));
  image.layers[0].media_type = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
  test::write_oci_layout(dir_ + "/img", {image});
  fs::remove(dir_ + "/img/blobs/sha256/" + test::sha256_digest(image.layers[0].blob).substr(7));
  auto r = run("oci:" + dir_ + "/img");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_TRUE(r->front().layers[0].foreign);
  EXPECT_EQ(r->front().view.packages.size(), 3u);
  EXPECT_NE(r->front().warnings[0].find("non-distributable"), std::string::npos);
}

TEST_F(ImageInventoryTest, UnsupportedMediaTypeIsAnError) {
  auto image = debian_image();
  image.layers[0].media_type = "application/vnd.in-toto+json";
  test::write_oci_layout(dir_ + "/img", {image});
  auto r = run("oci:" + dir_ + "/img");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kUnsupported);
}

TEST_F(ImageInventoryTest, NotAnImage) {
  fs::create_directories(dir_ + "/empty");
  auto r = run("oci:" + dir_ + "/empty");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("is not an OCI image layout"), std::string::npos);
  EXPECT_EQ(run("oci:" + dir_ + "/nope").error().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(run("docker-archive:" + dir_ + "/nope.tar"));
}

TEST_F(ImageInventoryTest, DockerArchiveAllLayouts) {
  const auto image = debian_image(Compression::kNone);
  struct Case {
    const char* name;
    bool oci_blobs, gzip;
  };
  for (const Case c : {Case{"legacy", false, false}, Case{"oci", true, false}, Case{"gzip", false, true}}) {
    SCOPED_TRACE(c.name);
    const std::string file = dir_ + "/" + c.name + ".tar";
    test::write_docker_archive(file, image, c.oci_blobs, c.gzip);
    auto r = run("docker-archive:" + file);
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->front().view.packages.size(), 3u);
    EXPECT_EQ(r->front().layers[0].diff_id, image.layers[0].diff_id);
    EXPECT_EQ(r->front().view.distro->namespace_, "Debian:12");
  }
}

TEST_F(ImageInventoryTest, DockerArchiveDiffIdMismatch) {
  auto image = debian_image(Compression::kNone);
  image.config_diff_ids_override = true;
  image.diff_ids = {image.layers[1].diff_id, image.layers[0].diff_id};
  test::write_docker_archive(dir_ + "/x.tar", image, false);
  auto r = run("docker-archive:" + dir_ + "/x.tar");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kDigestMismatch);
}

TEST_F(ImageInventoryTest, RootfsIsOnePseudoLayer) {
  fs::create_directories(dir_ + "/root/etc");
  fs::create_directories(dir_ + "/root/lib/apk/db");
  std::ofstream(dir_ + "/root/etc/os-release") << "ID=alpine\nVERSION_ID=3.19.1\n";
  std::ofstream(dir_ + "/root/lib/apk/db/installed") << "P:musl\nV:1.2.4-r2\nA:x86_64\no:musl\n\n";
  auto r = run("rootfs:" + dir_ + "/root");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->front().view.distro->namespace_, "Alpine:v3.19");
  ASSERT_EQ(r->front().view.packages.size(), 1u);
  EXPECT_EQ(r->front().view.packages[0].package.ecosystem, Ecosystem::kApk);
}

}  // namespace
}  // namespace strata::worker
