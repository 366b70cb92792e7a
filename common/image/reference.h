// Image references on disk: `oci:DIR[:TAG]`, `oci:DIR@sha256:…`, `docker-archive:FILE`,
// `rootfs:DIR`. Registry references arrive with the registry client.
#pragma once

#include <optional>
#include <string>

#include "common/digest.h"
#include "common/error.h"

namespace strata {

enum class Transport { kOciLayout, kDockerArchive, kRootfs };

struct ImageReference {
  Transport transport = Transport::kOciLayout;
  std::string path;
  std::string tag;               // oci: only
  std::optional<Digest> digest;  // oci: only
  std::string text;              // as the user wrote it, for messages and reports

  // `path_exists` tells whether a path is on disk: "oci:dir:tag" is split at the last ':' only
  // when the whole of "dir:tag" is not itself a directory.
  static Result<ImageReference> parse(std::string_view text,
                                      bool (*path_exists)(const std::string&));
};

}  // namespace strata
