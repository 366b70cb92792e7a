// Secrets through the walk and the merge: found once per layer in the same pass as packages,
// attributed to the layer holding the bytes, still reported after a later layer deletes the
// file, never written out in full; binaries and oversized files left alone.
#include <gtest/gtest.h>

#include "common/image/layer_merge.h"
#include "common/inventory.h"
#include "common/report/inventory_json.h"
#include "common/wire/layer_codec.h"
#include "tests/support/image_builder.h"
#include <filesystem>

#include "common/image/reference.h"
#include "worker/api/analyzer_registry.h"
#include "worker/api/image_inventory.h"
#include "worker/layer/analyze_layer.h"
#include "worker/stream/layer_stream.h"

namespace strata::worker {
namespace {

using test::TarEntry;

const std::string kToken = "ghp_" + std::string("Zq8LmX3tVp9KrT2wNb5cYd7fHj4gSa6eUo1i");

LayerAnalysis analyze(const std::vector<TarEntry>& entries, const AnalyzerOptions& options = {}) {
  const std::string tar = test::make_tar(entries);
  MemorySource source(as_bytes(tar));
  const AnalyzerRegistry registry = builtin_analyzers(options);
  auto r = analyze_layer(source, {}, registry, {});
  EXPECT_TRUE(r) << r.error().message();
  return r ? r->analysis : LayerAnalysis{};
}

TEST(SecretLayers, FoundAttributedAndKeptAfterDeletion) {
  const LayerAnalysis lower = analyze({
      {"app/deploy.sh", "#!/bin/sh\nexport GITHUB_TOKEN=" + kToken + "\n"},
      {"app/tool", std::string("\x7f" "ELF\0\0", 6) + kToken, TarEntry::Kind::kFile, 0755},  // a binary: not scanned
      {"root/.ssh/id_ed25519", "-----BEGIN OPENSSH PRIVATE KEY-----\n" + std::string(80, 'A') + "\n-----END OPENSSH PRIVATE KEY-----\n", TarEntry::Kind::kFile, 0600},
  });
  const LayerAnalysis upper = analyze({{"app/.wh.deploy.sh", ""}, {"etc/motd", "hello"}});
  ASSERT_EQ(lower.secrets.size(), 3u);  // the token, the key's content, the key's file name
  EXPECT_TRUE(upper.secrets.empty());

  const std::vector<LayerRef> refs = {{"sha256:lower", &lower}, {"sha256:upper", &upper}};
  const ImageView view = merge_layers(refs);
  ASSERT_EQ(view.secrets.size(), 3u);
  const auto token = std::find_if(view.secrets.begin(), view.secrets.end(), [](const ImageSecret& s) { return s.secret.rule_id == "github-token"; });
  ASSERT_NE(token, view.secrets.end());
  EXPECT_EQ(token->layer, "sha256:lower");
  EXPECT_EQ(token->secret.path, "app/deploy.sh");
  EXPECT_EQ(token->secret.line, 2u);
  EXPECT_TRUE(token->removed_later);

  // Through the cache codec and into the inventory document: redacted, never whole.
  auto decoded = decode_layer_analysis(encode_layer_analysis(lower), 1 << 20);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->secrets, lower.secrets);
  ImageInventory inv;
  inv.ref = "test";
  inv.view = view;
  const std::string json = inventory_json(inv);
  EXPECT_NE(json.find("\"match\": \"ghp_****\""), std::string::npos);
  EXPECT_NE(json.find("\"removed_in_later_layer\": true"), std::string::npos);
  EXPECT_EQ(json.find(kToken), std::string::npos);
  EXPECT_EQ(json.find(kToken.substr(4, 10)), std::string::npos);
  EXPECT_EQ(inventory_table(std::vector<ImageInventory>{inv}).find(kToken.substr(4, 10)), std::string::npos);
}

TEST(SecretLayers, SizeCapAndScannerSelection) {
  const std::vector<TarEntry> entries = {{"big.txt", std::string(2u << 20, 'x') + "\n" + kToken + "\n"},
                                         {"small.txt", kToken}};
  AnalyzerOptions capped;
  capped.secret_max_file_bytes = 1u << 20;
  EXPECT_EQ(analyze(entries, capped).secrets.size(), 1u);
  EXPECT_EQ(analyze(entries).secrets.size(), 2u);
  AnalyzerOptions packages_only;
  packages_only.secrets = false;
  EXPECT_TRUE(analyze(entries, packages_only).secrets.empty());
  // Different caps or rules give different cache keys.
  EXPECT_NE(builtin_analyzers(capped).set_version(), builtin_analyzers().set_version());
  EXPECT_NE(builtin_analyzers(packages_only).set_version(), builtin_analyzers().set_version());
}

// The image config is scanned too: environment, command, labels, and every build step, each
// step attributed to the layer it made.
TEST(SecretLayers, ImageConfigAndHistory) {
  const std::string dir = test::temp_dir();
  test::TestImage image;
  image.layers.push_back(test::make_layer({{"etc/hostname", "box\n"}}));
  image.layers.push_back(test::make_layer({{"app/run.sh", "echo hi\n"}}));
  image.runtime_json = R"({"User": "app", "Env": ["PATH=/usr/bin", "DB_PASSWORD=Vq3kT9zLm2wX8rPa"],
                           "Cmd": ["run", "--token", "x"], "Labels": {"maintainer": "ops"}})";
  image.history_json = R"([{"created_by": "ADD rootfs.tar /"},
                           {"created_by": "ENV A=1", "empty_layer": true},
                           {"created_by": "RUN curl -fsS 'https://svc.internal/setup?auth=Q8zLmX3tVp9KrT2w' | sh"}])";
  test::write_oci_layout(dir, {image});
  auto ref = ImageReference::parse("oci:" + dir, path_exists);
  ASSERT_TRUE(ref);
  const AnalyzerRegistry registry = builtin_analyzers();
  auto inventories = inventory_image(*ref, {}, registry);
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(inventories) << inventories.error().message();
  const auto& secrets = (*inventories)[0].view.secrets;
  ASSERT_EQ(secrets.size(), 2u);
  EXPECT_EQ(secrets[0].secret.path, "config:Env/DB_PASSWORD");
  EXPECT_EQ(secrets[0].secret.line, 2u);
  EXPECT_EQ(secrets[0].secret.rule_id, "generic-credential");
  EXPECT_EQ(secrets[0].layer, "");
  EXPECT_EQ(secrets[1].secret.path, "history:created_by");
  EXPECT_EQ(secrets[1].secret.line, 3u);
  EXPECT_EQ(secrets[1].secret.rule_id, "url-token-parameter");
  EXPECT_EQ(secrets[1].layer, image.layers[1].diff_id);  // the third step made the second layer
  const std::string json = inventory_json((*inventories)[0]);
  EXPECT_EQ(json.find("Vq3kT9zLm2wX8rPa"), std::string::npos);
  EXPECT_EQ(json.find("Q8zLmX3tVp9KrT2w"), std::string::npos);
}

}  // namespace
}  // namespace strata::worker
