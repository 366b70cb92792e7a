// OCI image layouts (image-spec image-layout.md): `oci-layout`, `index.json`, and content-
// addressed blobs under blobs/sha256/. Every document read is checked against its digest.
#include <filesystem>
#include <functional>

#include "common/image/manifest.h"
#include "common/image/media_type.h"
#include "worker/image/blob_file.h"
#include "worker/image/image_inventory.h"
#include "worker/layer/analyze_layer.h"

namespace strata::worker {
namespace {

constexpr int kMaxIndexDepth = 4;

struct Candidate {
  Descriptor descriptor;
  ImageManifest manifest;
  ImageConfig config;
  Platform platform;
};

class OciLayout {
 public:
  OciLayout(std::string dir, const InventoryOptions& options)
      : dir_(std::move(dir)), options_(options) {}

  std::string blob_path(const BlobDigest& digest) const {
    return dir_ + "/blobs/sha256/" + digest.value.hex();
  }

  // Reads a small blob and checks that it hashes to the digest that names it.
  Result<std::vector<std::byte>> read_verified(const BlobDigest& digest) const {
    auto bytes = read_small_file(blob_path(digest), options_.max_manifest_bytes);
    if (!bytes) return std::unexpected(bytes.error());
    const Digest actual = Sha256::of(*bytes);
    if (actual != digest.value) {
      return fail(ErrorCode::kDigestMismatch, "blob " + digest.to_string() + " hashes to " +
                                                  actual.to_string());
    }
    return bytes;
  }

  // Follows indexes down to image manifests.
  Result<void> expand(const Descriptor& d, int depth, std::vector<Candidate>& out) const {
    if (depth > kMaxIndexDepth) {
      return fail(ErrorCode::kCorrupt, "image indexes nest deeper than " +
                                           std::to_string(kMaxIndexDepth) + " levels");
    }
    auto bytes = read_verified(d.digest);
    if (!bytes) return std::unexpected(bytes.error());
    auto kind = classify_manifest(*bytes, d.media_type);
    if (!kind) return std::unexpected(kind.error().with_context(d.digest.to_string()));
    if (*kind == ManifestKind::kIndex) {
      auto index = parse_index(*bytes);
      if (!index) return std::unexpected(index.error().with_context(d.digest.to_string()));
      for (const auto& child : index->manifests) {
        if (auto r = expand(child, depth + 1, out); !r) return r;
      }
      return {};
    }
    // Attestations and signatures ride in indexes as manifests without a runnable platform.
    if (const auto it = d.annotations.find("vnd.docker.reference.type");
        it != d.annotations.end() && it->second == "attestation-manifest") {
      return {};
    }
    auto manifest = parse_manifest(*bytes);
    if (!manifest) return std::unexpected(manifest.error().with_context(d.digest.to_string()));
    auto config_bytes = read_verified(manifest->config.digest);
    if (!config_bytes) return std::unexpected(config_bytes.error());
    auto config = parse_config(*config_bytes);
    if (!config) {
      return std::unexpected(config.error().with_context(manifest->config.digest.to_string()));
    }
    Candidate c{d, std::move(*manifest), std::move(*config), {}};
    c.platform = d.platform.value_or(Platform{c.config.os, c.config.architecture, c.config.variant});
    if (c.platform.os == "unknown") return {};
    out.push_back(std::move(c));
    return {};
  }

