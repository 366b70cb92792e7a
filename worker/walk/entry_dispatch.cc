#include "worker/walk/entry_dispatch.h"

#include <algorithm>
#include <array>
#include <tuple>

namespace strata::worker {

std::string_view normalize_entry_path(std::string_view path) {
  for (;;) {
    if (path.starts_with("./")) {
      path.remove_prefix(2);
    } else if (path.starts_with("/")) {
      path.remove_prefix(1);
    } else {
      break;
    }
  }
  if (path == ".") return {};
  while (path.ends_with("/")) path.remove_suffix(1);
  return path;
}

bool record_whiteout(std::string_view path, LayerAnalysis& out) {
  const auto slash = path.rfind('/');
  const std::string_view dir = slash == std::string_view::npos ? "" : path.substr(0, slash);
  const std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (!base.starts_with(".wh.")) return false;
  if (base == ".wh..wh..opq") {
    out.opaque_dirs.emplace_back(dir);
  } else if (!base.starts_with(".wh..wh.")) {  // other .wh..wh. names are aufs bookkeeping
    std::string target(dir);
    if (!target.empty()) target += '/';
    target += base.substr(4);
    out.whiteouts.push_back(std::move(target));
  }
  return true;
}

void dispatch_entry(const EntryInfo& entry, EntryContent& content,
                    const AnalyzerRegistry& registry, LayerAnalysis& out) {
  // Few analyzers want any one entry: remember them without allocating.
  std::array<const Analyzer*, 16> wanted{};
  std::size_t count = 0;
  bool head_failed = false;
  for (const auto& analyzer : registry.analyzers()) {
    Want want = analyzer->wants(entry);
    if (want == Want::kIfMagic) {
      want = Want::kNo;
      if (!head_failed) {
        auto head = content.head();
        if (!head) {
          out.warnings.push_back(std::string(entry.path) + ": " + head.error().message());
          head_failed = true;
        } else if (analyzer->wants_magic(*head)) {
          want = Want::kYes;
        }
      }
    }
    if (want == Want::kYes && count < wanted.size()) wanted[count++] = analyzer.get();
  }
  for (std::size_t i = 0; i < count; ++i) {
    if (auto r = wanted[i]->analyze(entry, content, out); !r) {
      out.warnings.push_back(std::string(wanted[i]->name()) + ": " +
                             std::string(entry.path) + ": " + r.error().message());
    }
  }
}

void canonicalize(LayerAnalysis& analysis) {
  for (auto& db : analysis.databases) std::sort(db.packages.begin(), db.packages.end());
  // A path written twice in one tar: the later entry wins, as when extracting.
  std::stable_sort(analysis.databases.begin(), analysis.databases.end(),
                   [](const auto& a, const auto& b) { return a.path < b.path; });
  std::vector<PackageDatabase> unique;
  for (auto& db : analysis.databases) {
    if (!unique.empty() && unique.back().path == db.path) {
      unique.back() = std::move(db);
    } else {
      unique.push_back(std::move(db));
    }
  }
  analysis.databases = std::move(unique);
  std::sort(analysis.secrets.begin(), analysis.secrets.end(), [](const SecretFinding& a, const SecretFinding& b) {
    return std::tie(a.path, a.line, a.rule_id, a.fingerprint) < std::tie(b.path, b.line, b.rule_id, b.fingerprint);
  });
  std::sort(analysis.facts.setid.begin(), analysis.facts.setid.end());
  // Stable: of a path written twice, the entry that wins on extraction stays last.
  std::stable_sort(analysis.facts.entries.begin(), analysis.facts.entries.end(),
                   [](const auto& a, const auto& b) { return a.path < b.path; });
  for (auto* list : {&analysis.whiteouts, &analysis.opaque_dirs, &analysis.facts.world_writable,
                     &analysis.facts.root_ssh, &analysis.facts.present}) {
    std::sort(list->begin(), list->end());
    list->erase(std::unique(list->begin(), list->end()), list->end());
  }
}

}  // namespace strata::worker
