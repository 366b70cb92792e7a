#include "worker/image/image_inventory.h"

#include <sys/stat.h>

#include "common/image/misconfig.h"
#include "worker/image/config_secrets.h"
#include "worker/walk/layer_walker.h"

namespace strata::worker {

void finish_inventory(ImageInventory& inventory, const std::vector<LayerRef>& layers,
                      const SecretScanner* config_scanner, bool config_checks) {
  for (const auto& layer : layers) {
    for (const auto& w : layer.analysis->warnings) {
      inventory.warnings.push_back(layer.id.empty() ? w : "layer " + layer.id + ": " + w);
    }
  }
  inventory.view = merge_layers(layers);
  if (config_scanner != nullptr) {
    auto found = config_secrets(inventory, *config_scanner);
    // Config first: it travels with every copy of the image, whatever the layers hold.
    found.insert(found.end(), std::make_move_iterator(inventory.view.secrets.begin()),
                 std::make_move_iterator(inventory.view.secrets.end()));
    inventory.view.secrets = std::move(found);
  }
  if (config_checks) inventory.misconfigurations = check_image(inventory);
}

Result<std::vector<ImageInventory>> inventory_image(const ImageReference& ref,
                                                    const InventoryOptions& options,
                                                    const AnalyzerRegistry& registry) {
  Result<std::vector<ImageInventory>> result = [&] {
    switch (ref.transport) {
      case Transport::kOciLayout: return inventory_oci_layout(ref, options, registry);
      case Transport::kDockerArchive: return inventory_docker_archive(ref, options, registry);
      case Transport::kRootfs: break;
    }
    return inventory_rootfs(ref, options, registry);
  }();
  if (!result) return std::unexpected(result.error().with_context(ref.text));
  return result;
}

bool path_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

Result<LayerExpectation> layer_expectation(const LayerInfo& layer) {
  LayerExpectation expected;
  auto digest = Digest::parse(layer.digest);
  if (!digest) return std::unexpected(digest.error());
  auto diff_id = Digest::parse(layer.diff_id);
  if (!diff_id) return std::unexpected(diff_id.error());
  expected.digest = BlobDigest{*digest};
  expected.diff_id = DiffId{*diff_id};
  return expected;
}

Result<std::vector<ImagePlan>> plan_image(const ImageReference& ref, const InventoryOptions& options) {
  Result<std::vector<ImagePlan>> result = [&]() -> Result<std::vector<ImagePlan>> {
    if (ref.transport == Transport::kOciLayout) return plan_oci_layout(ref, options);
    return fail(ErrorCode::kUnsupported,
                "the cluster reads images from oci: layouts on shared storage (and registries, "
                "once they arrive); scan this one with `strata image`");
  }();
  if (!result) return std::unexpected(result.error().with_context(ref.text));
  return result;
}

Result<std::vector<ImageInventory>> inventory_rootfs(const ImageReference& ref,
                                                     const InventoryOptions& options,
                                                     const AnalyzerRegistry& registry) {
  auto analysis = walk_directory(ref.path, registry, options.limits);
  if (!analysis) return std::unexpected(analysis.error());
  ImageInventory inventory;
  inventory.ref = ref.text;
  inventory.layers.push_back({"", "", analysis->uncompressed_bytes, "rootfs", false});
  finish_inventory(inventory, {LayerRef{"", &*analysis}}, registry.secret_scanner().get(), registry.config_checks());
  return std::vector<ImageInventory>{std::move(inventory)};
}

}  // namespace strata::worker
