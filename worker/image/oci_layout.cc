// OCI image layouts (image-spec image-layout.md): `oci-layout`, `index.json`, and content-
// addressed blobs under blobs/sha256/. Every document read is checked against its digest.
#include <filesystem>

#include "worker/image/blob_file.h"
#include "worker/api/image_inventory.h"
#include "worker/image/manifest_resolve.h"

namespace strata::worker {
namespace {

std::string blob_path(const std::string& dir, const BlobDigest& digest) {
  return dir + "/blobs/sha256/" + digest.value.hex();
}

// Reads a small blob and checks that it hashes to the digest that names it.
Result<std::vector<std::byte>> read_verified(const std::string& dir, const BlobDigest& digest,
                                             std::uint64_t max_bytes) {
  auto bytes = read_small_file(blob_path(dir, digest), max_bytes);
  if (!bytes) return std::unexpected(bytes.error());
  const Digest actual = Sha256::of(*bytes);
  if (actual != digest.value) {
    return fail(ErrorCode::kDigestMismatch, "blob " + digest.to_string() + " hashes to " + actual.to_string());
  }
  return bytes;
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

  std::vector<Descriptor> roots;
  if (ref.digest) {
    for (const auto& d : index->manifests) {
      if (d.digest.value == *ref.digest) roots.push_back(d);
    }
    if (roots.empty()) {
      // Any manifest in the layout may be named, not only those index.json lists.
      if (!fs::exists(blob_path(ref.path, BlobDigest{*ref.digest}), ec)) {
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

  const FetchVerified fetch = [&](const BlobDigest& digest, bool /*is_manifest*/) {
    return read_verified(ref.path, digest, options.max_manifest_bytes);
  };
  std::vector<ImageCandidate> candidates;
  for (const auto& d : roots) {
    auto bytes = fetch(d.digest, true);
    if (!bytes) return std::unexpected(bytes.error());
    if (auto r = expand_manifest(d, *bytes, fetch, candidates); !r) return std::unexpected(r.error());
  }
  if (candidates.empty()) return fail(ErrorCode::kNotFound, "no runnable image in " + ref.path);
  auto chosen = choose_platforms(candidates, options.platform);
  if (!chosen) return std::unexpected(chosen.error());
  std::vector<ImagePlan> out;
  for (const ImageCandidate* c : *chosen) {
    auto plan = plan_candidate(ref, *c, [&](const Descriptor& d) { return BlobLocation{blob_path(ref.path, d.digest), "", ""}; });
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
  return inventory_plans(*plans, options, registry);
}

}  // namespace strata::worker
