// The image view: layers merged bottom to top. `.wh.NAME` deletes NAME below, `.wh..wh..opq`
// empties its directory below, and a package database in a higher layer replaces the one at the
// same path below. Each package is attributed to the lowest layer from which it is continuously
// present with the same version. Pure.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/distro.h"
#include "common/image/efficiency.h"
#include "common/image/layer_analysis.h"

namespace strata {

struct LayerRef {
  std::string id;  // what packages name as their layer: the diff_id
  const LayerAnalysis* analysis = nullptr;
};

struct ImagePackage {
  Package package;
  std::string layer;
};

// A secret and the layer whose bytes hold it. A later layer deleting the file does not remove it
// from the image's blobs: it is still reported, marked removed_later.
struct ImageSecret {
  SecretFinding secret;
  std::string layer;
  bool removed_later = false;
};

// The file-system facts of the merged image: what is still there after every layer, with the
// layer that put it there; package caches per layer (a later deletion does not shrink a layer).
struct ImageFacts {
  struct File {
    std::string path;
    std::string layer;
    std::uint32_t mode = 0;
    bool above_base = false;  // added by a layer above the first
  };
  std::vector<File> setid;
  std::vector<File> world_writable;
  std::vector<File> root_ssh;
  std::vector<std::string> present;
  struct Cache {
    std::string layer;
    std::string kind;
    std::uint64_t bytes = 0;
  };
  std::vector<Cache> caches;
};

struct ImageView {
  std::vector<ImagePackage> packages;  // sorted by ecosystem, name, arch, version, path
  std::optional<Distro> distro;
  std::vector<ImageSecret> secrets;  // in layer order, then path, line, rule
  ImageFacts facts;
  ImageEfficiency efficiency;
};

ImageView merge_layers(std::span<const LayerRef> layers);

}  // namespace strata
