// Java archives anywhere in the image, nested ones included (worker/parser/lang/java_archive.cc).
#include "worker/analyzer/builtin.h"
#include "worker/analyzer/lang/file_analyzer.h"
#include "worker/analyzer/lang/language_paths.h"
#include "worker/parser/lang/lang_parsers.h"

namespace strata::worker {

template <>
std::unique_ptr<Analyzer> make_package_analyzer<Ecosystem::kMaven>() {
  return std::make_unique<FileAnalyzer>(
       1, Ecosystem::kMaven, is_java_archive,
      [](std::span<const std::byte> bytes, std::string_view path) { return parse_java_archive(bytes, path); });
}

}  // namespace strata::worker
