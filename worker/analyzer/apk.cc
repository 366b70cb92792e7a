// Alpine (and Wolfi, Chainguard) packages: /lib/apk/db/installed. Its F: (directory) and R:
// (file) lines also say which files each package installed; those where language packages live
// are kept as owned (py3-requests owns its site-packages/requests-*.dist-info).
#include "common/text_lines.h"
#include "worker/analyzer/builtin.h"
#include "worker/analyzer/database_entry.h"
#include "worker/analyzer/lang/language_paths.h"
#include "worker/parser/apk_installed.h"

namespace strata::worker {
namespace {

constexpr std::string_view kInstalled = "lib/apk/db/installed";

void record_owned_files(std::string_view text, LayerAnalysis& out) {
  std::string_view package, dir;
  for_each_line(text, [&](std::string_view line, std::size_t) {
    if (line.empty()) {
      package = dir = {};
    } else if (line.starts_with("P:")) {
      package = line.substr(2);
    } else if (line.starts_with("F:")) {
      dir = line.substr(2);
    } else if (line.starts_with("R:") && !package.empty()) {
      std::string path(dir);
      if (!path.empty()) path += '/';
      path += line.substr(2);
      if (could_hold_language_package(path)) out.owned_files[std::move(path)] = std::string(package);
    }
    return true;
  });
}

class ApkAnalyzer final : public Analyzer {
 public:
  std::string_view name() const override { return "apk"; }
  std::uint32_t version() const override { return 2; }
  Want wants(const EntryInfo& entry) const override {
    return entry.type == EntryType::kRegular && entry.path == kInstalled ? Want::kYes : Want::kNo;
  }
  Result<void> analyze(const EntryInfo& entry, EntryContent& content,
                       LayerAnalysis& out) const override {
    return record_database(entry, content, Ecosystem::kApk, "apk", out,
                           [&](std::span<const std::byte> bytes) -> Result<ParsedPackages> {
                             record_owned_files(as_chars(bytes), out);
                             return parse_apk_installed(as_chars(bytes), entry.path);
                           });
  }
};

}  // namespace

template <>
std::unique_ptr<Analyzer> make_package_analyzer<Ecosystem::kApk>() { return std::make_unique<ApkAnalyzer>(); }

}  // namespace strata::worker
