// Images in a registry: the manifest asked for by tag or digest (verified), an index followed
// down to the platform's image, its config read and verified, and each layer located as a blob
// of the repository, streamed only when analyzed.
#include "worker/api/image_inventory.h"
#include "worker/image/manifest_resolve.h"
#include "worker/api/registry_client.h"

namespace strata::worker {

std::shared_ptr<RegistryClient> registry_client(const InventoryOptions& options, const std::string& registry) {
  // Without a run's own clients, one default set for the process: tokens still get reused.
  static const auto defaults = std::make_shared<RegistryClients>(RegistryOptions{});
  auto& clients = options.registries ? *options.registries : *defaults;
  return clients.get(registry);
}

Result<std::vector<ImagePlan>> plan_registry(const ImageReference& ref, const InventoryOptions& options) {
  auto client = registry_client(options, ref.registry);
  const std::string reference = ref.digest ? ref.digest->to_string() : ref.tag;
  auto root = client->manifest(ref.repository, reference, ref.digest);
  if (!root) return std::unexpected(root.error());
  const FetchVerified fetch = [&](const BlobDigest& digest, bool is_manifest) -> Result<std::vector<std::byte>> {
    if (!is_manifest) return client->blob_bytes(ref.repository, digest.value, options.max_manifest_bytes);
    auto manifest = client->manifest(ref.repository, digest.to_string(), digest.value);
    if (!manifest) return std::unexpected(manifest.error());
    return std::move(manifest->bytes);
  };
  const Descriptor root_descriptor{root->media_type, BlobDigest{root->digest}, static_cast<std::int64_t>(root->bytes.size()),
                                   std::nullopt, {}, {}};
  std::vector<ImageCandidate> candidates;
  if (auto r = expand_manifest(root_descriptor, root->bytes, fetch, candidates); !r) {
    return std::unexpected(r.error().with_context(ref.registry + "/" + ref.repository));
  }
  if (candidates.empty()) return fail(ErrorCode::kNotFound, "no runnable image in " + ref.text);
  auto chosen = choose_platforms(candidates, options.platform);
  if (!chosen) return std::unexpected(chosen.error());
  std::vector<ImagePlan> out;
  for (const ImageCandidate* c : *chosen) {
    auto plan = plan_candidate(ref, *c, [&](const Descriptor&) { return BlobLocation{"", ref.registry, ref.repository}; });
    if (!plan) return std::unexpected(plan.error());
    out.push_back(std::move(*plan));
  }
  return out;
}

Result<std::vector<ImageInventory>> inventory_registry(const ImageReference& ref, const InventoryOptions& options,
                                                       const AnalyzerRegistry& registry) {
  auto plans = plan_registry(ref, options);
  if (!plans) return std::unexpected(plans.error());
  return inventory_plans(*plans, options, registry);
}

}  // namespace strata::worker
