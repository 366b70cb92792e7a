// What the analysis of one layer yields: the contract between the worker that walks a layer and
// everything that merges, caches or matches. Independent of vulnerability feeds. Results are
// sorted (databases by path, packages by name) so that equal layers give equal values.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "common/package.h"

namespace strata {

// One package database file as this layer holds it; it replaces the same path below.
struct PackageDatabase {
  std::string path;  // relative to the image root, no leading "/" or "./"
  Ecosystem ecosystem = Ecosystem::kDeb;
  std::vector<Package> packages;
  bool operator==(const PackageDatabase&) const = default;
};

// A secret found in one file of this layer. The secret itself is never kept: only its redacted
// form and a fingerprint.
struct SecretFinding {
  std::string rule_id;
  std::string title;
  std::string severity;     // CRITICAL, HIGH, MEDIUM, LOW
  std::string path;         // the file, relative to the image root
  std::uint32_t line = 0;   // 1-based; 0 when the rule is about the path alone
  std::string redacted;
  std::string fingerprint;
  auto operator<=>(const SecretFinding&) const = default;
};

// What the file system of this layer says about how the image is built, from metadata alone:
// the checks of common/image/misconfig.h read it.
struct FileFacts {
  struct SetId {
    std::string path;
    std::uint32_t mode = 0;  // permission and set-id bits
    auto operator<=>(const SetId&) const = default;
  };
  std::vector<SetId> setid;                  // SUID or SGID regular files
  std::vector<std::string> world_writable;   // files and non-sticky directories others may write, outside tmp
  std::vector<std::string> root_ssh;         // files under /root/.ssh
  std::vector<std::string> present;          // notable programs present: sshd, sudo, shells, package managers
  std::map<std::string, std::uint64_t> cache_bytes;  // package-manager cache ("apt", "apk", "pip", …) → bytes
  // Every entry of the layer but its whiteouts, in path order; a path the tar holds twice is
  // listed twice, in tar order. Sizes are 0 for all but regular files. Later layers rewriting a
  // path (a chmod copies the file up) and the image's efficiency are read from it.
  struct Entry {
    std::string path;
    std::uint64_t size = 0;
    auto operator<=>(const Entry&) const = default;
  };
  std::vector<Entry> entries;
  // The listing is bounded in memory (a job's budget holds it): past the bound it stops, and the
  // image's efficiency is then not measured rather than measured wrong.
  bool entries_truncated = false;
  std::uint64_t listed_bytes = 0;  // the listing's estimated memory while it is built; not stored
  bool operator==(const FileFacts& o) const {
    return std::tie(setid, world_writable, root_ssh, present, cache_bytes, entries, entries_truncated) ==
           std::tie(o.setid, o.world_writable, o.root_ssh, o.present, o.cache_bytes, o.entries, o.entries_truncated);
  }
};

struct LayerAnalysis {
  std::vector<PackageDatabase> databases;
  std::map<std::string, std::string, std::less<>> distro_files;  // path → content
  // path → the OS package that installed it, read from the package manager's file lists; only
  // paths where language packages can live are kept (see worker/analyzer/language_paths.h).
  std::map<std::string, std::string, std::less<>> owned_files;
  std::vector<std::string> whiteouts;    // paths this layer deletes from the layers below
  std::vector<std::string> opaque_dirs;  // directories this layer empties of lower content
  std::vector<SecretFinding> secrets;    // sorted by path, line, rule
  FileFacts facts;
  std::vector<std::string> warnings;     // damage skipped, each naming its input
  std::uint64_t entries = 0;
  std::uint64_t uncompressed_bytes = 0;
  bool operator==(const LayerAnalysis&) const = default;
};

}  // namespace strata
