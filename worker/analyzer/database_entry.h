// What every package-database analyzer does with its file: read it whole, parse it, record the
// packages and one warning per skipped record. A file that cannot be read or parsed is still
// recorded, empty, because it still replaces the database at the same path in lower layers.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "worker/analyzer/analyzer.h"
#include "worker/parser/parsed.h"

namespace strata::worker {

// `parse(std::string_view text or bytes)` returns Result<ParsedPackages>.
template <class Parse>
Result<void> record_database(const EntryInfo& entry, EntryContent& content, Ecosystem ecosystem,
                             std::string_view label, LayerAnalysis& out, Parse parse) {
  out.databases.push_back({std::string(entry.path), ecosystem, {}});
  const std::size_t at = out.databases.size() - 1;
  auto bytes = content.bytes();
  if (!bytes) return std::unexpected(bytes.error());
  Result<ParsedPackages> parsed = parse(*bytes);
  if (!parsed) return std::unexpected(parsed.error());
  for (auto& warning : parsed->skipped) out.warnings.push_back(std::string(label) + ": " + std::move(warning));
  out.databases[at].packages = std::move(parsed->packages);
  for (auto& [file, owner] : parsed->owned_files) out.owned_files[std::move(file)] = std::move(owner);
  return {};
}

}  // namespace strata::worker
