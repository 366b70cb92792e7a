// PHP packages: Composer's installed.json and composer.lock.
#include "worker/analyzer/builtin.h"
#include "worker/analyzer/lang/file_analyzer.h"
#include "worker/analyzer/lang/language_paths.h"
#include "worker/parser/lang/lang_parsers.h"

namespace strata::worker {

template <>
std::unique_ptr<Analyzer> make_package_analyzer<Ecosystem::kComposer>() {
  return std::make_unique<FileAnalyzer>(
       1, Ecosystem::kComposer, is_composer_file,
      [](std::span<const std::byte> bytes, std::string_view path) { return parse_composer(as_chars(bytes), path); });
}

}  // namespace strata::worker
