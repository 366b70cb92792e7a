#include "worker/api/image_inventory.h"

#include <sys/stat.h>

#include "common/image/misconfig.h"
#include "worker/image/config_secrets.h"
#include "worker/api/registry_client.h"
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
      case Transport::kRegistry: return inventory_registry(ref, options, registry);
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
    if (ref.transport == Transport::kRegistry) return plan_registry(ref, options);
    return fail(ErrorCode::kUnsupported,
                "the cluster reads images from registries and from oci: layouts on shared storage; "
                "scan this one with `strata image`");
  }();
  if (!result) return std::unexpected(result.error().with_context(ref.text));
  return result;
}

Result<std::unique_ptr<ByteSource>> open_blob(const BlobLocation& location, const LayerInfo& layer,
                                               const InventoryOptions& options) {
  if (!location.file.empty()) {
    auto file = FileSource::open(location.file);
    if (!file) return std::unexpected(file.error());
    return std::make_unique<FileSource>(std::move(*file));
  }
  auto digest = Digest::parse(layer.digest);
  if (!digest) return std::unexpected(digest.error());
  return registry_client(options, location.registry)->open_blob(location.repository, *digest, layer.size);
}

Result<ImageInventory> inventory_plan(const ImagePlan& plan, const InventoryOptions& options,
                                      const AnalyzerRegistry& registry) {
  ImageInventory inv = plan.inventory;
  std::vector<AnalyzedLayer> analyzed;
  analyzed.reserve(inv.layers.size());
  for (std::size_t i = 0; i < inv.layers.size(); ++i) {
    const LayerInfo& info = inv.layers[i];
    if (info.foreign) continue;
    const std::string name = "layer " + info.digest;
    auto blob = open_blob(plan.blobs[i], info, options);
    if (!blob) return std::unexpected(blob.error().with_context(name));
    std::optional<CountingSource> counted;
    ByteSource* source = blob->get();
    if (options.progress != nullptr) {
      options.progress->layer_started(i, inv.layers.size(), info.digest, info.size);
      source = &counted.emplace(**blob, *options.progress);
    }
    auto expected = layer_expectation(info);
    if (!expected) return std::unexpected(expected.error().with_context(name));
    auto layer = analyze_layer(*source, *expected, registry, options.limits);
    if (!layer) return std::unexpected(layer.error().with_context(name));
    analyzed.push_back(std::move(*layer));
  }
  std::vector<LayerRef> refs;
  std::size_t next = 0;
  for (const LayerInfo& info : inv.layers) {
    if (info.foreign) continue;
    refs.push_back({info.diff_id, &analyzed[next++].analysis});
  }
  if (options.progress != nullptr) options.progress->finished();
  finish_inventory(inv, refs, registry.secret_scanner().get(), registry.config_checks());
  return inv;
}

Result<std::vector<ImageInventory>> inventory_plans(const std::vector<ImagePlan>& plans, const InventoryOptions& options,
                                                    const AnalyzerRegistry& registry) {
  std::vector<ImageInventory> out;
  for (const ImagePlan& plan : plans) {
    auto inv = inventory_plan(plan, options, registry);
    if (!inv) return std::unexpected(inv.error());
    out.push_back(std::move(*inv));
  }
  return out;
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
