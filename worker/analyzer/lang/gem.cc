// Ruby gems: installed specifications and Bundler lock files.
#include "worker/analyzer/builtin.h"
#include "worker/analyzer/lang/file_analyzer.h"
#include "worker/analyzer/lang/language_paths.h"
#include "worker/parser/lang/lang_parsers.h"

namespace strata::worker {

template <>
std::unique_ptr<Analyzer> make_package_analyzer<Ecosystem::kGem>() {
  return std::make_unique<FileAnalyzer>(
       1, Ecosystem::kGem, [](std::string_view p) { return is_gemspec(p) || is_gemfile_lock(p); },
      [](std::span<const std::byte> bytes, std::string_view path) {
        return is_gemfile_lock(path) ? parse_gemfile_lock(as_chars(bytes), path) : parse_gemspec(as_chars(bytes), path);
      });
}

}  // namespace strata::worker
