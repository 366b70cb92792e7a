// Layer media types of the OCI image spec and Docker's v2 schema, and what each says about the
// blob's compression. A media type can lie (gzip bytes labelled tar), so the stream also checks
// magic bytes; see worker/stream/.
#pragma once

#include <string_view>

namespace strata {

enum class Compression { kNone, kGzip, kZstd };

std::string_view to_string(Compression compression);

struct LayerMediaType {
  bool supported = false;   // a layer tar strata reads
  bool foreign = false;     // non-distributable: reported, never fetched
  Compression compression = Compression::kNone;  // what the label claims
};

LayerMediaType classify_layer_media_type(std::string_view media_type);

inline constexpr std::string_view kOciIndexMediaType = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view kOciManifestMediaType =
    "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view kDockerManifestListMediaType =
    "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr std::string_view kDockerManifestMediaType =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view kDockerSchema1MediaType =
    "application/vnd.docker.distribution.manifest.v1+json";

}  // namespace strata
