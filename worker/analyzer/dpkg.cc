// Debian packages: /var/lib/dpkg/status and distroless /var/lib/dpkg/status.d/NAME; and from
// /var/lib/dpkg/info/NAME[:ARCH].list, which files each package installed, kept only where
// language packages live (the owner of a dist-packages/requests-*.egg-info is python3-requests).
#include <array>

#include "common/text_lines.h"
#include "worker/analyzer/builtin.h"
#include "worker/analyzer/database_entry.h"
#include "worker/analyzer/lang/language_paths.h"
#include "worker/parser/dpkg_status.h"

namespace strata::worker {
namespace {

constexpr std::string_view kStatus = "var/lib/dpkg/status";
constexpr std::string_view kStatusD = "var/lib/dpkg/status.d/";
constexpr std::string_view kInfo = "var/lib/dpkg/info/";

bool is_file_list(std::string_view path) {
  return path.starts_with(kInfo) && path.ends_with(".list") && path.find('/', kInfo.size()) == std::string_view::npos;
}

// One absolute path per line.
Result<void> record_owned_files(std::string_view path, EntryContent& content, LayerAnalysis& out) {
  auto bytes = content.bytes();
  if (!bytes) return std::unexpected(bytes.error());
  std::string_view owner = path.substr(kInfo.size());
  owner.remove_suffix(5);                   // ".list"
  owner = owner.substr(0, owner.find(':'));  // "libc6:amd64" → "libc6"
  const std::string_view text = as_chars(*bytes);
  for_each_line(text, [&](std::string_view line, std::size_t) {
    while (line.starts_with('/')) line.remove_prefix(1);
    if (!line.empty() && could_hold_language_package(line)) out.owned_files[std::string(line)] = std::string(owner);
    return true;
  });
  return {};
}

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
  std::string_view name() const override { return "dpkg"; }
  std::uint32_t version() const override { return 2; }
  Want wants(const EntryInfo& entry) const override {
    if (entry.type != EntryType::kRegular) return Want::kNo;
    return entry.path == kStatus || is_status_d_stanza(entry.path) || is_file_list(entry.path) ? Want::kYes
                                                                                               : Want::kNo;
  }
  Result<void> analyze(const EntryInfo& entry, EntryContent& content,
                       LayerAnalysis& out) const override {
    if (is_file_list(entry.path)) return record_owned_files(entry.path, content, out);
    const auto kind = entry.path == kStatus ? DpkgDatabase::kStatus : DpkgDatabase::kStatusD;
    return record_database(entry, content, Ecosystem::kDeb, "dpkg", out,
                           [&](std::span<const std::byte> bytes) -> Result<ParsedPackages> {
                             return parse_dpkg_status(as_chars(bytes), entry.path, kind);
                           });
  }
};

}  // namespace

template <>
std::unique_ptr<Analyzer> make_package_analyzer<Ecosystem::kDeb>() { return std::make_unique<DpkgAnalyzer>(); }

}  // namespace strata::worker
