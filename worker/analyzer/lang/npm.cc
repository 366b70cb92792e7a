// Node.js packages: each installed package's package.json under node_modules, and the
// application lock files (package-lock.json, yarn.lock, pnpm-lock.yaml), which count only where
// no installed tree sits beside them (common/image/layer_merge.cc).
#include "worker/analyzer/builtin.h"
#include "worker/analyzer/lang/file_analyzer.h"
#include "worker/analyzer/lang/language_paths.h"
#include "worker/parser/lang/lang_parsers.h"

namespace strata::worker {
namespace {

bool wanted(std::string_view path) { return is_node_package_json(path) || is_node_lock_file(path); }

Result<ParsedPackages> parse(std::span<const std::byte> bytes, std::string_view path) {
  const std::string_view text = as_chars(bytes);
  const std::string_view base = base_name(path);
  if (base == "package.json") return parse_package_json(text, path);
  if (base == "yarn.lock") return parse_yarn_lock(text, path);
  if (base == "pnpm-lock.yaml") return parse_pnpm_lock(text, path);
  return parse_npm_lock(text, path);
}

}  // namespace

template <>
std::unique_ptr<Analyzer> make_package_analyzer<Ecosystem::kNpm>() {
  return std::make_unique<FileAnalyzer>(1, Ecosystem::kNpm, wanted, parse);
}

}  // namespace strata::worker
