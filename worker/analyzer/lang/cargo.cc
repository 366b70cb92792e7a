// Rust crates: Cargo.lock files, and binaries built with cargo-auditable (found by their bytes).
#include "worker/analyzer/builtin.h"
#include "worker/analyzer/lang/binary_analyzer.h"
#include "worker/analyzer/lang/language_paths.h"
#include "worker/parser/lang/lang_parsers.h"

namespace strata::worker {
namespace {

class CargoAnalyzer final : public BinaryAnalyzer {
 public:
  std::string_view name() const override { return "cargo"; }
  std::uint32_t version() const override { return 1; }
  Want wants(const EntryInfo& entry) const override {
    if (entry.type == EntryType::kRegular && is_cargo_lock(entry.path)) return Want::kYes;
    return BinaryAnalyzer::wants(entry);
  }
  Result<void> analyze(const EntryInfo& entry, EntryContent& content, LayerAnalysis& out) const override {
    if (is_cargo_lock(entry.path)) {
      return record_database(entry, content, Ecosystem::kCargo, "cargo", out, [&](std::span<const std::byte> bytes) {
        return parse_cargo_lock(as_chars(bytes), entry.path);
      });
    }
    return record_binary(entry, content, Ecosystem::kCargo, out,
                         [&](std::span<const std::byte> bytes) { return parse_cargo_auditable(bytes, entry.path); });
  }
};

}  // namespace

template <>
std::unique_ptr<Analyzer> make_package_analyzer<Ecosystem::kCargo>() { return std::make_unique<CargoAnalyzer>(); }

}  // namespace strata::worker
