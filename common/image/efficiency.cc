#include "common/image/efficiency.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "common/image/layer_merge.h"

namespace strata {
namespace {

struct Version {
  std::size_t layer = 0;
  std::uint64_t size = 0;
};

using Live = std::map<std::string, Version, std::less<>>;

// Removes `path` itself (when `self`) and everything under it, handing each version to `hide`.
template <typename Hide>
void remove_tree(Live& live, const std::string& path, bool self, Hide&& hide) {
  if (path.empty()) {  // an opaque marker at the root
    for (auto& [p, v] : live) hide(p, v);
    live.clear();
    return;
  }
  if (self) {
    if (auto it = live.find(path); it != live.end()) {
      hide(it->first, it->second);
      live.erase(it);
    }
  }
  const std::string prefix = path + "/";
  auto it = live.lower_bound(prefix);
  while (it != live.end() && it->first.starts_with(prefix)) {
    hide(it->first, it->second);
    it = live.erase(it);
  }
}

}  // namespace

ImageEfficiency measure_efficiency(std::span<const LayerRef> layers) {
  ImageEfficiency out;
  bool truncated = false;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    out.layers.push_back({layers[i].id, 0, 0, 0, 0});
    out.measured = out.measured || !layers[i].analysis->facts.entries.empty();
    truncated = truncated || layers[i].analysis->facts.entries_truncated;
  }
  if (truncated) {
    out.measured = false;  // a partial listing would understate both the total and the waste
    return out;
  }
  std::vector<WastedFile> wasted;
  Live live;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const LayerAnalysis& a = *layers[i].analysis;
    auto hide = [&](const std::string& path, const Version& v, bool deleted) {
      if (v.size == 0) return;  // directories, links and empty files cost nothing
      LayerEfficiency& owner = out.layers[v.layer];
      owner.bytes_wasted += v.size;
      ++owner.files_wasted;
      wasted.push_back({path, layers[v.layer].id, v.size, layers[i].id, deleted});
    };
    // A layer's whiteouts apply to the layers below it, before its own entries.
    for (const auto& w : a.whiteouts) {
      remove_tree(live, w, true, [&](const std::string& p, const Version& v) { hide(p, v, true); });
    }
    for (const auto& d : a.opaque_dirs) {
      remove_tree(live, d, false, [&](const std::string& p, const Version& v) { hide(p, v, true); });
    }
    LayerEfficiency& mine = out.layers[i];
    for (const auto& e : a.facts.entries) {
      mine.bytes_added += e.size;
      mine.files_added += e.size > 0 ? 1 : 0;
      auto [it, inserted] = live.try_emplace(e.path, Version{i, e.size});
      if (!inserted) {
        hide(it->first, it->second, false);
        it->second = {i, e.size};
      }
    }
  }
  for (const auto& l : out.layers) {
    out.total_bytes += l.bytes_added;
    out.wasted_bytes += l.bytes_wasted;
  }
  if (out.total_bytes > 0) {
    out.score = static_cast<double>(out.total_bytes - out.wasted_bytes) / static_cast<double>(out.total_bytes);
  }
  const std::size_t keep = std::min(wasted.size(), kLargestWastedFiles);
  std::partial_sort(wasted.begin(), wasted.begin() + static_cast<std::ptrdiff_t>(keep), wasted.end(),
                    [](const WastedFile& a, const WastedFile& b) {
                      return a.bytes != b.bytes ? a.bytes > b.bytes : std::tie(a.path, a.layer) < std::tie(b.path, b.layer);
                    });
  wasted.resize(keep);
  out.largest_wasted = std::move(wasted);
  return out;
}

}  // namespace strata
