// Writes layers and images from a description, in memory and on disk (OCI layouts, docker
// archives), with libarchive's writer, zlib and zstd: the load test's fleets, and every fixture
// of the tests, so that no image a test reads is opaque.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/image/media_type.h"

namespace strata::image_writer {

struct TarEntry {
  enum class Kind { kFile, kDir, kSymlink, kHardlink };
  std::string path;
  std::string content;  // file bytes, or the link target
  Kind kind = Kind::kFile;
  unsigned mode = 0644;
};

std::string make_tar(const std::vector<TarEntry>& entries);
std::string compress(const std::string& bytes, Compression compression, int level = 1);
std::string sha256_digest(const std::string& bytes);  // "sha256:…"

struct LayerBlob {
  std::string blob;        // as stored (compressed or not)
  std::string diff_id;     // sha256 of the uncompressed tar
  std::string media_type;
};

LayerBlob make_layer(const std::vector<TarEntry>& entries,
                     Compression compression = Compression::kGzip);

struct ImageSpec {
  std::vector<LayerBlob> layers;
  std::string os = "linux";
  std::string arch = "amd64";
  std::string variant;
  std::string tag;             // org.opencontainers.image.ref.name, when not empty
  bool config_diff_ids_override = false;
  std::vector<std::string> diff_ids;  // used instead of the layers' when overridden
  std::string runtime_json;  // the config's "config" object (User, Env, Cmd, …), when not empty
  std::string history_json;  // the config's "history" array, when not empty
};

// Writes an OCI image layout holding `images`; with `as_index`, index.json points at one nested
// image index that holds them with their platforms (what a multi-platform build writes).
// Returns the manifest digests.
std::vector<std::string> write_oci_layout(const std::string& dir, const std::vector<ImageSpec>& images,
                                          bool as_index = false);

// Writes a `docker save` archive: legacy `<id>/layer.tar` entries, or the OCI blobs layout.
void write_docker_archive(const std::string& file, const ImageSpec& image, bool oci_blobs,
                          bool gzip_whole_archive = false);


}  // namespace strata::image_writer
