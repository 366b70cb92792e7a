// Collects the distro release files (os-release and friends) so that the merged image view can
// tell which distribution it is; detection itself is common/distro.cc.
#include "common/distro.h"
#include "worker/analyzer/builtin.h"

namespace strata::worker {
namespace {

constexpr std::uint64_t kMaxReleaseFile = 64 << 10;

class OsAnalyzer final : public Analyzer {
 public:
  std::string_view name() const override { return "os"; }
  std::uint32_t version() const override { return 1; }
  Want wants(const EntryInfo& entry) const override {
    return entry.type == EntryType::kRegular && entry.size <= kMaxReleaseFile &&
                   is_distro_file(entry.path)
               ? Want::kYes
               : Want::kNo;
  }
  Result<void> analyze(const EntryInfo& entry, EntryContent& content,
                       LayerAnalysis& out) const override {
    auto bytes = content.bytes();
    if (!bytes) return std::unexpected(bytes.error());
    out.distro_files[std::string(entry.path)] = std::string(as_chars(*bytes));
    return {};
  }
};

}  // namespace

std::unique_ptr<Analyzer> make_os_analyzer() { return std::make_unique<OsAnalyzer>(); }

}  // namespace strata::worker
