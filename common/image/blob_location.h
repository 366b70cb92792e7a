// Where a layer's blob is, as the coordinator tells a worker: shared by image planning and the
// job wire format.
#pragma once

#include <string>

namespace strata {

// Where a layer's blob is: a file on this machine (or storage shared with the workers), or a
// registry's repository (the blob's digest is the layer's).
struct BlobLocation {
  std::string file;
  std::string registry;    // the API host[:port]
  std::string repository;
  bool empty() const { return file.empty() && registry.empty(); }
};

}  // namespace strata
