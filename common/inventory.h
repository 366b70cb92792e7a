// The inventory of one image: what `strata inventory` prints and what inline scanning sends.
// Plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/image/layer_merge.h"
#include "common/image/manifest.h"

namespace strata {

struct LayerInfo {
  std::string digest;   // "sha256:…"; empty for a rootfs pseudo-layer
  std::string diff_id;  // empty for a rootfs pseudo-layer
  std::uint64_t size = 0;
  std::string media_type;
  bool foreign = false;  // non-distributable: listed, not fetched
};

// One configuration finding (common/image/misconfig.h makes them).
struct Misconfiguration {
  std::string id;        // stable: "STRATA-CFG-…" from the config, "STRATA-FS-…" from files
  std::string title;
  std::string severity;  // CRITICAL, HIGH, MEDIUM, LOW
  std::string fix;       // one line
  std::vector<std::string> evidence;  // what was seen: a port, a path, a build step
  std::string layer;     // the layer responsible, when one is
};

struct ImageInventory {
  std::string ref;
  std::string digest;         // the manifest's digest, when there is a manifest
  std::string config_digest;
  std::string os;
  std::string arch;
  std::vector<LayerInfo> layers;
  // The reference's tag as scanned, for references that have tags (nullopt for rootfs: and
  // docker-archive:), and whether a digest pins it.
  std::optional<std::string> ref_tag;
  bool ref_pinned = false;
  RuntimeConfig runtime;              // from the image config; empty for rootfs
  std::vector<HistoryEntry> history;  // the build steps, oldest first
  ImageView view;
  std::vector<Misconfiguration> misconfigurations;
  std::vector<std::string> warnings;
};

}  // namespace strata
