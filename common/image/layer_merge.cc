#include "common/image/layer_merge.h"

#include <algorithm>
#include <tuple>

namespace strata {
namespace {

bool under(std::string_view path, std::string_view dir) {
  if (dir.empty()) return true;  // an opaque marker at the root hides everything below
  return path.size() > dir.size() && path.starts_with(dir) && path[dir.size()] == '/';
}

bool hidden_by(std::string_view path, const LayerAnalysis& upper) {
  for (const auto& w : upper.whiteouts) {
    if (path == w || under(path, w)) return true;
  }
  for (const auto& dir : upper.opaque_dirs) {
    if (under(path, dir)) return true;
  }
  return false;
}

using PackageKey = std::tuple<Ecosystem, std::string, std::string, std::string>;

PackageKey key_of(const Package& p) { return {p.ecosystem, p.name, p.arch, p.version}; }

}  // namespace

ImageView merge_layers(std::span<const LayerRef> layers) {
  std::map<std::string, const PackageDatabase*, std::less<>> databases;
  std::map<std::string, std::string, std::less<>> distro_files;
  std::map<PackageKey, std::string> introduced_by;  // packages present after the previous layer

  for (const auto& layer : layers) {
    const LayerAnalysis& analysis = *layer.analysis;
    std::erase_if(databases, [&](const auto& kv) { return hidden_by(kv.first, analysis); });
    std::erase_if(distro_files, [&](const auto& kv) { return hidden_by(kv.first, analysis); });
    for (const auto& db : analysis.databases) databases[db.path] = &db;
    for (const auto& [path, content] : analysis.distro_files) distro_files[path] = content;

    std::map<PackageKey, std::string> present;
    for (const auto& [path, db] : databases) {
      for (const auto& p : db->packages) {
        const auto key = key_of(p);
        const auto before = introduced_by.find(key);
        present.emplace(key, before != introduced_by.end() ? before->second : layer.id);
      }
    }
    introduced_by = std::move(present);
  }

  ImageView view;
  for (const auto& [path, db] : databases) {
    for (const auto& p : db->packages) view.packages.push_back({p, introduced_by[key_of(p)]});
  }
  std::sort(view.packages.begin(), view.packages.end(), [](const auto& a, const auto& b) {
    return std::tie(a.package.ecosystem, a.package.name, a.package.arch, a.package.version,
                    a.package.path) < std::tie(b.package.ecosystem, b.package.name,
                                               b.package.arch, b.package.version, b.package.path);
  });
  view.distro = detect_distro(distro_files);
  return view;
}

}  // namespace strata
