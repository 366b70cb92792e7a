// The inventory of an image on disk, layer by layer: resolve the reference to its manifest(s),
// analyze each layer once (verified, streamed, never unpacked), merge. What `strata inventory`
// runs; the cluster runs the same steps split across coordinator and workers.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/image/blob_location.h"
#include "common/image/reference.h"
#include "common/inventory.h"
#include "worker/api/analyzer_registry.h"
#include "worker/image/progress.h"
#include "worker/layer/analyze_layer.h"
#include "common/wire/walk_limits.h"

namespace strata::worker {

class SecretScanner;
class RegistryClient;
class RegistryClients;

struct InventoryOptions {
  // OS/ARCH[/VARIANT] to pick from a multi-platform index, or "all". Empty: linux/amd64, except
  // that a layout holding a single image gives that image whatever its platform.
  std::string platform;
  WalkLimits limits;
  std::uint64_t max_manifest_bytes = 4 << 20;  // manifests, indexes and configs
  ProgressSink* progress = nullptr;            // not owned; may be null
  // Clients for registry references, one per registry, sharing tokens across layers; null: made
  // with default options when a registry reference needs them.
  std::shared_ptr<RegistryClients> registries;
};

// An image resolved to its layers without reading them: the inventory's header and layer list
// (its view still empty) and, per layer, where its blob is (empty for a foreign layer). What the
// coordinator turns into layer jobs.
struct ImagePlan {
  ImageInventory inventory;
  std::vector<BlobLocation> blobs;
};

// Whether a path exists on this machine: how ImageReference::parse tells "oci:dir:tag" from a
// directory whose name holds a colon.
bool path_exists(const std::string& path);

// The checks analyze_layer makes for a layer the manifest and config name.
Result<LayerExpectation> layer_expectation(const LayerInfo& layer);

// Plans per image the reference selects. oci: layouts and registries hold their layers as
// separate blobs; other transports are kUnsupported here.
Result<std::vector<ImagePlan>> plan_image(const ImageReference& ref, const InventoryOptions& options);
Result<std::vector<ImagePlan>> plan_oci_layout(const ImageReference& ref, const InventoryOptions& options);
Result<std::vector<ImagePlan>> plan_registry(const ImageReference& ref, const InventoryOptions& options);

// The client for `registry`: from options.registries, else a process-wide default set.
std::shared_ptr<RegistryClient> registry_client(const InventoryOptions& options, const std::string& registry);

// Analyzes every layer of a plan where its blob is, then merges: the embedded path of oci:
// layouts and registries.
Result<ImageInventory> inventory_plan(const ImagePlan& plan, const InventoryOptions& options,
                                      const AnalyzerRegistry& registry);
Result<std::vector<ImageInventory>> inventory_plans(const std::vector<ImagePlan>& plans, const InventoryOptions& options,
                                                    const AnalyzerRegistry& registry);

// One inventory per image the reference selects (several only with platform "all").
// Errors name the reference and, for a layer, the layer's digest.
Result<std::vector<ImageInventory>> inventory_image(const ImageReference& ref,
                                                    const InventoryOptions& options,
                                                    const AnalyzerRegistry& registry);

// Per transport; inventory_image dispatches to these.
Result<std::vector<ImageInventory>> inventory_oci_layout(const ImageReference& ref,
                                                         const InventoryOptions& options,
                                                         const AnalyzerRegistry& registry);
Result<std::vector<ImageInventory>> inventory_registry(const ImageReference& ref,
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
