// Java archives anywhere in the image, nested ones included (worker/parser/lang/java_archive.cc).
#include "worker/analyzer/builtin.h"
#include "worker/analyzer/lang/file_analyzer.h"
#include "worker/analyzer/lang/language_paths.h"
#include "worker/parser/lang/lang_parsers.h"

namespace strata::worker {

std::unique_ptr<Analyzer> make_maven_analyzer() {
  return std::make_unique<FileAnalyzer>(
      AnalyzerId::kMaven, 1, Ecosystem::kMaven, is_java_archive,
      [](std::span<const std::byte> bytes, std::string_view path) { return parse_java_archive(bytes, path); });
}

}  // namespace strata::worker
