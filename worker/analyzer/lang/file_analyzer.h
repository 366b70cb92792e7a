// Most language analyzers read one kind of file, chosen by its path, and parse it whole: this is
// that analyzer, given its ecosystem (which names it), the path test and the parser. The file becomes a package
// database at its path, so a later layer's copy replaces it and a whiteout removes it.
#pragma once

#include <memory>

#include "worker/analyzer/database_entry.h"

namespace strata::worker {

using PathTest = bool (*)(std::string_view path);
using FileParser = Result<ParsedPackages> (*)(std::span<const std::byte> bytes, std::string_view path);

class FileAnalyzer final : public Analyzer {
 public:
  FileAnalyzer(std::uint32_t version, Ecosystem ecosystem, PathTest wanted, FileParser parse)
      : version_(version), ecosystem_(ecosystem), wanted_(wanted), parse_(parse) {}

  std::string_view name() const override { return to_string(ecosystem_); }
  std::uint32_t version() const override { return version_; }
  Want wants(const EntryInfo& entry) const override {
    return entry.type == EntryType::kRegular && wanted_(entry.path) ? Want::kYes : Want::kNo;
  }
  Result<void> analyze(const EntryInfo& entry, EntryContent& content, LayerAnalysis& out) const override {
    return record_database(entry, content, ecosystem_, name(), out,
                           [&](std::span<const std::byte> bytes) { return parse_(bytes, entry.path); });
  }

 private:
  std::uint32_t version_;
  Ecosystem ecosystem_;
  PathTest wanted_;
  FileParser parse_;
};

}  // namespace strata::worker
