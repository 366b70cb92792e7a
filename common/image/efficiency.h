// How much of an image's bytes a container can still see, in the spirit of `dive`: every version
// of a file that a later layer overwrote or deleted, or that its own layer wrote twice, is still
// pulled and stored with the image but serves no one. Measured from the layers' entry listings
// (FileFacts::entries); pure.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace strata {

struct LayerRef;

struct LayerEfficiency {
  std::string layer;               // the diff_id
  std::uint64_t bytes_added = 0;   // regular-file bytes this layer holds
  std::uint64_t files_added = 0;   // regular files with content
  std::uint64_t bytes_wasted = 0;  // of bytes_added, what a higher entry hides
  std::uint64_t files_wasted = 0;
};

// One hidden version of a file.
struct WastedFile {
  std::string path;
  std::string layer;     // the layer whose bytes are wasted
  std::uint64_t bytes = 0;
  std::string hidden_by;  // the layer that overwrote or deleted it (may be `layer` itself)
  bool deleted = false;   // deleted rather than overwritten
};

struct ImageEfficiency {
  std::vector<LayerEfficiency> layers;  // bottom to top, one per layer merged
  std::uint64_t total_bytes = 0;
  std::uint64_t wasted_bytes = 0;
  double score = 1.0;                    // (total - wasted) / total; 1 for an empty image
  std::vector<WastedFile> largest_wasted;  // the biggest, largest first
  bool measured = false;                 // false when no layer carried a listing, or one was cut short
};

inline constexpr std::size_t kLargestWastedFiles = 10;

ImageEfficiency measure_efficiency(std::span<const LayerRef> layers);

}  // namespace strata
