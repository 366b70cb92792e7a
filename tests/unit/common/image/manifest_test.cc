#include "common/image/manifest.h"

#include <gtest/gtest.h>

#include "common/image/media_type.h"
#include "common/image/reference.h"

namespace strata {
namespace {

TEST(Manifest, RejectsDockerSchema1WithReason) {
  auto kind = classify_manifest(as_bytes(R"({"schemaVersion":1,"fsLayers":[]})"), "");
  ASSERT_FALSE(kind);
  EXPECT_EQ(kind.error().code(), ErrorCode::kUnsupported);
  EXPECT_NE(kind.error().message().find("schema 1"), std::string::npos);
}

TEST(Manifest, ConfigWithoutDiffIdsIsCorrupt) {
  auto config = parse_config(as_bytes(R"({"os":"linux","rootfs":{}})"));
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().code(), ErrorCode::kCorrupt);
}

TEST(Manifest, NotJsonIsCorrupt) {
  EXPECT_FALSE(parse_manifest(as_bytes("{")));
  EXPECT_FALSE(parse_index(as_bytes("[]")));
}

// Issue 14, defect 8: an index is bounded before its entries are kept.
TEST(Manifest, AnIndexOfTooManyManifestsIsRefused) {
  std::string entries;
  for (int i = 0; i < 1025; ++i) {
    entries += std::string(i ? "," : "") + R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:)" +
               std::string(64, 'a') + R"(","size":1})";
  }
  const std::string huge = R"({"schemaVersion":2,"manifests":[)" + entries + "]}";
  auto index = parse_index(as_bytes(huge));
  ASSERT_FALSE(index);
  EXPECT_EQ(index.error().code(), ErrorCode::kLimitExceeded);
  EXPECT_NE(index.error().message().find("names 1025 manifests; at most 1024"), std::string::npos) << index.error().message();
}

TEST(MediaType, ClassifiesLayers) {
  EXPECT_EQ(classify_layer_media_type("application/vnd.docker.image.rootfs.diff.tar.zstd").compression,
            Compression::kZstd);
  EXPECT_TRUE(classify_layer_media_type("application/vnd.oci.image.layer.nondistributable.v1.tar+gzip").foreign);
  EXPECT_FALSE(classify_layer_media_type("application/vnd.in-toto+json").supported);
}

TEST(Platform, ParsesAndMatches) {
  auto p = Platform::parse("linux/arm64/v8");
  ASSERT_TRUE(p);
  EXPECT_TRUE((Platform{"linux", "arm64", ""}).satisfies(*p));
  EXPECT_FALSE((Platform{"linux", "amd64", ""}).satisfies(*p));
  EXPECT_FALSE(Platform::parse("linux"));
}

TEST(Reference, ParsesTransports) {
  auto never = [](const std::string&) { return false; };
  auto tagged = ImageReference::parse("oci:/tmp/img:v1", never);
  ASSERT_TRUE(tagged);
  EXPECT_EQ(tagged->path, "/tmp/img");
  EXPECT_EQ(tagged->tag, "v1");
  auto pinned = ImageReference::parse("oci:/tmp/img@sha256:" + std::string(64, 'b'), never);
  ASSERT_TRUE(pinned);
  EXPECT_EQ(pinned->path, "/tmp/img");
  ASSERT_TRUE(pinned->digest);
  EXPECT_EQ(ImageReference::parse("docker-archive:/x.tar", never)->transport, Transport::kDockerArchive);
  auto unknown = ImageReference::parse("ftp:/x", never);
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message().find("unknown transport"), std::string::npos);
  EXPECT_FALSE(ImageReference::parse("/just/a/path", never));
}

}  // namespace
}  // namespace strata
