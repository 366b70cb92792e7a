// Alpine (and Wolfi, Chainguard) packages: /lib/apk/db/installed.
#include "worker/analyzer/builtin.h"
#include "worker/analyzer/database_entry.h"
#include "worker/parser/apk_installed.h"

namespace strata::worker {
namespace {

constexpr std::string_view kInstalled = "lib/apk/db/installed";

class ApkAnalyzer final : public Analyzer {
 public:
  AnalyzerId id() const override { return AnalyzerId::kApk; }
  std::uint32_t version() const override { return 1; }
  Want wants(const EntryInfo& entry) const override {
    return entry.type == EntryType::kRegular && entry.path == kInstalled ? Want::kYes : Want::kNo;
  }
  Result<void> analyze(const EntryInfo& entry, EntryContent& content,
                       LayerAnalysis& out) const override {
    return record_database(entry, content, Ecosystem::kApk, "apk", out,
                           [&](std::span<const std::byte> bytes) -> Result<ParsedPackages> {
                             return parse_apk_installed(as_chars(bytes), entry.path);
                           });
  }
};

}  // namespace

std::unique_ptr<Analyzer> make_apk_analyzer() { return std::make_unique<ApkAnalyzer>(); }

}  // namespace strata::worker
