#include "worker/analyzer/lang/language_paths.h"

#include <array>
#include <cctype>

namespace strata::worker {
namespace {

bool iends_with(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  s = s.substr(s.size() - suffix.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != suffix[i]) return false;
  }
  return true;
}

bool under_python_packages(std::string_view path) {
  for (const std::string_view dir : {"site-packages/", "dist-packages/"}) {
    if (path.starts_with(dir)) return true;
    for (auto at = path.find(dir); at != std::string_view::npos; at = path.find(dir, at + 1)) {
      if (at > 0 && path[at - 1] == '/') return true;
    }
  }
  return false;
}

}  // namespace

bool is_python_metadata(std::string_view path) {
  if (!under_python_packages(path)) return false;
  const std::string_view base = base_name(path);
  const std::string_view dir = base_name(dir_name(path));
  if (base == "METADATA") return iends_with(dir, ".dist-info");
  if (base == "PKG-INFO") return iends_with(dir, ".egg-info");
  return iends_with(base, ".egg-info");
}

bool is_node_package_json(std::string_view path) {
  if (base_name(path) != "package.json") return false;
  std::string_view dir = dir_name(path);          // …/node_modules[/@scope]/name
  dir = dir_name(dir);                            // …/node_modules[/@scope]
  if (base_name(dir).starts_with('@')) dir = dir_name(dir);
  return base_name(dir) == "node_modules";
}

bool is_node_lock_file(std::string_view path) {
  const std::string_view base = base_name(path);
  return base == "yarn.lock" || base == "pnpm-lock.yaml" || base == "package-lock.json" ||
         base == "npm-shrinkwrap.json";
}

bool is_java_archive(std::string_view path) {
  static constexpr std::array<std::string_view, 7> kExtensions = {".jar", ".war", ".ear", ".par",
                                                                  ".sar", ".jpi", ".hpi"};
  for (const auto ext : kExtensions) {
    if (iends_with(path, ext)) return true;
  }
  return false;
}

bool is_gemspec(std::string_view path) {
  return path.ends_with(".gemspec") && base_name(dir_name(path)) == "specifications";
}

bool is_gemfile_lock(std::string_view path) { return base_name(path) == "Gemfile.lock"; }

bool is_cargo_lock(std::string_view path) { return base_name(path) == "Cargo.lock"; }

bool is_composer_file(std::string_view path) {
  if (base_name(path) == "composer.lock") return true;
  return path == "vendor/composer/installed.json" || path.ends_with("/vendor/composer/installed.json");
}

bool is_dotnet_deps(std::string_view path) {
  const std::string_view base = base_name(path);
  return (base.size() > 10 && base.ends_with(".deps.json")) || base == "packages.lock.json";
}

bool is_in_binary_dir(std::string_view path) {
  const std::string_view dir = base_name(dir_name(path));
  return dir == "bin" || dir == "sbin" || dir == "libexec";
}

bool could_hold_language_package(std::string_view path) {
  return is_python_metadata(path) || is_node_package_json(path) || is_node_lock_file(path) ||
         is_java_archive(path) || is_gemspec(path) || is_gemfile_lock(path) || is_cargo_lock(path) ||
         is_composer_file(path) || is_dotnet_deps(path) || is_in_binary_dir(path);
}

}  // namespace strata::worker
