// The inventory of one image: what `strata inventory` prints and what inline scanning sends.
// Plain values.
#pragma once

#include <cstdint>
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

struct ImageInventory {
  std::string ref;
  std::string digest;         // the manifest's digest, when there is a manifest
  std::string config_digest;
  std::string os;
  std::string arch;
  std::vector<LayerInfo> layers;
  RuntimeConfig runtime;              // from the image config; empty for rootfs
  std::vector<HistoryEntry> history;  // the build steps, oldest first
  ImageView view;
  std::vector<std::string> warnings;
};

}  // namespace strata
