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

// The layer each build step made (its diff_id), or "" for steps that made none, or for every
// step when the history and the layers do not agree in number: the n-th step that made a layer
// made the n-th layer.
inline std::vector<std::string> history_layers(const ImageInventory& inv) {
  std::vector<std::string> out(inv.history.size());
  std::size_t with_layers = 0;
  for (const auto& h : inv.history) with_layers += h.empty_layer ? 0 : 1;
  if (with_layers != inv.layers.size()) return out;
  std::size_t made = 0;
  for (std::size_t i = 0; i < inv.history.size(); ++i) {
    if (!inv.history[i].empty_layer) out[i] = inv.layers[made++].diff_id;
  }
  return out;
}

}  // namespace strata
