// File-system facts for the image checks, from entry metadata alone (no entry is read): set-id
// and world-writable files, keys under /root/.ssh, notable programs (an SSH server, sudo,
// shells, package managers), the bytes package managers left in their caches, and the layer's
// list of paths and sizes that efficiency and rewrites are measured from.
#include <array>
#include <span>

#include "common/image/base_tools.h"

#include "worker/analyzer/builtin.h"

namespace strata::worker {
namespace {

constexpr std::uint32_t kSetId = 06000;
constexpr std::uint32_t kSticky = 01000;
constexpr std::uint32_t kOthersWrite = 00002;
// A layer's own list of world-writable paths is bounded: one finding names a few, counts all.
constexpr std::size_t kMaxWorldWritable = 200;
// The layer's listing, in estimated bytes of memory (issue 14, defect 8): a layer of a million
// entries with 4 KiB paths would otherwise take 4 GiB of a job's budget. 32 MiB holds about half
// a million entries of typical paths; the worker budgets 64 MiB a job beyond its file buffer.
constexpr std::uint64_t kMaxListedBytes = 32ull << 20;

// Besides the shells and package managers of common/image/base_tools.h.
constexpr std::array<std::string_view, 3> kOtherNotable = {"usr/sbin/sshd", "usr/bin/sudo", "usr/bin/busybox"};

// Where package managers keep what they downloaded: removing it is part of a tidy build step.
std::string_view cache_kind(std::string_view path) {
  if (path.starts_with("var/cache/apt/archives/") && path.ends_with(".deb")) return "apt";
  if (path.starts_with("var/lib/apt/lists/") && path.find("_Packages") != std::string_view::npos) return "apt-lists";
  if (path.starts_with("var/cache/apk/")) return "apk";
  if (path.starts_with("var/cache/yum/") || path.starts_with("var/cache/dnf/")) return "yum";
  if (path.find("/.cache/pip/") != std::string_view::npos) return "pip";
  if (path.find("/.npm/_cacache/") != std::string_view::npos) return "npm";
  if (path.find("/.cache/yarn/") != std::string_view::npos || path.find("/.yarn/cache/") != std::string_view::npos) return "yarn";
  if (path.find("/.m2/repository/") != std::string_view::npos) return "maven";
  if (path.find("/.cache/go-build/") != std::string_view::npos) return "go";
  return {};
}

bool is_tmp(std::string_view path) {
  for (const std::string_view dir : {"tmp", "var/tmp", "dev/shm", "run/lock"}) {
    if (path == dir || (path.starts_with(dir) && path.size() > dir.size() && path[dir.size()] == '/')) return true;
  }
  return false;
}

bool is_notable(std::string_view path) {
  for (const auto& list : {std::span<const std::string_view>(kShellPaths), std::span<const std::string_view>(kPackageManagerPaths),
                           std::span<const std::string_view>(kOtherNotable)}) {
    for (const auto n : list) {
      if (path == n) return true;
    }
  }
  return false;
}

class FileFactsAnalyzer final : public Analyzer {
 public:
  std::string_view name() const override { return "files"; }
  std::uint32_t version() const override { return 3; }
  // Every entry goes into the layer's listing; none is read.
  Want wants(const EntryInfo& /*entry*/) const override { return Want::kYes; }
  Result<void> analyze(const EntryInfo& e, EntryContent& /*content*/, LayerAnalysis& out) const override {
    FileFacts& f = out.facts;
    const bool regular = e.type == EntryType::kRegular;
    const std::uint64_t cost = sizeof(FileFacts::Entry) + (e.path.size() > 15 ? e.path.size() + 1 : 0);
    if (f.listed_bytes + cost <= kMaxListedBytes) {
      f.entries.push_back({std::string(e.path), regular ? e.size : 0});
      f.listed_bytes += cost;
    } else if (!f.entries_truncated) {
      f.entries_truncated = true;
      out.warnings.push_back("the layer's file listing stopped at " + std::to_string(f.entries.size()) +
                             " entries (its memory bound): the image's efficiency is not measured");
    }
    if (regular && (e.mode & kSetId) != 0) f.setid.push_back({std::string(e.path), e.mode});
    if ((e.mode & kOthersWrite) != 0 && (e.mode & kSticky) == 0 && !is_tmp(e.path) &&
        (regular || e.type == EntryType::kDirectory) && f.world_writable.size() < kMaxWorldWritable) {
      f.world_writable.emplace_back(e.path);
    }
    if (regular && e.path.starts_with("root/.ssh/")) f.root_ssh.emplace_back(e.path);
    if (is_notable(e.path) && (regular || e.type == EntryType::kSymlink || e.type == EntryType::kHardlink)) {
      f.present.emplace_back(e.path);
    }
    if (regular) {
      if (const auto kind = cache_kind(e.path); !kind.empty()) f.cache_bytes[std::string(kind)] += e.size;
    }
    return {};
  }
};

}  // namespace

std::unique_ptr<Analyzer> make_file_facts_analyzer() { return std::make_unique<FileFactsAnalyzer>(); }

}  // namespace strata::worker
