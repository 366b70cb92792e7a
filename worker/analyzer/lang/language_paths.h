// Where each language package manager records what it installed, told from the path alone.
// Shared by the language analyzers (which entries to read) and the OS package analyzers (which
// of their packages' files to remember as owned, so that a library an OS package installed is
// matched through that package). Paths are relative to the layer root.
#pragma once

#include <string_view>

namespace strata::worker {

inline std::string_view base_name(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

inline std::string_view dir_name(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

// An installed Python distribution's metadata under a site-packages or dist-packages directory:
// NAME.dist-info/METADATA, NAME.egg-info/PKG-INFO, or NAME.egg-info as a file. Directory
// names are matched without regard to case (setuptools writes EGG-INFO in eggs).
bool is_python_metadata(std::string_view path);

// The package.json at the root of an installed package: node_modules/NAME/package.json or
// node_modules/@SCOPE/NAME/package.json, at any depth. Other package.json files inside a
// package (build outputs' {"type":"module"}) describe no package.
bool is_node_package_json(std::string_view path);

// An application's lock file: package-lock.json (npm-shrinkwrap.json), yarn.lock, pnpm-lock.yaml.
// node_modules/.package-lock.json is npm's own cache of the installed tree and is skipped.
bool is_node_lock_file(std::string_view path);

// JAR, WAR, EAR (and the plugin archives built the same way) by extension.
bool is_java_archive(std::string_view path);

// An installed gem's specification (…/specifications/NAME-VERSION.gemspec) or a Gemfile.lock.
bool is_gemspec(std::string_view path);
bool is_gemfile_lock(std::string_view path);

bool is_cargo_lock(std::string_view path);

// vendor/composer/installed.json or composer.lock.
bool is_composer_file(std::string_view path);

// NAME.deps.json (a .NET application's resolved dependencies) or packages.lock.json.
bool is_dotnet_deps(std::string_view path);

// Where binaries live, for the file lists of OS packages (Go and Rust binaries are found by their
// bytes, so their owners are remembered for every file in these directories).
bool is_in_binary_dir(std::string_view path);

// Any of the above: the paths an OS package's file list is filtered to.
bool could_hold_language_package(std::string_view path);

}  // namespace strata::worker
