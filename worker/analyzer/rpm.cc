// Red Hat family and SUSE packages: the rpm database in whichever of its three formats the image
// holds, at the classic path or at /usr/lib/sysimage/rpm (Fedora ≥ 36, openSUSE).
#include <array>

#include "worker/analyzer/builtin.h"
#include "worker/parser/rpmdb.h"

namespace strata::worker {
namespace {

constexpr std::array<std::string_view, 6> kDatabases = {
    "var/lib/rpm/rpmdb.sqlite",          "var/lib/rpm/Packages",
    "var/lib/rpm/Packages.db",           "usr/lib/sysimage/rpm/rpmdb.sqlite",
    "usr/lib/sysimage/rpm/Packages",     "usr/lib/sysimage/rpm/Packages.db",
};

class RpmAnalyzer final : public Analyzer {
 public:
  AnalyzerId id() const override { return AnalyzerId::kRpm; }
  std::uint32_t version() const override { return 1; }
  Want wants(const EntryInfo& entry) const override {
    if (entry.type != EntryType::kRegular) return Want::kNo;
    for (const auto path : kDatabases) {
      if (entry.path == path) return Want::kYes;
    }
    return Want::kNo;
  }
  Result<void> analyze(const EntryInfo& entry, EntryContent& content,
                       LayerAnalysis& out) const override {
    // A database that cannot be read still hides the one below it: record it empty.
    auto bytes = content.bytes();
    if (!bytes) {
      out.databases.push_back({std::string(entry.path), Ecosystem::kRpm, {}});
      return std::unexpected(bytes.error());
    }
    auto parsed = parse_rpmdb(*bytes, entry.path);
    if (!parsed) {
      out.databases.push_back({std::string(entry.path), Ecosystem::kRpm, {}});
      return std::unexpected(parsed.error());
    }
    for (auto& warning : parsed->skipped) out.warnings.push_back("rpm: " + std::move(warning));
    out.databases.push_back({std::string(entry.path), Ecosystem::kRpm, std::move(parsed->packages)});
    return {};
  }
};

}  // namespace

std::unique_ptr<Analyzer> make_rpm_analyzer() { return std::make_unique<RpmAnalyzer>(); }

}  // namespace strata::worker
