// A fleet of OCI images that share base layers the way real fleets do: a few distro bases
// (Debian with a dpkg database, Alpine with an apk database), middle layers that add packages on
// top of a base, and one application layer per image. Deterministic for a seed, so a test knows
// how many distinct layers it holds. All images go into one OCI layout (shared blobs stored once),
// tagged img-000, img-001, …
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace strata::loadtest {

struct FleetSpec {
  int images = 20;
  int middles = 3;                  // middle layers, spread over the bases
  std::uint64_t app_bytes = 64 << 10;  // size of each image's application file (incompressible)
  std::uint64_t seed = 1;
};

struct Fleet {
  std::vector<std::string> refs;     // "oci:DIR:img-000", …
  std::vector<std::string> digests;  // the manifests' digests, in the same order
  std::size_t unique_layers = 0;
  std::size_t layer_references = 0;  // layers summed over images
};

Fleet write_fleet(const std::string& dir, const FleetSpec& spec);

}  // namespace strata::loadtest