 private:
  std::string dir_;
  const InventoryOptions& options_;
};

// The image as the layout describes it: everything but the layers' contents.
Result<ImagePlan> plan_candidate(const ImageReference& ref, const OciLayout& layout, const Candidate& c) {
  ImagePlan plan;
  ImageInventory& inv = plan.inventory;
  inv.ref = ref.text;
  inv.digest = c.descriptor.digest.to_string();
  inv.config_digest = c.manifest.config.digest.to_string();
  inv.os = c.config.os;
  inv.arch = c.config.architecture;
  inv.runtime = c.config.runtime;
  // A layout on disk is fixed by its directory: only an explicit `latest` says "whatever is
  // newest" (registry references, where a missing tag means latest, come with issue 7).
  if (!ref.tag.empty()) inv.ref_tag = ref.tag;
  inv.ref_pinned = ref.digest.has_value();
  inv.history = c.config.history;
  if (!c.config.variant.empty()) inv.arch += "/" + c.config.variant;
  if (c.config.diff_ids.size() != c.manifest.layers.size()) {
    return fail(ErrorCode::kCorrupt, "image config lists " +
                                         std::to_string(c.config.diff_ids.size()) +
                                         " diff_ids but the manifest has " +
                                         std::to_string(c.manifest.layers.size()) + " layers");
  }
  for (std::size_t i = 0; i < c.manifest.layers.size(); ++i) {
    const Descriptor& d = c.manifest.layers[i];
    const std::string name = "layer " + d.digest.to_string();
    const LayerMediaType type = classify_layer_media_type(d.media_type);
    if (!type.supported) {
      return fail(ErrorCode::kUnsupported,
                  name + ": media type '" + d.media_type + "' is not a layer strata reads");
    }
    inv.layers.push_back(LayerInfo{d.digest.to_string(), c.config.diff_ids[i].to_string(),
                                   static_cast<std::uint64_t>(d.size), d.media_type, type.foreign});
    if (type.foreign) {
      inv.warnings.push_back(name + ": non-distributable layer, not fetched or analyzed");
      plan.blob_paths.emplace_back();
    } else {
      plan.blob_paths.push_back(layout.blob_path(d.digest));
    }
  }
  return plan;
}

Result<ImageInventory> inventory_candidate(const ImagePlan& plan, const InventoryOptions& options,
                                           const AnalyzerRegistry& registry) {
  ImageInventory inv = plan.inventory;
  std::vector<AnalyzedLayer> analyzed;
  analyzed.reserve(inv.layers.size());
  for (std::size_t i = 0; i < inv.layers.size(); ++i) {
    const LayerInfo& info = inv.layers[i];
    if (info.foreign) continue;
    const std::string name = "layer " + info.digest;
    auto file = FileSource::open(plan.blob_paths[i]);
    if (!file) return std::unexpected(file.error().with_context(name));
    std::optional<CountingSource> counted;
    ByteSource* source = &*file;
    if (options.progress != nullptr) {
      options.progress->layer_started(i, inv.layers.size(), info.digest, info.size);
      source = &counted.emplace(*file, *options.progress);
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

}  // namespace

Result<std::vector<ImagePlan>> plan_oci_layout(const ImageReference& ref, const InventoryOptions& options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(ref.path, ec)) return fail(ErrorCode::kNotFound, ref.path + ": no such directory");
  if (!fs::is_directory(ref.path, ec)) {
    return fail(ErrorCode::kInvalidInput, ref.path + " is not a directory");
  }
  if (!fs::exists(ref.path + "/oci-layout", ec)) {
    return fail(ErrorCode::kInvalidInput,
                ref.path + " is not an OCI image layout (it has no oci-layout file)");
  }
  auto index_bytes = read_small_file(ref.path + "/index.json", options.max_manifest_bytes);
  if (!index_bytes) return std::unexpected(index_bytes.error());
  auto index = parse_index(*index_bytes);
  if (!index) return std::unexpected(index.error().with_context("index.json"));

  OciLayout layout(ref.path, options);
  std::vector<Descriptor> roots;
  if (ref.digest) {
    for (const auto& d : index->manifests) {
      if (d.digest.value == *ref.digest) roots.push_back(d);
    }
    if (roots.empty()) {
      // Any manifest in the layout may be named, not only those index.json lists.
      if (!fs::exists(layout.blob_path(BlobDigest{*ref.digest}), ec)) {
        return fail(ErrorCode::kNotFound, "no manifest " + ref.digest->to_string() + " in " + ref.path);
      }
      roots.push_back(Descriptor{"", BlobDigest{*ref.digest}, 0, std::nullopt, {}, {}});
    }
  } else if (!ref.tag.empty()) {
    std::string tags;
    for (const auto& d : index->manifests) {
      const auto it = d.annotations.find("org.opencontainers.image.ref.name");
      if (it == d.annotations.end()) continue;
      if (it->second == ref.tag) roots.push_back(d);
      tags += (tags.empty() ? "" : ", ") + it->second;
    }
    if (roots.empty()) {
      return fail(ErrorCode::kNotFound, "tag '" + ref.tag + "' is not in " + ref.path +
                                            (tags.empty() ? " (it names no tags)" : "; tags: " + tags));
    }
  } else {
    roots = index->manifests;
  }
  if (roots.empty()) return fail(ErrorCode::kNotFound, ref.path + "/index.json lists no manifests");

  std::vector<Candidate> candidates;
  for (const auto& d : roots) {
    if (auto r = layout.expand(d, 0, candidates); !r) return std::unexpected(r.error());
  }
  if (candidates.empty()) return fail(ErrorCode::kNotFound, "no runnable image in " + ref.path);

  std::vector<const Candidate*> chosen;
  if (options.platform == "all") {
    for (const auto& c : candidates) chosen.push_back(&c);
  } else if (candidates.size() == 1 && options.platform.empty()) {
    chosen.push_back(&candidates.front());  // a single image, whatever its platform
  } else {
    const std::string platform = options.platform.empty() ? "linux/amd64" : options.platform;
    auto wanted = Platform::parse(platform);
    if (!wanted) return std::unexpected(wanted.error());
    for (const auto& c : candidates) {
      if (c.platform.satisfies(*wanted)) {
        chosen.push_back(&c);
        break;
      }
    }
    if (chosen.empty()) {
      std::string available;
      for (const auto& c : candidates) {
        available += (available.empty() ? "" : ", ") + c.platform.to_string();
      }
      return fail(ErrorCode::kNotFound, "no image for platform " + platform +
                                            "; available: " + available +
                                            " (choose with --platform, or --platform all)");
    }
  }
  std::vector<ImagePlan> out;
  for (const Candidate* c : chosen) {
    auto plan = plan_candidate(ref, layout, *c);
    if (!plan) return std::unexpected(plan.error());
    out.push_back(std::move(*plan));
  }
  return out;
}

Result<std::vector<ImageInventory>> inventory_oci_layout(const ImageReference& ref,
                                                         const InventoryOptions& options,
                                                         const AnalyzerRegistry& registry) {
  auto plans = plan_oci_layout(ref, options);
  if (!plans) return std::unexpected(plans.error());
  std::vector<ImageInventory> out;
  for (const ImagePlan& plan : *plans) {
    auto inv = inventory_candidate(plan, options, registry);
    if (!inv) return std::unexpected(inv.error());
    out.push_back(std::move(*inv));
  }
  return out;
}

}  // namespace strata::worker
