// .NET packages: an application's *.deps.json and NuGet's packages.lock.json.
#include "worker/analyzer/builtin.h"
#include "worker/analyzer/lang/file_analyzer.h"
#include "worker/analyzer/lang/language_paths.h"
#include "worker/parser/lang/lang_parsers.h"

namespace strata::worker {

template <>
std::unique_ptr<Analyzer> make_package_analyzer<Ecosystem::kNuget>() {
  return std::make_unique<FileAnalyzer>(
       1, Ecosystem::kNuget, is_dotnet_deps,
      [](std::span<const std::byte> bytes, std::string_view path) { return parse_dotnet_deps(as_chars(bytes), path); });
}

}  // namespace strata::worker
