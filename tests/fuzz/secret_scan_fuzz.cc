// File contents as the secret analyzer sees them (Hyperscan probes, RE2 windows, allowlists,
// redaction), and rule files as --secret-config reads them.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "worker/api/analyzer_registry.h"
#include "worker/api/secret_rules.h"
#include "worker/api/secret_scanner.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static const auto scanner = strata::worker::builtin_secret_scanner();
  (void)scanner->scan("app/config.env", text);
  (void)scanner->scan("root/.pgpass", text);
  if (auto rules = strata::worker::parse_secret_rules(text, "fuzz.toml"); rules && rules->rules.size() <= 8) {
    if (auto compiled = strata::worker::SecretScanner::compile(*rules)) (void)(*compiled)->scan("x", text);
  }
  return 0;
}
