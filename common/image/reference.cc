#include "common/image/reference.h"

namespace strata {

Result<ImageReference> ImageReference::parse(std::string_view text,
                                             bool (*path_exists)(const std::string&)) {
  ImageReference ref;
  ref.text = std::string(text);
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) {
    return fail(ErrorCode::kInvalidInput,
                "'" + ref.text + "' names no transport; use oci:DIR[:TAG], oci:DIR@sha256:…, "
                "docker-archive:FILE or rootfs:DIR");
  }
  const std::string_view transport = text.substr(0, colon);
  std::string rest(text.substr(colon + 1));
  if (rest.empty()) return fail(ErrorCode::kInvalidInput, "'" + ref.text + "' names no path");
  if (transport == "docker-archive") {
    ref.transport = Transport::kDockerArchive;
    ref.path = rest;
  } else if (transport == "rootfs") {
    ref.transport = Transport::kRootfs;
    ref.path = rest;
  } else if (transport == "oci") {
    ref.transport = Transport::kOciLayout;
    ref.path = rest;
    if (const auto at = rest.find("@sha256:"); at != std::string::npos) {
      auto digest = Digest::parse(rest.substr(at + 1));
      if (!digest) return std::unexpected(digest.error().with_context(ref.text));
      ref.digest = *digest;
      ref.path = rest.substr(0, at);
    } else if (const auto last = rest.rfind(':');
               last != std::string::npos && rest.find('/', last) == std::string::npos &&
               !path_exists(rest)) {
      ref.path = rest.substr(0, last);
      ref.tag = rest.substr(last + 1);
    }
  } else {
    return fail(ErrorCode::kInvalidInput,
                "'" + ref.text + "' uses unknown transport '" + std::string(transport) +
                    "'; known: oci, docker-archive, rootfs");
  }
  return ref;
}

}  // namespace strata
