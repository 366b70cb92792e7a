// Debian packages: /var/lib/dpkg/status and distroless /var/lib/dpkg/status.d/NAME.
#include <array>

#include "worker/analyzer/builtin.h"
#include "worker/analyzer/database_entry.h"
#include "worker/parser/dpkg_status.h"

namespace strata::worker {
namespace {

constexpr std::string_view kStatus = "var/lib/dpkg/status";
constexpr std::string_view kStatusD = "var/lib/dpkg/status.d/";

// status.d holds one stanza per package, named after it, next to dpkg's per-package side files.
bool is_status_d_stanza(std::string_view path) {
  if (!path.starts_with(kStatusD)) return false;
  const std::string_view name = path.substr(kStatusD.size());
  if (name.empty() || name.find('/') != std::string_view::npos) return false;
  static constexpr std::array<std::string_view, 11> kSideFiles = {
      ".md5sums", ".list", ".conffiles", ".preinst", ".postinst", ".prerm",
      ".postrm",  ".triggers", ".shlibs", ".symbols", ".templates"};
  for (const auto suffix : kSideFiles) {
    if (name.ends_with(suffix)) return false;
  }
  return true;
}

class DpkgAnalyzer final : public Analyzer {
 public:
  AnalyzerId id() const override { return AnalyzerId::kDpkg; }
  std::uint32_t version() const override { return 1; }
  Want wants(const EntryInfo& entry) const override {
    if (entry.type != EntryType::kRegular) return Want::kNo;
    return entry.path == kStatus || is_status_d_stanza(entry.path) ? Want::kYes : Want::kNo;
  }
  Result<void> analyze(const EntryInfo& entry, EntryContent& content,
                       LayerAnalysis& out) const override {
    const auto kind = entry.path == kStatus ? DpkgDatabase::kStatus : DpkgDatabase::kStatusD;
    return record_database(entry, content, Ecosystem::kDeb, "dpkg", out,
                           [&](std::span<const std::byte> bytes) -> Result<ParsedPackages> {
                             return parse_dpkg_status(as_chars(bytes), entry.path, kind);
                           });
  }
};

}  // namespace

std::unique_ptr<Analyzer> make_dpkg_analyzer() { return std::make_unique<DpkgAnalyzer>(); }

}  // namespace strata::worker
