#include "common/wire/layer_codec.h"

#include <gtest/gtest.h>

namespace strata {
namespace {

LayerAnalysis sample() {
  LayerAnalysis a;
  a.databases.push_back({"var/lib/dpkg/status", Ecosystem::kDeb,
                         {{Ecosystem::kDeb, "openssl", "3.0.11-1~deb12u2", "openssl", "3.0.11-1~deb12u2", "amd64",
                           "var/lib/dpkg/status", {}},
                          {Ecosystem::kDeb, "libssl3", "3.0.11-1~deb12u2", "openssl", "3.0.11-1~deb12u2", "amd64",
                           "var/lib/dpkg/status", {}}}});
  a.databases.push_back({"lib/apk/db/installed", Ecosystem::kApk,
                         {{Ecosystem::kApk, "musl", "1.2.4-r4", "musl", "1.2.4-r4", "x86_64", "lib/apk/db/installed", {}}}});
  a.distro_files["etc/os-release"] = "ID=debian\nVERSION_ID=\"12\"\n";
  a.whiteouts = {"usr/share/doc/x"};
  a.opaque_dirs = {"var/cache"};
  a.warnings = {"var/lib/rpm/Packages: unreadable"};
  a.owned_files["usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA"] = "python3-six";
  a.secrets.push_back({"github-token", "GitHub token", "HIGH", "app/run.sh", 3, "ghp_****", "ab12"});
  a.facts.setid.push_back({"usr/bin/passwd", 04755});
  a.facts.world_writable = {"srv/data"};
  a.facts.root_ssh = {"root/.ssh/authorized_keys"};
  a.facts.present = {"usr/bin/sudo"};
  a.facts.cache_bytes["apt"] = 123456;
  a.facts.entries_truncated = true;  // round-trips like every other field
  a.entries = 1234;
  a.uncompressed_bytes = 1ull << 33;
  return a;
}

TEST(LayerCodec, RoundTripsEveryField) {
  const LayerAnalysis a = sample();
  const auto bytes = encode_layer_analysis(a);
  auto back = decode_layer_analysis(bytes);
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(*back, a);
  auto empty = decode_layer_analysis(encode_layer_analysis(LayerAnalysis{}));
  ASSERT_TRUE(empty);
  EXPECT_EQ(*empty, LayerAnalysis{});
}

TEST(LayerCodec, DamageIsAnErrorNotACrash) {
  auto bytes = encode_layer_analysis(sample());
  EXPECT_EQ(decode_layer_analysis({}).error().code(), ErrorCode::kCorrupt);
  auto truncated = bytes;
  truncated.resize(truncated.size() / 2);
  EXPECT_FALSE(decode_layer_analysis(truncated));
  auto flipped = bytes;
  flipped[flipped.size() / 2] ^= std::byte{0xff};
  EXPECT_FALSE(decode_layer_analysis(flipped));  // zstd's checksum or capnp's bounds catch it
  const auto bound = decode_layer_analysis(bytes, 16);
  ASSERT_FALSE(bound);
  EXPECT_EQ(bound.error().code(), ErrorCode::kLimitExceeded);
}

}  // namespace
}  // namespace strata
