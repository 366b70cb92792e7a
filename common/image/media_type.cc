#include "common/image/media_type.h"

#include <array>

namespace strata {

std::string_view to_string(Compression compression) {
  switch (compression) {
    case Compression::kNone: return "none";
    case Compression::kGzip: return "gzip";
    case Compression::kZstd: return "zstd";
  }
  return "unknown";
}

LayerMediaType classify_layer_media_type(std::string_view media_type) {
  struct Known {
    std::string_view name;
    LayerMediaType type;
  };
  static constexpr std::array<Known, 12> kKnown = {{
      {"application/vnd.oci.image.layer.v1.tar", {true, false, Compression::kNone}},
      {"application/vnd.oci.image.layer.v1.tar+gzip", {true, false, Compression::kGzip}},
      {"application/vnd.oci.image.layer.v1.tar+zstd", {true, false, Compression::kZstd}},
      {"application/vnd.oci.image.layer.nondistributable.v1.tar",
       {true, true, Compression::kNone}},
      {"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
       {true, true, Compression::kGzip}},
      {"application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
       {true, true, Compression::kZstd}},
      {"application/vnd.docker.image.rootfs.diff.tar", {true, false, Compression::kNone}},
      {"application/vnd.docker.image.rootfs.diff.tar.gzip", {true, false, Compression::kGzip}},
      // Not in Docker's spec, but BuildKit writes it for zstd layers.
      {"application/vnd.docker.image.rootfs.diff.tar.zstd", {true, false, Compression::kZstd}},
      {"application/vnd.docker.image.rootfs.foreign.diff.tar", {true, true, Compression::kNone}},
      {"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
       {true, true, Compression::kGzip}},
      // Docker archives name no media type; the stream's magic bytes decide.
      {"", {true, false, Compression::kNone}},
  }};
  for (const auto& known : kKnown) {
    if (known.name == media_type) return known.type;
  }
  return {};
}

}  // namespace strata
