// The JSON-based language files: package.json, package-lock.json, composer and .NET files.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "worker/parser/lang/lang_parsers.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  using namespace strata::worker;
  (void)parse_package_json(text, "node_modules/x/package.json");
  (void)parse_npm_lock(text, "package-lock.json");
  (void)parse_composer(text, "composer.lock");
  (void)parse_dotnet_deps(text, "app.deps.json");
  return 0;
}
