#include "common/image/layer_merge.h"

#include <algorithm>
#include <set>
#include <tuple>

namespace strata {
namespace {

bool under(std::string_view path, std::string_view dir) {
  if (dir.empty()) return true;  // an opaque marker at the root hides everything below
  return path.size() > dir.size() && path.starts_with(dir) && path[dir.size()] == '/';
}

// Whether `upper` writes `path` again (a chmod or chown copies the file up with its new mode).
bool rewritten_by(std::string_view path, const LayerAnalysis& upper) {
  const auto& entries = upper.facts.entries;
  const auto it = std::lower_bound(entries.begin(), entries.end(), path,
                                   [](const FileFacts::Entry& e, std::string_view p) { return e.path < p; });
  return it != entries.end() && it->path == path;
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

std::string_view directory_of(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

bool is_node_lock_file(std::string_view path) {
  const auto base = path.substr(path.rfind('/') == std::string_view::npos ? 0 : path.rfind('/') + 1);
  return base == "package-lock.json" || base == "npm-shrinkwrap.json" || base == "yarn.lock" || base == "pnpm-lock.yaml";
}

// Directories holding an installed node_modules tree: "app" for "app/node_modules/x/package.json".
std::set<std::string, std::less<>> installed_node_projects(
    const std::map<std::string, const PackageDatabase*, std::less<>>& databases) {
  std::set<std::string, std::less<>> projects;
  for (const auto& [path, db] : databases) {
    if (db->ecosystem != Ecosystem::kNpm || db->packages.empty()) continue;
    const std::string_view p = path;
    const auto at = p.starts_with("node_modules/") ? 0 : p.find("/node_modules/");
    if (at == std::string_view::npos) continue;
    projects.emplace(p.substr(0, at));
  }
  return projects;
}

// The OS package that installed `path`: the file itself, or for a package found inside an
// archive ("lib/app.war/WEB-INF/lib/x.jar"), the outermost archive.
const std::string* owner_of(std::string_view path,
                            const std::map<std::string, std::string, std::less<>>& owned_files) {
  if (const auto it = owned_files.find(path); it != owned_files.end()) return &it->second;
  for (const std::string_view ext : {".jar/", ".war/", ".ear/"}) {
    if (const auto at = path.find(ext); at != std::string_view::npos) {
      if (const auto it = owned_files.find(path.substr(0, at + ext.size() - 1)); it != owned_files.end()) {
        return &it->second;
      }
    }
  }
  return nullptr;
}

PackageKey key_of(const Package& p) { return {p.ecosystem, p.name, p.arch, p.version}; }

// Paths present after every layer, each with the layer that last wrote it.
ImageFacts merge_facts(std::span<const LayerRef> layers) {
  struct Seen {
    std::string layer;
    std::uint32_t mode = 0;
    bool above_base = false;
  };
  std::map<std::string, Seen, std::less<>> setid, writable, ssh, present;
  ImageFacts facts;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const LayerAnalysis& a = *layers[i].analysis;
    for (auto* m : {&setid, &writable, &ssh, &present}) {
      // A path written again carries this layer's mode and is re-added below if it still counts.
      std::erase_if(*m, [&](const auto& kv) { return hidden_by(kv.first, a) || rewritten_by(kv.first, a); });
    }
    for (const auto& f : a.facts.setid) setid[f.path] = {layers[i].id, f.mode, i > 0};
    for (const auto& p : a.facts.world_writable) writable[p] = {layers[i].id, 0, i > 0};
    for (const auto& p : a.facts.root_ssh) ssh[p] = {layers[i].id, 0, i > 0};
    for (const auto& p : a.facts.present) present[p] = {layers[i].id, 0, i > 0};
    for (const auto& [kind, bytes] : a.facts.cache_bytes) facts.caches.push_back({layers[i].id, kind, bytes});
  }
  auto files = [](const auto& m) {
    std::vector<ImageFacts::File> out;
    for (const auto& [path, seen] : m) out.push_back({path, seen.layer, seen.mode, seen.above_base});
    return out;
  };
  facts.setid = files(setid);
  facts.world_writable = files(writable);
  facts.root_ssh = files(ssh);
  for (const auto& [path, seen] : present) facts.present.push_back(path);
  return facts;
}

}  // namespace

ImageView merge_layers(std::span<const LayerRef> layers) {
  std::map<std::string, const PackageDatabase*, std::less<>> databases;
  std::map<std::string, std::string, std::less<>> distro_files;
  std::map<std::string, std::string, std::less<>> owned_files;
  std::map<PackageKey, std::string> introduced_by;  // packages present after the previous layer

  for (const auto& layer : layers) {
    const LayerAnalysis& analysis = *layer.analysis;
    std::erase_if(databases, [&](const auto& kv) { return hidden_by(kv.first, analysis); });
    std::erase_if(distro_files, [&](const auto& kv) { return hidden_by(kv.first, analysis); });
    std::erase_if(owned_files, [&](const auto& kv) { return hidden_by(kv.first, analysis); });
    for (const auto& db : analysis.databases) databases[db.path] = &db;
    for (const auto& [path, content] : analysis.distro_files) distro_files[path] = content;
    for (const auto& [path, owner] : analysis.owned_files) owned_files[path] = owner;

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
  view.facts = merge_facts(layers);
  view.efficiency = measure_efficiency(layers);
  // Secrets stay reported whatever happens above them: a whiteout in a later layer hides the
  // file from the running container, not from anyone who pulls the image. It only marks them.
  for (std::size_t i = 0; i < layers.size(); ++i) {
    for (const auto& secret : layers[i].analysis->secrets) {
      bool removed = false;
      for (std::size_t j = i + 1; j < layers.size() && !removed; ++j) {
        const LayerAnalysis& upper = *layers[j].analysis;
        removed = hidden_by(secret.path, upper);
      }
      view.secrets.push_back({secret, layers[i].id, removed});
    }
  }
  // An application's lock file says what would be installed; where the installed tree sits
  // beside it, that tree is what is there.
  const auto node_projects = installed_node_projects(databases);
  for (const auto& [path, db] : databases) {
    if (db->ecosystem == Ecosystem::kNpm && is_node_lock_file(path) && node_projects.contains(directory_of(path))) {
      continue;
    }
    for (const auto& p : db->packages) {
      ImagePackage ip{p, introduced_by[key_of(p)]};
      // Exactly the metadata file: directories such as dist-packages are listed by every
      // package that puts something in them.
      if (!is_os_ecosystem(p.ecosystem)) {
        if (const std::string* owner = owner_of(p.path, owned_files)) ip.package.os_owner = *owner;
      }
      view.packages.push_back(std::move(ip));
    }
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
