// OCI image index, image manifest and image config documents (and their Docker v2 twins), parsed
// from bytes into values. https://github.com/opencontainers/image-spec (index.md, manifest.md,
// config.md, descriptor.md). Pure: no I/O.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/digest.h"
#include "common/error.h"

namespace strata {

struct Platform {
  std::string os;
  std::string architecture;
  std::string variant;

  // "linux/amd64", "linux/arm64/v8". An empty variant in a wanted platform matches any.
  static Result<Platform> parse(std::string_view text);
  std::string to_string() const;
  bool satisfies(const Platform& wanted) const;
  bool operator==(const Platform&) const = default;
};

struct Descriptor {
  std::string media_type;
  BlobDigest digest;
  std::int64_t size = 0;
  std::optional<Platform> platform;
  std::map<std::string, std::string> annotations;
  std::vector<std::string> urls;
};

struct ImageIndex {
  std::vector<Descriptor> manifests;
};

struct ImageManifest {
  Descriptor config;
  std::vector<Descriptor> layers;
};

struct ImageConfig {
  std::string os;
  std::string architecture;
  std::string variant;
  std::vector<DiffId> diff_ids;
};

enum class ManifestKind { kIndex, kManifest };

// Tells an index from a manifest by its mediaType (or the descriptor's, when the document omits
// it, as OCI allows) and, failing both, by its shape. Docker schema 1 is kUnsupported.
Result<ManifestKind> classify_manifest(std::span<const std::byte> bytes,
                                       std::string_view descriptor_media_type);

Result<ImageIndex> parse_index(std::span<const std::byte> bytes);
Result<ImageManifest> parse_manifest(std::span<const std::byte> bytes);
Result<ImageConfig> parse_config(std::span<const std::byte> bytes);

}  // namespace strata
