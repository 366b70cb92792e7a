// From a root manifest or index to the images it holds, and the choice among them by platform:
// the same steps for an OCI layout on disk and for a registry, which differ only in how a
// manifest or config is fetched (each fetch verifies the bytes against their digest).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/image/manifest.h"
#include "common/image/reference.h"
#include "worker/api/image_inventory.h"

namespace strata::worker {

struct ImageCandidate {
  Descriptor descriptor;  // the image manifest's
  ImageManifest manifest;
  ImageConfig config;
  Platform platform;
};

// Returns a manifest's (`is_manifest`) or a config's bytes, verified against `digest`.
using FetchVerified = std::function<Result<std::vector<std::byte>>(const BlobDigest& digest, bool is_manifest)>;

// Follows `root` (whose verified bytes are `bytes`) through nested indexes down to image
// manifests, fetching children and configs; attestations and platform-less entries are skipped.
Result<void> expand_manifest(const Descriptor& root, const std::vector<std::byte>& bytes, const FetchVerified& fetch,
                             std::vector<ImageCandidate>& out, int depth = 0);

// The candidates `platform` selects ("all", OS/ARCH[/VARIANT], or empty: linux/amd64, or the only
// image there is), or an error listing what is available.
Result<std::vector<const ImageCandidate*>> choose_platforms(const std::vector<ImageCandidate>& candidates,
                                                            const std::string& platform);

// The plan of one candidate: inventory header and layer list from its manifest and config, and
// where each layer's blob is (`locate`; not called for foreign layers).
Result<ImagePlan> plan_candidate(const ImageReference& ref, const ImageCandidate& c,
                                 const std::function<BlobLocation(const Descriptor&)>& locate);

}  // namespace strata::worker
