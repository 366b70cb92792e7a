// Go binaries, found by their bytes: the build info every Go toolchain since 1.13 embeds names
// the main module, each dependency at its version (replacements applied) and the toolchain,
// recorded as the module "stdlib".
#include "worker/analyzer/builtin.h"
#include "worker/analyzer/lang/binary_analyzer.h"
#include "worker/parser/lang/lang_parsers.h"

namespace strata::worker {
namespace {

class GolangAnalyzer final : public BinaryAnalyzer {
 public:
  std::string_view name() const override { return "golang"; }
  std::uint32_t version() const override { return 1; }
  Result<void> analyze(const EntryInfo& entry, EntryContent& content, LayerAnalysis& out) const override {
    return record_binary(entry, content, Ecosystem::kGolang, out,
                         [&](std::span<const std::byte> bytes) { return parse_go_binary(bytes, entry.path); });
  }
};

}  // namespace

template <>
std::unique_ptr<Analyzer> make_package_analyzer<Ecosystem::kGolang>() { return std::make_unique<GolangAnalyzer>(); }

}  // namespace strata::worker
