#include "worker/image/manifest_resolve.h"

#include "common/image/media_type.h"

namespace strata::worker {
namespace {

constexpr int kMaxIndexDepth = 4;

}  // namespace

Result<void> expand_manifest(const Descriptor& d, const std::vector<std::byte>& bytes, const FetchVerified& fetch,
                             std::vector<ImageCandidate>& out, int depth) {
  if (depth > kMaxIndexDepth) {
    return fail(ErrorCode::kCorrupt, "image indexes nest deeper than " + std::to_string(kMaxIndexDepth) + " levels");
  }
  auto kind = classify_manifest(bytes, d.media_type);
  if (!kind) return std::unexpected(kind.error().with_context(d.digest.to_string()));
  if (*kind == ManifestKind::kIndex) {
    auto index = parse_index(bytes);
    if (!index) return std::unexpected(index.error().with_context(d.digest.to_string()));
    for (const auto& child : index->manifests) {
      auto child_bytes = fetch(child.digest, true);
      if (!child_bytes) return std::unexpected(child_bytes.error());
      if (auto r = expand_manifest(child, *child_bytes, fetch, out, depth + 1); !r) return r;
    }
    return {};
  }
  // Attestations and signatures ride in indexes as manifests without a runnable platform.
  if (const auto it = d.annotations.find("vnd.docker.reference.type");
      it != d.annotations.end() && it->second == "attestation-manifest") {
    return {};
  }
  auto manifest = parse_manifest(bytes);
  if (!manifest) return std::unexpected(manifest.error().with_context(d.digest.to_string()));
  auto config_bytes = fetch(manifest->config.digest, false);
  if (!config_bytes) return std::unexpected(config_bytes.error());
  auto config = parse_config(*config_bytes);
  if (!config) return std::unexpected(config.error().with_context(manifest->config.digest.to_string()));
  ImageCandidate c{d, std::move(*manifest), std::move(*config), {}};
  c.platform = d.platform.value_or(Platform{c.config.os, c.config.architecture, c.config.variant});
  if (c.platform.os == "unknown") return {};
  out.push_back(std::move(c));
  return {};
}

Result<std::vector<const ImageCandidate*>> choose_platforms(const std::vector<ImageCandidate>& candidates,
                                                            const std::string& platform) {
  std::vector<const ImageCandidate*> chosen;
  if (platform == "all") {
    for (const auto& c : candidates) chosen.push_back(&c);
    return chosen;
  }
  if (candidates.size() == 1 && platform.empty()) {
    chosen.push_back(&candidates.front());  // a single image, whatever its platform
    return chosen;
  }
  const std::string wanted_text = platform.empty() ? "linux/amd64" : platform;
  auto wanted = Platform::parse(wanted_text);
  if (!wanted) return std::unexpected(wanted.error());
  for (const auto& c : candidates) {
    if (c.platform.satisfies(*wanted)) {
      chosen.push_back(&c);
      return chosen;
    }
  }
  std::string available;
  for (const auto& c : candidates) available += (available.empty() ? "" : ", ") + c.platform.to_string();
  return fail(ErrorCode::kNotFound, "no image for platform " + wanted_text + "; available: " + available +
                                        " (choose with --platform, or --platform all)");
}

Result<ImagePlan> plan_candidate(const ImageReference& ref, const ImageCandidate& c,
                                 const std::function<BlobLocation(const Descriptor&)>& locate) {
  ImagePlan plan;
  ImageInventory& inv = plan.inventory;
  inv.ref = ref.text;
  inv.digest = c.descriptor.digest.to_string();
  inv.config_digest = c.manifest.config.digest.to_string();
  inv.os = c.config.os;
  inv.arch = c.config.architecture;
  inv.runtime = c.config.runtime;
  // A layout on disk is fixed by its directory: only an explicit `latest` says "whatever is
  // newest". A registry reference without a tag means latest.
  if (!ref.tag.empty()) inv.ref_tag = ref.tag;
  inv.ref_pinned = ref.digest.has_value();
  inv.history = c.config.history;
  if (!c.config.variant.empty()) inv.arch += "/" + c.config.variant;
  if (c.config.diff_ids.size() != c.manifest.layers.size()) {
    return fail(ErrorCode::kCorrupt, "image config lists " + std::to_string(c.config.diff_ids.size()) +
                                         " diff_ids but the manifest has " + std::to_string(c.manifest.layers.size()) +
                                         " layers");
  }
  for (std::size_t i = 0; i < c.manifest.layers.size(); ++i) {
    const Descriptor& d = c.manifest.layers[i];
    const std::string name = "layer " + d.digest.to_string();
    const LayerMediaType type = classify_layer_media_type(d.media_type);
    if (!type.supported) {
      return fail(ErrorCode::kUnsupported, name + ": media type '" + d.media_type + "' is not a layer strata reads");
    }
    inv.layers.push_back(LayerInfo{d.digest.to_string(), c.config.diff_ids[i].to_string(),
                                   static_cast<std::uint64_t>(d.size), d.media_type, type.foreign});
    if (type.foreign) {
      inv.warnings.push_back(name + ": non-distributable layer, not fetched or analyzed");
      plan.blobs.emplace_back();
    } else {
      plan.blobs.push_back(locate(d));
    }
  }
  return plan;
}

}  // namespace strata::worker
