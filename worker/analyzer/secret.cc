// Secrets in file contents: every regular file up to the size cap whose first bytes are text
// (binaries are left to the package analyzers), and every file a path rule names, is scanned
// once against the whole rule set (worker/api/secret_scanner.h).
#include <algorithm>
#include <cstring>

#include "worker/analyzer/builtin.h"
#include "worker/api/secret_scanner.h"

namespace strata::worker {
namespace {

class SecretAnalyzer final : public Analyzer {
 public:
  SecretAnalyzer(std::shared_ptr<const SecretScanner> scanner, std::uint64_t max_file_bytes)
      : scanner_(std::move(scanner)), max_file_bytes_(max_file_bytes) {}

  std::string_view name() const override { return "secret"; }
  // The rule set and the cap decide the results: both are in the version, hence in the cache key.
  std::uint32_t version() const override {
    return scanner_->fingerprint() ^ static_cast<std::uint32_t>(max_file_bytes_ * 2654435761u) ^ 1u;
  }
  Want wants(const EntryInfo& entry) const override {
    if (entry.type != EntryType::kRegular || entry.size == 0 || entry.size > max_file_bytes_) return Want::kNo;
    if (scanner_->skips_path(entry.path)) return Want::kNo;
    return Want::kIfMagic;
  }
  // Text: no NUL byte in the first bytes. Keys and configuration files are text; executables,
  // archives and images are not.
  bool wants_magic(std::span<const std::byte> head) const override {
    return std::find(head.begin(), head.end(), std::byte{0}) == head.end();
  }
  Result<void> analyze(const EntryInfo& entry, EntryContent& content, LayerAnalysis& out) const override {
    auto bytes = content.bytes();
    if (!bytes) return std::unexpected(bytes.error());
    for (auto& hit : scanner_->scan(entry.path, as_chars(*bytes))) {
      out.secrets.push_back({std::move(hit.rule_id), std::move(hit.description), std::move(hit.severity),
                             std::string(entry.path), hit.line, std::move(hit.redacted), std::move(hit.fingerprint)});
    }
    return {};
  }

 private:
  std::shared_ptr<const SecretScanner> scanner_;
  std::uint64_t max_file_bytes_;
};

}  // namespace

std::unique_ptr<Analyzer> make_secret_analyzer(std::shared_ptr<const SecretScanner> scanner,
                                               std::uint64_t max_file_bytes) {
  return std::make_unique<SecretAnalyzer>(std::move(scanner), max_file_bytes);
}

}  // namespace strata::worker
