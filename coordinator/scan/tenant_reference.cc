#include "coordinator/scan/tenant_reference.h"

#include <filesystem>

namespace strata::coordinator {
namespace {

namespace fs = std::filesystem;

// True when `path`, made absolute and free of `.`/`..` and of symbolic links (as far as it
// exists), lies in `root` (resolved the same way).
bool within(const fs::path& path, const std::string& root) {
  std::error_code ec;
  const fs::path resolved = fs::weakly_canonical(path, ec);
  if (ec) return false;
  const fs::path base = fs::weakly_canonical(fs::path(root), ec);
  if (ec) return false;
  const auto [b, p] = std::mismatch(base.begin(), base.end(), resolved.begin(), resolved.end());
  return b == base.end();
}

}  // namespace

Result<ImageReference> parse_tenant_reference(const std::string& text, const std::vector<std::string>& oci_roots) {
  // Parsed as if no path existed: the answer is the same whatever the coordinator's disk holds.
  auto ref = ImageReference::parse(text, [](const std::string&) { return false; });
  if (!ref) return std::unexpected(ref.error());
  if (ref->transport == Transport::kRegistry) return ref;
  if (ref->transport != Transport::kOciLayout) {
    return fail(ErrorCode::kInvalidInput, text + ": the cluster reads images from registries (and oci: layouts where its "
                                                 "operator allows them); scan this image with `strata image`");
  }
  if (oci_roots.empty()) {
    return fail(ErrorCode::kInvalidInput, text + ": oci: layouts are not accepted by this server; name the image in a "
                                                 "registry");
  }
  const fs::path path(ref->path);
  bool allowed = path.is_absolute();
  if (allowed) {
    allowed = false;
    for (const auto& root : oci_roots) allowed = allowed || within(path, root);
  }
  if (!allowed) {
    return fail(ErrorCode::kInvalidInput,
                text + ": oci: layouts are accepted only as absolute paths under the directories this server's "
                       "operator allows");
  }
  return ref;
}

}  // namespace strata::coordinator
