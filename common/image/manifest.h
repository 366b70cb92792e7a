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

// How a container from the image runs (the config's "config" object): what the image-level
// checks read. Fields of the wrong type are left empty, never an error.
struct RuntimeConfig {
  std::string user;
  std::vector<std::string> env;         // "KEY=value"
  std::vector<std::string> entrypoint;
  std::vector<std::string> cmd;
  std::map<std::string, std::string> labels;
  std::vector<std::string> exposed_ports;  // "22/tcp"
  std::vector<std::string> healthcheck;    // Test; empty: none set; ["NONE"]: disabled
  std::string working_dir;
  bool operator==(const RuntimeConfig&) const = default;
};

// One build step: the Dockerfile line that made it, and whether it made a layer.
struct HistoryEntry {
  std::string created_by;
  bool empty_layer = false;
  bool operator==(const HistoryEntry&) const = default;
};

struct ImageConfig {
  std::string os;
  std::string architecture;
  std::string variant;
  std::vector<DiffId> diff_ids;
  RuntimeConfig runtime{};
  std::vector<HistoryEntry> history{};
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
