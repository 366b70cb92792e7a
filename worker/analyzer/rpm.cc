// Red Hat family and SUSE packages: the rpm database in whichever of its three formats the image
// holds, at the classic path or at /usr/lib/sysimage/rpm (Fedora ≥ 36, openSUSE); with each
// package's files where language packages live, kept as owned (python3-six owns its dist-info).
#include <array>

#include "worker/analyzer/builtin.h"
#include "worker/analyzer/database_entry.h"
#include "worker/analyzer/lang/language_paths.h"
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
  std::string_view name() const override { return "rpm"; }
  std::uint32_t version() const override { return 2; }
  Want wants(const EntryInfo& entry) const override {
    if (entry.type != EntryType::kRegular) return Want::kNo;
    for (const auto path : kDatabases) {
      if (entry.path == path) return Want::kYes;
    }
    return Want::kNo;
  }
  Result<void> analyze(const EntryInfo& entry, EntryContent& content,
                       LayerAnalysis& out) const override {
    return record_database(entry, content, Ecosystem::kRpm, "rpm", out,
                           [&](std::span<const std::byte> bytes) {
                             return parse_rpmdb(bytes, entry.path, could_hold_language_package);
                           });
  }
};

}  // namespace

template <>
std::unique_ptr<Analyzer> make_package_analyzer<Ecosystem::kRpm>() { return std::make_unique<RpmAnalyzer>(); }

}  // namespace strata::worker
