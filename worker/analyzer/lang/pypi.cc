// Python distributions installed by pip (or a distro) under site-packages and dist-packages.
#include "worker/analyzer/builtin.h"
#include "worker/analyzer/lang/file_analyzer.h"
#include "worker/analyzer/lang/language_paths.h"
#include "worker/parser/lang/lang_parsers.h"

namespace strata::worker {

template <>
std::unique_ptr<Analyzer> make_package_analyzer<Ecosystem::kPypi>() {
  return std::make_unique<FileAnalyzer>(
       1, Ecosystem::kPypi, is_python_metadata,
      [](std::span<const std::byte> bytes, std::string_view path) { return parse_python_metadata(as_chars(bytes), path); });
}

}  // namespace strata::worker
