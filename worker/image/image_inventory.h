// The inventory of an image on disk, layer by layer: resolve the reference to its manifest(s),
// analyze each layer once (verified, streamed, never unpacked), merge. What `strata inventory`
// runs; the cluster runs the same steps split across coordinator and workers.
#pragma once

#include <string>
#include <vector>

#include "common/image/reference.h"
#include "common/inventory.h"
#include "worker/analyzer/registry.h"
#include "worker/image/progress.h"
#include "worker/layer/analyze_layer.h"
#include "worker/walk/limits.h"

namespace strata::worker {

class SecretScanner;

struct InventoryOptions {
  // OS/ARCH[/VARIANT] to pick from a multi-platform index, or "all". Empty: linux/amd64, except
  // that a layout holding a single image gives that image whatever its platform.
  std::string platform;
  WalkLimits limits;
  std::uint64_t max_manifest_bytes = 4 << 20;  // manifests, indexes and configs
  ProgressSink* progress = nullptr;            // not owned; may be null
};

// An image resolved to its layers without reading them: the inventory's header and layer list
// (its view still empty) and, per layer, the blob file on storage the worker can read (empty for
// a foreign layer). What the coordinator turns into layer jobs.
struct ImagePlan {
  ImageInventory inventory;
  std::vector<std::string> blob_paths;
};

// Whether a path exists on this machine: how ImageReference::parse tells "oci:dir:tag" from a
// directory whose name holds a colon.
bool path_exists(const std::string& path);

// The checks analyze_layer makes for a layer the manifest and config name.
Result<LayerExpectation> layer_expectation(const LayerInfo& layer);

// Plans per image the reference selects. Only oci: layouts hold their layers as separate files;
// other transports are kUnsupported here.
Result<std::vector<ImagePlan>> plan_image(const ImageReference& ref, const InventoryOptions& options);
Result<std::vector<ImagePlan>> plan_oci_layout(const ImageReference& ref, const InventoryOptions& options);

// One inventory per image the reference selects (several only with platform "all").
// Errors name the reference and, for a layer, the layer's digest.
Result<std::vector<ImageInventory>> inventory_image(const ImageReference& ref,
                                                    const InventoryOptions& options,
                                                    const AnalyzerRegistry& registry);

// Per transport; inventory_image dispatches to these.
Result<std::vector<ImageInventory>> inventory_oci_layout(const ImageReference& ref,
                                                         const InventoryOptions& options,
                                                         const AnalyzerRegistry& registry);
Result<std::vector<ImageInventory>> inventory_docker_archive(const ImageReference& ref,
                                                             const InventoryOptions& options,
                                                             const AnalyzerRegistry& registry);
Result<std::vector<ImageInventory>> inventory_rootfs(const ImageReference& ref,
                                                     const InventoryOptions& options,
                                                     const AnalyzerRegistry& registry);

// Merges analyzed layers (bottom first) into `inventory.view`, and collects their warnings.
// With a scanner, the image config's secrets too (worker/image/config_secrets.h); with
// `config_checks`, the configuration checks (common/image/misconfig.h).
void finish_inventory(ImageInventory& inventory, const std::vector<LayerRef>& layers,
                      const SecretScanner* config_scanner = nullptr, bool config_checks = true);

}  // namespace strata::worker
