// Analyzers that find packages inside executables (Go build info, cargo-auditable): they ask for
// every regular file with an execute bit whose first bytes are ELF's magic, read it whole, and
// record a package database at its path only when the binary carries their information. Most
// executables carry none; that is no warning.
#pragma once

#include "worker/analyzer/database_entry.h"
#include "worker/parser/lang/elf_file.h"

namespace strata::worker {

class BinaryAnalyzer : public Analyzer {
 public:
  Want wants(const EntryInfo& entry) const override {
    if (entry.type != EntryType::kRegular || (entry.mode & 0111) == 0 || entry.size < kMinSize) return Want::kNo;
    return Want::kIfMagic;
  }
  bool wants_magic(std::span<const std::byte> head) const override { return ElfFile::has_magic(head); }

 protected:
  // Parses `bytes`; kNotFound means "not ours" and records nothing.
  template <class Parse>
  Result<void> record_binary(const EntryInfo& entry, EntryContent& content, Ecosystem ecosystem,
                             LayerAnalysis& out, Parse parse) const {
    auto bytes = content.bytes();
    if (!bytes) {
      // One warning per executable, not one per binary analyzer: the Go analyzer names it.
      if (name() != to_string(Ecosystem::kGolang)) return {};
      return fail(bytes.error().code(), "executable not read for build info (Go, cargo-auditable): " +
                                            bytes.error().message());
    }
    Result<ParsedPackages> parsed = parse(*bytes);
    if (!parsed) {
      if (parsed.error().code() == ErrorCode::kNotFound) return {};
      return std::unexpected(parsed.error());
    }
    PackageDatabase db{std::string(entry.path), ecosystem, std::move(parsed->packages)};
    for (auto& w : parsed->skipped) out.warnings.push_back(std::string(name()) + ": " + std::move(w));
    out.databases.push_back(std::move(db));
    return {};
  }

 private:
  static constexpr std::uint64_t kMinSize = 1024;
};

}  // namespace strata::worker
